//! Text that no store keeps: a NUL character (U+0000). PostgreSQL refuses
//! it in every text column (the import failed at the database with its
//! own words and no line), a GeoPackage would keep it and show a name
//! that ends there in every GIS tool. It comes from binary junk or a
//! file saved as UTF-16 and read as something else; the file is what
//! needs mending, so the reader's place is named.

use super::{Batch, Issue};
use crate::model::{Contact, District, Entity};

/// One [`Issue`] per record that holds a NUL, at the first such value.
pub fn check(batch: &Batch, issues: &mut Vec<Issue>) {
    for (e, origin) in &batch.entities {
        if let Some(field) = in_entity(e) {
            issues.push(problem(origin, field));
        }
    }
    for (d, origin) in &batch.districts {
        if let Some(field) = in_district(d) {
            issues.push(problem(origin, field));
        }
    }
    for r in &batch.relations {
        let texts = [
            ("from", Some(&r.from)),
            ("to", Some(&r.to)),
            ("field", r.field.as_ref()),
            ("source", r.source.as_ref()),
        ];
        if let Some(field) = first_with_nul(texts) {
            issues.push(problem(&r.origin, field));
        }
    }
    for c in &batch.contacts {
        if let Some(field) = in_contact(&c.contact) {
            issues.push(problem(&c.origin, field));
        }
    }
}

fn problem(origin: &super::Origin, field: &str) -> Issue {
    Issue::at(
        &origin.file,
        origin.line,
        field,
        crate::text!(
            "holds a NUL character (U+0000), which no store keeps; the file is probably \
             damaged or in another encoding (UTF-16?): mend it and import it again",
            "enthält ein NUL-Zeichen (U+0000), das kein Speicher aufnimmt; die Datei ist \
             wahrscheinlich beschädigt oder anders kodiert (UTF-16?): bitte korrigieren und \
             erneut importieren",
        ),
    )
}

/// The name of the first of `texts` that holds a NUL.
fn first_with_nul<S: AsRef<str>>(
    texts: impl IntoIterator<Item = (&'static str, Option<S>)>,
) -> Option<&'static str> {
    texts
        .into_iter()
        .find(|(_, t)| t.as_ref().is_some_and(|t| t.as_ref().contains('\0')))
        .map(|(name, _)| name)
}

/// The first text field of an entity with a NUL. Every field by name (no
/// `..`): a text field added to [`Entity`] fails to compile here until it
/// is checked.
fn in_entity(e: &Entity) -> Option<&'static str> {
    let Entity {
        id,
        name,
        kind: _,
        category,
        fields,
        location: _,
        coord_source: _,
        area: _,
        district_names,
        address,
        website,
        description,
        status: _,
        start,
        end,
        success_story,
        tags,
        source,
        verified_on: _,
        license,
        visibility: _,
        extra,
    } = e;
    let lists = [
        ("fields", fields),
        ("district_names", district_names),
        ("tags", tags),
    ];
    first_with_nul([
        ("id", Some(id)),
        ("name", Some(name)),
        ("category", category.as_ref()),
        ("address", address.as_ref()),
        ("website", website.as_ref()),
        ("description", description.as_ref()),
        ("start", start.as_ref()),
        ("end", end.as_ref()),
        ("success_story", success_story.as_ref()),
        ("source", source.as_ref()),
        ("license", license.as_ref()),
    ])
    .or_else(|| {
        lists
            .into_iter()
            .find(|(_, list)| list.iter().any(|t| t.contains('\0')))
            .map(|(name, _)| name)
    })
    .or_else(|| {
        extra
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
            .then_some("extra")
    })
}

/// As [`in_entity`], of a district.
fn in_district(d: &District) -> Option<&'static str> {
    let District {
        id,
        name,
        level,
        parent,
        parent_derived: _,
        aliases,
        population: _,
        provisional: _,
        method,
        source,
        license,
        geometry: _,
        // Kept as JSON (escaped there), never as a text column of its own.
        extra: _,
    } = d;
    first_with_nul([
        ("id", Some(id)),
        ("name", Some(name)),
        ("level", Some(level)),
        ("parent", parent.as_ref()),
        ("method", method.as_ref()),
        ("source", source.as_ref()),
        ("license", license.as_ref()),
    ])
    .or_else(|| {
        aliases
            .iter()
            .any(|a| a.contains('\0'))
            .then_some("aliases")
    })
}

/// As [`in_entity`], of a contact.
fn in_contact(c: &Contact) -> Option<&'static str> {
    let Contact {
        entity,
        name,
        role,
        email,
        phone,
    } = c;
    first_with_nul([
        ("entity", Some(entity)),
        ("name", Some(name)),
        ("role", role.as_ref()),
        ("email", email.as_ref()),
        ("phone", phone.as_ref()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntityKind;

    #[test]
    fn a_nul_anywhere_in_a_record_is_found_and_named() {
        let mut e = Entity::new("a", "Ein Name", EntityKind::Partner);
        assert_eq!(in_entity(&e), None);
        e.tags = vec!["ok".into(), "b\0se".into()];
        assert_eq!(in_entity(&e), Some("tags"));
        e.address = Some("Markt\u{0}platz 1".into());
        assert_eq!(in_entity(&e), Some("address"), "the scalar fields first");
        let mut plain = Entity::new("a", "Ein Name", EntityKind::Partner);
        plain.extra.insert("Spalte".into(), "x\0".into());
        assert_eq!(in_entity(&plain), Some("extra"));
    }
}
