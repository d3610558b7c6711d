//! Ids for records whose file gives none.
//!
//! Such a record's id is a slug of its name. Real registers repeat names
//! ("Grundschule am Park", a bus stop on both sides of a street), so where
//! several records of one file share that slug, each gets a suffix made from
//! the record itself — its address, else its point, else its content — never
//! from its row, so that the ids stay the same when the rows are reordered.

use super::Origin;
use crate::model::names::slug;
use crate::model::{Entity, Text};
use std::collections::HashMap;
use std::path::Path;

/// A record's id changed by [`make_unique`]: its index and its old id.
pub struct Renamed {
    pub index: usize,
    pub old: String,
}

/// Makes the derived ids (`Origin::id_derived`) of one file's records unique
/// within it. Returns a note saying what was done and the renamed records;
/// records that are identical but for their row keep their id (and are then
/// reported as a duplicate id).
pub fn make_unique(records: &mut [(Entity, Origin)], path: &Path) -> (Option<Text>, Vec<Renamed>) {
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (e, origin)) in records.iter().enumerate() {
        if origin.id_derived {
            groups.entry(e.id.as_str()).or_default().push(i);
        }
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
    if groups.is_empty() {
        return (None, Vec::new());
    }
    groups.sort();
    let mut renamed = Vec::new();
    for group in &groups {
        let suffixes = suffixes(group.iter().map(|&i| &records[i].0));
        for (&i, suffix) in group.iter().zip(suffixes) {
            let Some(suffix) = suffix else { continue };
            let e = &mut records[i].0;
            let new = format!("{}-{suffix}", e.id);
            let old = std::mem::replace(&mut e.id, new);
            renamed.push(Renamed { index: i, old });
        }
    }
    if renamed.is_empty() {
        return (None, renamed);
    }
    let example = renamed
        .first()
        .map(|r| {
            crate::text!(
                " (e.g. '{}' → '{}')",
                " (z. B. '{}' → '{}')",
                r.old,
                records[r.index].0.id
            )
        })
        .unwrap_or_else(|| Text::new("", ""));
    let (example_en, example_de) = (example.en(), example.in_lang(crate::model::Lang::De));
    let note = crate::text!(
        "{}: {} records share a name with another record of the file and have no id; \
         their ids carry a suffix from their address or place{example_en}, which stays the same when rows are reordered. \
         Map an id column (--id-column COLUMN) to choose the ids",
        "{}: {} Einträge teilen ihren Namen mit einem anderen Eintrag der Datei und haben keine Kennung; \
         ihre Kennungen tragen einen Zusatz aus ihrer Adresse oder Lage{example_de}, der beim Umsortieren der Zeilen gleich bleibt. \
         Ordnen Sie eine Spalte für die Kennung zu (--id-column COLUMN), um die Kennungen selbst zu wählen",
        path.display(),
        renamed.len()
    );
    (Some(note), renamed)
}

/// One suffix per record of a group sharing a slug: the slug of the address
/// when every record has a different one, else a hash of the point when every
/// record has a different one, else a hash of the whole record (`None` for
/// records identical to another one).
fn suffixes<'a>(group: impl Iterator<Item = &'a Entity> + Clone) -> Vec<Option<String>> {
    let distinct = |keys: &[Option<String>]| {
        let mut seen = std::collections::HashSet::new();
        keys.iter()
            .all(|k| k.as_ref().is_some_and(|k| seen.insert(k.clone())))
    };
    let addresses: Vec<Option<String>> = group
        .clone()
        .map(|e| e.address.as_deref().map(slug).filter(|s| !s.is_empty()))
        .collect();
    if distinct(&addresses) {
        return addresses;
    }
    let points: Vec<Option<String>> = group
        .clone()
        .map(|e| {
            e.location
                .map(|p| short_hash(&format!("{:.6},{:.6}", p.lon(), p.lat())))
        })
        .collect();
    if distinct(&points) {
        return points;
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    let contents: Vec<String> = group
        .map(|e| {
            let mut e = e.clone();
            e.id.clear();
            short_hash(&serde_json::to_string(&e).unwrap_or_default())
        })
        .collect();
    for c in &contents {
        *counts.entry(c.clone()).or_default() += 1;
    }
    contents
        .into_iter()
        .map(|c| (counts[&c] == 1).then_some(c))
        .collect()
}

/// Six hex digits of the CRC-32 of a text: stable across versions and machines.
fn short_hash(text: &str) -> String {
    format!("{:06x}", crc32fast::hash(text.as_bytes()) & 0xff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityKind, LonLat};
    use std::path::PathBuf;

    fn record(
        name: &str,
        address: Option<&str>,
        at: Option<(f64, f64)>,
        line: u64,
    ) -> (Entity, Origin) {
        let mut e = Entity::new(slug(name), name, EntityKind::Partner);
        e.address = address.map(str::to_string);
        e.location = at.map(|(x, y)| LonLat::new(x, y).unwrap());
        (
            e,
            Origin {
                file: PathBuf::from("f.csv"),
                line,
                column: "name".into(),
                id_derived: true,
            },
        )
    }

    fn ids(records: &[(Entity, Origin)]) -> Vec<String> {
        records.iter().map(|(e, _)| e.id.clone()).collect()
    }

    #[test]
    fn repeated_names_get_suffixes_that_do_not_depend_on_the_row_order() {
        let rows = vec![
            record("Grundschule am Park", None, Some((11.97, 51.48)), 2),
            record("Kita Sonnenschein", Some("Aachener Str. 12"), None, 3),
            record("Grundschule am Park", None, Some((11.91, 51.47)), 4),
            record("Kita Sonnenschein", Some("Aachener Str. 14"), None, 5),
            record("Stadtbibliothek", None, None, 6),
        ];
        let mut forward = rows.clone();
        let (note, renamed) = make_unique(&mut forward, Path::new("f.csv"));
        assert_eq!(renamed.len(), 4);
        let note = note.unwrap();
        assert!(note.en().contains("4 records"));
        assert!(
            note.in_lang(crate::model::Lang::De)
                .contains("4 Einträge teilen ihren Namen")
        );
        let ids_forward = ids(&forward);
        assert!(ids_forward.contains(&"kita-sonnenschein-aachener-str-12".to_string()));
        assert!(ids_forward.contains(&"stadtbibliothek".to_string()));
        let unique: std::collections::HashSet<_> = ids_forward.iter().collect();
        assert_eq!(unique.len(), 5);

        let mut backward: Vec<_> = rows.into_iter().rev().collect();
        make_unique(&mut backward, Path::new("f.csv"));
        let mut a = ids_forward;
        let mut b = ids(&backward);
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }

    #[test]
    fn identical_records_keep_their_id_and_given_ids_are_left_alone() {
        let mut rows = vec![
            record("Haltestelle Markt", None, Some((11.97, 51.48)), 2),
            record("Haltestelle Markt", None, Some((11.97, 51.48)), 3),
        ];
        let mut given = record("Haltestelle Markt", None, Some((11.0, 51.0)), 4);
        given.1.id_derived = false;
        rows.push(given);
        let (note, renamed) = make_unique(&mut rows, Path::new("f.csv"));
        assert!(note.is_none() || renamed.is_empty());
        assert_eq!(
            ids(&rows),
            [
                "haltestelle-markt",
                "haltestelle-markt",
                "haltestelle-markt"
            ]
        );
    }
}
