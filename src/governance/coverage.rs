//! Does a body cover what is required of it?
//!
//! Rule (documented in the README): a membership that names a field of
//! expertise covers exactly that field; a membership that names none covers
//! the fields of action of the member organisation. So a university sitting
//! on the board *for* `wissenschaft` does not also cover `bildung`, although
//! the university as a whole works in both.

use super::{Member, Requirement, members};
use crate::model::{Lang, Role};
use crate::query::{Atlas, QueryError};
use serde::Serialize;

/// One requirement line and who covers it.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    /// `field` or `category`.
    pub kind: &'static str,
    pub id: String,
    pub label: String,
    /// Members needed (1 for a field).
    pub min: usize,
    /// Names of the members that cover it.
    pub covered_by: Vec<String>,
    pub covered: bool,
}

/// The coverage of one body.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub body: String,
    pub body_name: String,
    pub requirement: String,
    pub members: usize,
    /// Ids added for the check only (`board check --with`); nothing is stored.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<String>,
    pub rows: Vec<CoverageRow>,
    /// Requirement lines not met.
    pub missing: usize,
}

/// Checks a body's members against a requirement.
///
/// # Errors
/// [`QueryError`] when the body is unknown.
pub fn check(
    atlas: &Atlas,
    body: &str,
    requirement: &Requirement,
    lang: Lang,
) -> Result<Coverage, QueryError> {
    check_with(atlas, body, requirement, lang, &[])
}

/// Checks a hypothetical composition: the body's members and the
/// organisations `with`, each counting with its own fields of action. Only
/// the answer changes; the store is not touched.
///
/// # Errors
/// [`QueryError`] when the body or an id of `with` is unknown.
pub fn check_with(
    atlas: &Atlas,
    body: &str,
    requirement: &Requirement,
    lang: Lang,
    with: &[String],
) -> Result<Coverage, QueryError> {
    let mut ms = members(atlas, body)?;
    let mut added = Vec::new();
    for id in with {
        let e = &atlas.entities[atlas.entity_index(id)?];
        if ms.iter().any(|m| m.id == e.id) || added.contains(&e.id) {
            continue;
        }
        added.push(e.id.clone());
        ms.push(Member {
            id: e.id.clone(),
            name: e.name.clone(),
            role: Role::Member,
            field: None,
            category: e.category.clone(),
            fields: e.fields.clone(),
        });
    }
    let mut rows = Vec::new();
    for field in &requirement.fields {
        let covered_by: Vec<String> = ms
            .iter()
            .filter(|m| match &m.field {
                Some(f) => f == field,
                None => m.fields.contains(field),
            })
            .map(|m| m.name.clone())
            .collect();
        rows.push(CoverageRow {
            kind: "field",
            id: field.clone(),
            label: atlas.vocabulary.field_label(field, lang).to_string(),
            min: 1,
            covered: !covered_by.is_empty(),
            covered_by,
        });
    }
    for c in &requirement.categories {
        let covered_by: Vec<String> = ms
            .iter()
            .filter(|m| m.category.as_deref() == Some(c.id.as_str()))
            .map(|m| m.name.clone())
            .collect();
        let named = match lang {
            Lang::De => c.de.clone(),
            Lang::En => c.en.clone(),
        };
        rows.push(CoverageRow {
            kind: "category",
            id: c.id.clone(),
            label: named
                .or_else(|| {
                    atlas
                        .vocabulary
                        .category(&c.id)
                        .map(|t| t.label(lang).to_string())
                })
                .unwrap_or_else(|| c.id.clone()),
            min: c.min,
            covered: covered_by.len() >= c.min,
            covered_by,
        });
    }
    let i = atlas.entity_index(body)?;
    Ok(Coverage {
        body: body.to_string(),
        body_name: atlas.entities[i].name.clone(),
        requirement: requirement.title.clone(),
        members: ms.len(),
        with: added,
        missing: rows.iter().filter(|r| !r.covered).count(),
        rows,
    })
}
