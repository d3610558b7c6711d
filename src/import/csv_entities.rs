//! Entity rows from CSV: partners, initiatives, projects, bodies.

use super::columns::Table;
use super::manifest::FileEntry;
use super::values::{date, list, lon_lat, number, period_bound};
use super::{Batch, Issue, Origin, RelationRef};
use crate::crs::Crs;
use crate::model::names::slug;
use crate::model::{Entity, EntityKind, Lang, ParseText, Role, Text};

/// Model fields an entity file may carry.
pub const FIELDS: &[&str] = &[
    "id",
    "name",
    "kind",
    "category",
    "fields",
    "lon",
    "lat",
    "address",
    "website",
    "description",
    "status",
    "start",
    "end",
    "success_story",
    "tags",
    "source",
    "verified_on",
    "license",
    "visibility",
    "district",
    "lead_org",
    "partner_orgs",
];

pub fn read(entry: &FileEntry, batch: &mut Batch, issues: &mut Vec<Issue>) {
    let mut table = match Table::read(entry, FIELDS, &mut batch.notes) {
        Ok(t) => t,
        Err(issue) => return issues.push(issue),
    };
    let crs = match entry.crs.as_deref().map(Crs::parse).transpose() {
        Ok(crs) => crs,
        Err(e) => return issues.push(Issue::file(&entry.path, e.text())),
    };
    if !table.has("name") {
        let (hint, found) = (table.sheet_hint(), table.headers.join(", "));
        let (sheet, sheet_de) = (hint.en(), hint.in_lang(crate::model::Lang::De));
        return issues.push(Issue::file(
            &entry.path,
            crate::text!(
                "no name column{sheet} (looked for name, Name, Bezeichnung; found {found})",
                "keine Namensspalte{sheet_de} (gesucht: name, Name, Bezeichnung; gefunden: {found})"
            ),
        ));
    }
    // Rows are independent: read them on every core, keep them in file order.
    use rayon::prelude::*;
    let id_column = table.header_of("id");
    let has_id = table.has("id");
    // Taken out of the table, so that each row's cells are freed on the
    // thread that read them.
    let raw = std::mem::take(&mut table.rows);
    let table = &table;
    let (entities, others): (Vec<Option<(Entity, Origin)>>, Vec<RowOthers>) = raw
        .into_par_iter()
        .map(|(line, row)| {
            let mut others = RowOthers::default();
            let entity = read_row(
                entry,
                crs.as_ref(),
                table,
                line,
                &row,
                &mut others.relations,
                &mut others.issues,
            )
            .filter(|_| others.issues.is_empty())
            .map(|entity| {
                let origin = Origin {
                    file: entry.path.clone(),
                    line,
                    column: id_column.clone(),
                    id_derived: !has_id,
                };
                (entity, origin)
            });
            (entity, others)
        })
        .unzip();
    let mut relations = Vec::new();
    for mut row in others {
        relations.append(&mut row.relations);
        issues.append(&mut row.issues);
    }
    // Collected in place: a million entities are not moved into a new
    // vector. (`flatten` would allocate one; `filter_map` reuses the buffer.)
    #[allow(clippy::filter_map_identity)]
    let mut entities: Vec<(Entity, Origin)> = entities.into_iter().filter_map(|e| e).collect();
    if !has_id {
        let (note, renamed) = super::ids::make_unique(&mut entities, &entry.path);
        batch.notes.extend(note);
        // lead_org / partner_orgs of a renamed row point at its new id.
        let new_id: std::collections::HashMap<(u64, &str), &str> = renamed
            .iter()
            .map(|r| {
                let (e, origin) = &entities[r.index];
                ((origin.line, r.old.as_str()), e.id.as_str())
            })
            .collect();
        for r in &mut relations {
            if let Some(id) = new_id.get(&(r.origin.line, r.to.as_str())) {
                r.to = id.to_string();
            }
        }
    }
    batch.relations.append(&mut relations);
    if batch.entities.is_empty() {
        batch.entities = entities;
    } else {
        batch.entities.extend(entities);
    }
}

/// What one row gives besides its entity.
#[derive(Default)]
struct RowOthers {
    relations: Vec<RelationRef>,
    issues: Vec<Issue>,
}

