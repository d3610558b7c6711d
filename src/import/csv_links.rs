//! Relations and contacts from CSV.

use super::columns::Table;
use super::manifest::FileEntry;
use super::{Batch, ContactRef, Issue, Origin, RelationRef};
use crate::model::{Contact, ParseText, Role, Text};

pub fn read_relations(entry: &FileEntry, batch: &mut Batch, issues: &mut Vec<Issue>) {
    let table = match Table::read(
        entry,
        &["from", "to", "role", "field", "source"],
        &mut batch.notes,
    ) {
        Ok(t) => t,
        Err(issue) => return issues.push(issue),
    };
    for required in ["from", "to", "role"] {
        if !table.has(required) {
            return issues.push(Issue::file(
                &entry.path,
                crate::text!(
                    "no '{required}' column; a relations file has from, to, role[, field, source]",
                    "keine Spalte '{required}'; eine Datei mit Beziehungen hat from, to, role[, field, source]"
                ),
            ));
        }
    }
    for (line, row) in &table.rows {
        let at = |f: &str, m: Text| Issue::at(&entry.path, *line, &table.header_of(f), m);
        let (Some(from), Some(to), Some(role)) = (
            table.get(row, "from"),
            table.get(row, "to"),
            table.get(row, "role"),
        ) else {
            issues.push(Issue::line(
                &entry.path,
                *line,
                crate::text!(
                    "from, to and role must all be given",
                    "from, to und role müssen alle angegeben sein"
                ),
            ));
            continue;
        };
        let role = match Role::parse_text(&role) {
            Ok(r) => r,
            Err(m) => {
                issues.push(at("role", m));
                continue;
            }
        };
        batch.relations.push(RelationRef {
            from: from.into_owned(),
            to: to.into_owned(),
            role,
            field: table.get(row, "field").map(|f| f.to_lowercase()),
            source: table
                .get(row, "source")
                .map(|c| c.into_owned())
                .or_else(|| entry.source.clone()),
            origin: Origin {
                file: entry.path.clone(),
                line: *line,
                column: table.header_of("from"),
                id_derived: false,
            },
        });
    }
}

pub fn read_contacts(entry: &FileEntry, batch: &mut Batch, issues: &mut Vec<Issue>) {
    let table = match Table::read(
        entry,
        &["entity", "name", "role", "email", "phone"],
        &mut batch.notes,
    ) {
        Ok(t) => t,
        Err(issue) => return issues.push(issue),
    };
    for required in ["entity", "name"] {
        if !table.has(required) {
            return issues.push(Issue::file(
                &entry.path,
                crate::text!(
                    "no '{required}' column; a contacts file has entity, name, role, email, phone",
                    "keine Spalte '{required}'; eine Datei mit Kontakten hat entity, name, role, email, phone"
                ),
            ));
        }
    }
    for (line, row) in &table.rows {
        let (Some(entity), Some(name)) = (table.get(row, "entity"), table.get(row, "name")) else {
            issues.push(Issue::line(
                &entry.path,
                *line,
                crate::text!(
                    "entity and name must both be given",
                    "entity und name müssen beide angegeben sein"
                ),
            ));
            continue;
        };
        if let Some(email) = table.get(row, "email")
            && !email.contains('@')
        {
            issues.push(Issue::at(
                &entry.path,
                *line,
                &table.header_of("email"),
                crate::text!(
                    "\"{email}\" is not an email address",
                    "\"{email}\" ist keine E-Mail-Adresse"
                ),
            ));
            continue;
        }
        batch.contacts.push(ContactRef {
            contact: Contact {
                entity: entity.into_owned(),
                name: name.into_owned(),
                role: table.get(row, "role").map(|c| c.into_owned()),
                email: table.get(row, "email").map(|c| c.into_owned()),
                phone: table.get(row, "phone").map(|c| c.into_owned()),
            },
            origin: Origin {
                file: entry.path.clone(),
                line: *line,
                column: table.header_of("entity"),
                id_derived: false,
            },
        });
    }
}
