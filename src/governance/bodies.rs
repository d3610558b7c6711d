//! Bodies (steering groups, working groups, advisory boards) and their members.

use crate::model::{EntityKind, Role};
use crate::query::{Atlas, QueryError};
use serde::Serialize;

/// One body with its member count.
#[derive(Debug, Clone, Serialize)]
pub struct BodyRow {
    pub id: String,
    pub name: String,
    pub status: Option<String>,
    /// Members and chairs.
    pub members: usize,
    pub chairs: usize,
    pub source: Option<String>,
}

/// One membership of a body.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// Field of expertise of this membership, if the source names one.
    pub field: Option<String>,
    pub category: Option<String>,
    /// The member organisation's own fields of action.
    pub fields: Vec<String>,
}

/// All bodies, by name.
pub fn bodies(atlas: &Atlas) -> Vec<BodyRow> {
    let mut rows: Vec<BodyRow> = atlas
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Body && e.is_public())
        .map(|e| {
            let ms: Vec<Member> = members_of(atlas, &e.id);
            BodyRow {
                id: e.id.clone(),
                name: e.name.clone(),
                status: e.status.map(|s| s.to_string()),
                members: ms.len(),
                chairs: ms.iter().filter(|m| m.role == Role::Chair).count(),
                source: e.source.clone(),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

fn members_of(atlas: &Atlas, body: &str) -> Vec<Member> {
    let mut out: Vec<Member> = atlas
        .relations
        .iter()
        .filter(|r| r.to == body && matches!(r.role, Role::Member | Role::Chair))
        .filter_map(|r| {
            let e = &atlas.entities[atlas.entity_index(&r.from).ok()?];
            e.is_public().then(|| Member {
                id: e.id.clone(),
                name: e.name.clone(),
                role: r.role,
                field: r.field.clone(),
                category: e.category.clone(),
                fields: e.fields.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.role
            .eq(&Role::Chair)
            .cmp(&a.role.eq(&Role::Chair))
            .then(a.name.cmp(&b.name))
    });
    out
}

/// The members of a body (chairs first).
///
/// # Errors
/// [`QueryError::UnknownEntity`] when no entity has the id, or it is no body.
pub fn members(atlas: &Atlas, body: &str) -> Result<Vec<Member>, QueryError> {
    let i = atlas.entity_index(body)?;
    if atlas.entities[i].kind != EntityKind::Body {
        return Err(QueryError::UnknownEntity(format!(
            "{body} (it is a {}, not a body)",
            atlas.entities[i].kind
        )));
    }
    Ok(members_of(atlas, body))
}