fn read_row(
    entry: &FileEntry,
    crs: Option<&Crs>,
    table: &Table,
    line: u64,
    row: &csv::StringRecord,
    relations: &mut Vec<RelationRef>,
    issues: &mut Vec<Issue>,
) -> Option<Entity> {
    let path = &entry.path;
    let at = |field: &str, message: Text| Issue::at(path, line, &table.header_of(field), message);
    let Some(name) = table.get(row, "name") else {
        issues.push(at(
            "name",
            crate::text!(
                "is empty; every record needs a name",
                "ist leer; jeder Eintrag braucht einen Namen"
            ),
        ));
        return None;
    };
    let id = table
        .get(row, "id")
        .map_or_else(|| slug(&name), |c| c.into_owned());
    if id.is_empty() {
        issues.push(at(
            "name",
            crate::text!(
                "\"{name}\" gives no usable id; add an id column",
                "\"{name}\" ergibt keine brauchbare Kennung; ergänzen Sie eine Spalte id"
            ),
        ));
        return None;
    }
    let kind = match table.get(row, "kind") {
        Some(k) => match EntityKind::parse_text(&k) {
            Ok(kind) => kind,
            Err(e) => {
                issues.push(at(
                    "kind",
                    with_category_hint(e, &k, &table.header_of("kind")),
                ));
                return None;
            }
        },
        None => entry.role.default_kind().unwrap_or(EntityKind::Partner),
    };
    let mut e = Entity::new(id, name.into_owned(), kind);
    e.category = table.get(row, "category").map(|c| c.trim().to_lowercase());
    e.fields = table
        .get(row, "fields")
        .map(|c| list(&c).into_iter().map(|f| f.to_lowercase()).collect())
        .unwrap_or_default();
    match (table.get(row, "lon"), table.get(row, "lat")) {
        (None, None) => {}
        (Some(lon), Some(lat)) => match (number(&lon), number(&lat)) {
            (Some(x), Some(y)) => {
                let wgs84 = match crs {
                    Some(crs) => crs.to_wgs84(geo::Coord { x, y }).map_err(|e| e.text()),
                    None => Ok(geo::Coord { x, y }),
                };
                match wgs84.map(|c| (c, lon_lat(c.x, c.y))) {
                    Ok((_, Ok(p))) => e.location = Some(p),
                    // Named after the value out of range.
                    Ok((c, Err(msg))) if !(-180.0..=180.0).contains(&c.x) => {
                        issues.push(at("lon", msg.around(&format!("\"{lon}\": "), "")))
                    }
                    Ok((_, Err(msg))) | Err(msg) => {
                        issues.push(at("lat", msg.around(&format!("\"{lat}\": "), "")))
                    }
                }
            }
            (None, _) => issues.push(at(
                "lon",
                crate::text!("\"{lon}\" is not a number", "\"{lon}\" ist keine Zahl"),
            )),
            (_, None) => issues.push(at(
                "lat",
                crate::text!("\"{lat}\" is not a number", "\"{lat}\" ist keine Zahl"),
            )),
        },
        (Some(_), None) => issues.push(at(
            "lat",
            crate::text!(
                "is empty but lon is given",
                "ist leer, obwohl lon angegeben ist"
            ),
        )),
        (None, Some(_)) => issues.push(at(
            "lon",
            crate::text!(
                "is empty but lat is given",
                "ist leer, obwohl lat angegeben ist"
            ),
        )),
    }
    e.address = table.get(row, "address").map(|c| c.into_owned());
    e.website = table.get(row, "website").map(|c| c.into_owned());
    e.description = table.get(row, "description").map(|c| c.into_owned());
    if let Some(s) = table.get(row, "status") {
        match ParseText::parse_text(&s) {
            Ok(status) => e.status = Some(status),
            Err(msg) => issues.push(at("status", msg)),
        }
    }
    for (field, slot) in [("start", &mut e.start), ("end", &mut e.end)] {
        if let Some(c) = table.get(row, field) {
            match period_bound(&c) {
                Some(v) => *slot = Some(v),
                None => issues.push(at(
                    field,
                    crate::text!(
                        "\"{c}\" is not a year or a date (2021, 2021-06, 2021-06-30, 30.06.2021)",
                        "\"{c}\" ist keine Jahreszahl und kein Datum (2021, 2021-06, 2021-06-30, 30.06.2021)"
                    ),
                )),
            }
        }
    }
    e.success_story = table.get(row, "success_story").map(|c| c.into_owned());
    e.tags = table.get(row, "tags").map(|c| list(&c)).unwrap_or_default();
    e.source = table
        .get(row, "source")
        .map(|c| c.into_owned())
        .or_else(|| entry.source.clone());
    if let Some(c) = table.get(row, "verified_on") {
        match date(&c) {
            Some(d) => e.verified_on = Some(d),
            None => issues.push(at(
                "verified_on",
                crate::text!(
                    "\"{c}\" is not a date (YYYY-MM-DD)",
                    "\"{c}\" ist kein Datum (JJJJ-MM-TT)"
                ),
            )),
        }
    }
    e.license = table
        .get(row, "license")
        .map(|c| c.into_owned())
        .or_else(|| entry.license.clone());
    if let Some(v) = table.get(row, "visibility") {
        match ParseText::parse_text(&v) {
            Ok(vis) => e.visibility = vis,
            Err(msg) => issues.push(at("visibility", msg)),
        }
    }
    e.district_names = table
        .get(row, "district")
        .map(|c| list(&c))
        .unwrap_or_default();
    for (header, col) in &table.extra {
        if let Some(v) = row.get(*col).filter(|v| !v.is_empty()) {
            e.extra.insert(header.clone(), v.to_string());
        }
    }
    e.canonicalize();
    for (field, role) in [("lead_org", Role::Lead), ("partner_orgs", Role::Partner)] {
        for org in table.get(row, field).map(|c| list(&c)).unwrap_or_default() {
            relations.push(RelationRef {
                from: org,
                to: e.id.clone(),
                role,
                field: None,
                source: e.source.clone(),
                origin: Origin {
                    file: path.clone(),
                    line,
                    column: table.header_of(field),
                    id_derived: false,
                },
            });
        }
    }
    Some(e)
}

/// A kind column that holds organisation types ("public_authority"): the
/// message says how to read it as the category instead.
fn with_category_hint(message: Text, value: &str, column: &str) -> Text {
    static CATEGORIES: std::sync::LazyLock<crate::model::Vocabulary> =
        std::sync::LazyLock::new(crate::model::Vocabulary::default_vocabulary);
    if CATEGORIES.category(&value.trim().to_lowercase()).is_some() {
        let (en, de) = (message.en(), message.in_lang(Lang::De));
        crate::text!(
            "{en}; it is a category: read the column as one with --map category={column}",
            "{de}; es ist eine Kategorie: lesen Sie die Spalte mit --map category={column} als solche"
        )
    } else {
        message
    }
}
