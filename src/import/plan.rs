//! Planning an import: check references against the store, then keep only what changes.

use super::{Batch, ImportError, Issue, Origin};
use crate::districts::{Assignment, DistrictMap, DistrictRef};
use crate::model::names::fold;
use crate::model::{Contact, District, Entity, Lang, Level, Relation, Text, Vocabulary};
use crate::store::{AssignmentRow, Assignments, ChangeSet, Snapshot};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Hash maps keyed by ids; foldhash is several times faster than SipHash on
/// a million short keys, and an import's own ids need no DoS resistance.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// Counts of what an import adds, changes and leaves alone.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ImportSummary {
    pub entities_added: usize,
    pub entities_changed: usize,
    pub entities_unchanged: usize,
    pub districts_added: usize,
    pub districts_changed: usize,
    pub districts_unchanged: usize,
    /// Districts of a replaced level that the new layer no longer holds.
    pub districts_removed: usize,
    /// District assignment rows the import writes (a small import writes
    /// those of the entities it changes, not the store's).
    pub assignment_rows_written: usize,
    pub relations_added: usize,
    pub relations_unchanged: usize,
    pub contacts_added: usize,
    pub contacts_unchanged: usize,
    /// Ids of new or changed entities.
    pub changed_ids: Vec<String>,
    /// Things worth a look that do not stop the import (unknown vocabulary ids).
    pub warnings: Vec<Text>,
}

/// A checked import, ready to apply.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub changes: ChangeSet,
    /// What changes; its warnings are the readers' notes until
    /// [`Prepared::advice`] adds its own.
    pub summary: ImportSummary,
    /// Where every entity of the batch stands in the store as it will be
    /// (the snapshot with the batch merged in by id, new ones at the end).
    brought: Vec<usize>,
    /// Where each of `changes.entities` stands there.
    changed_at: Vec<usize>,
    /// The vocabulary the store will have.
    vocabulary: Vocabulary,
}

/// The stored records with the incoming ones in place of those with the same
/// id, and the new ones after them (the store as it will be, by reference),
/// and where each incoming record ended up in it.
fn merge_by_id_at<'a, T>(
    current: &'a [T],
    incoming: impl Iterator<Item = &'a T>,
    id: impl Fn(&T) -> &str,
) -> (Vec<&'a T>, Vec<usize>) {
    let size = current.len() + incoming.size_hint().0;
    let mut merged: Vec<&T> = Vec::with_capacity(size);
    merged.extend(current);
    let mut position: HashMap<&str, usize> =
        HashMap::with_capacity_and_hasher(size, Default::default());
    position.extend(current.iter().enumerate().map(|(i, r)| (id(r), i)));
    let mut at = Vec::with_capacity(incoming.size_hint().0);
    for record in incoming {
        match position.get(id(record)) {
            Some(&i) => {
                merged[i] = record;
                at.push(i);
            }
            None => {
                position.insert(id(record), merged.len());
                at.push(merged.len());
                merged.push(record);
            }
        }
    }
    (merged, at)
}

/// An issue for every record whose id an earlier record of the batch has.
/// `merged_at[k]` is where record `k` landed in a merge ([`merge_by_id_at`]
/// of `merged_len` records), which puts the records of one id in one place.
/// `what` names the records' id in English (`district`, followed by `id`)
/// and in German (`Bezirkskennung`).
fn duplicates<T>(
    records: &[(T, Origin)],
    merged_at: &[usize],
    merged_len: usize,
    id: impl Fn(&T) -> &str,
    what: (&str, &str),
    issues: &mut Vec<Issue>,
) {
    let (what, what_de) = what;
    let mut first: Vec<Option<&Origin>> = vec![None; merged_len];
    for ((record, origin), &i) in records.iter().zip(merged_at) {
        match first[i] {
            Some(earlier) => issues.push(Issue::line(
                &origin.file,
                origin.line,
                crate::text!(
                    "{what} id '{}' is already used at {}:{}",
                    "{what_de} '{}' ist bereits in {}:{} vergeben",
                    id(record),
                    earlier.file.display(),
                    earlier.line
                ),
            )),
            None => first[i] = Some(origin),
        }
    }
}

/// Finds entities by id or by name.
struct EntityLookup<'a> {
    ids: HashSet<&'a str>,
    by_name: HashMap<String, Vec<&'a str>>,
}

impl<'a> EntityLookup<'a> {
    fn new(entities: &[&'a Entity]) -> Self {
        let mut by_name: HashMap<String, Vec<&str>> = HashMap::default();
        for e in entities {
            by_name.entry(fold(&e.name)).or_default().push(&e.id);
        }
        Self {
            ids: entities.iter().map(|e| e.id.as_str()).collect(),
            by_name,
        }
    }

    fn find(&self, reference: &str) -> Result<String, Text> {
        if self.ids.contains(reference) {
            return Ok(reference.to_string());
        }
        match self.by_name.get(&fold(reference)).map(Vec::as_slice) {
            Some([one]) => Ok(one.to_string()),
            Some(many) if !many.is_empty() => Err(crate::text!(
                "\"{reference}\" names several entities ({}); use the id",
                "\"{reference}\" ist der Name mehrerer Einträge ({}); verwenden Sie die Kennung",
                many.join(", ")
            )),
            _ => Err(crate::text!(
                "no entity has the id or name \"{reference}\"",
                "kein Eintrag hat die Kennung oder den Namen \"{reference}\""
            )),
        }
    }
}

/// Checks a batch against the store's snapshot and computes the change set.
///
/// # Errors
/// [`ImportError`] with every unresolvable reference, duplicate id and bad level.
pub fn prepare(
    batch: Batch,
    snapshot: &Snapshot,
    stored: &[AssignmentRow],
) -> Result<Prepared, ImportError> {
    let mut issues = Vec::new();
    let mut summary = ImportSummary::default();

    let mut batch = batch;
    let mut notes = std::mem::take(&mut batch.notes);
    super::keep_located::carry(&mut batch.entities, &snapshot.entities);
    super::reach::check(&batch, &snapshot.districts, &mut issues);
    super::nul::check(&batch, &mut issues);
    // Only an import that brings districts or levels changes them; the
    // others keep the stored ones as they are (and skip the geometry work).
    let touched =
        !batch.districts.is_empty() || !batch.levels.is_empty() || !batch.level_requests.is_empty();
    super::district_plan::tell_levels_apart(&mut batch.districts, &snapshot.districts, &mut notes);
    let (districts, districts_at) = merge_by_id_at(
        &snapshot.districts,
        batch.districts.iter().map(|(d, _)| d),
        |d| &d.id,
    );
    duplicates(
        &batch.districts,
        &districts_at,
        districts.len(),
        |d: &District| &d.id,
        ("district", "Bezirkskennung"),
        &mut issues,
    );
    let levels: Vec<Level> = if touched {
        super::levels::place(
            &snapshot.levels,
            &batch.levels,
            &batch.districts,
            &batch.level_requests,
            &districts,
            &mut notes,
            &mut issues,
        )
    } else {
        snapshot.levels.clone()
    };
    let mut districts: Vec<District> = districts.into_iter().cloned().collect();
    super::district_plan::keep_aliases(&mut districts, &snapshot.districts, &batch.districts);
    let removed = super::district_plan::remove_replaced(
        &mut districts,
        &batch.districts,
        &batch.replacing,
        &mut notes,
    );
    if touched {
        super::district_plan::resolve_parents(
            &mut districts,
            &levels,
            &batch.districts,
            &mut issues,
        );
        if issues.is_empty() {
            for s in crate::districts::derive_parents(&levels, &mut districts) {
                notes.push(super::district_plan::straddle_warning(&s, &districts));
            }
        }
    }
    let map = DistrictMap::new(&levels, districts);
    let levels = map.hierarchy.levels().to_vec();

    let (entities, merged_at) = merge_by_id_at(
        &snapshot.entities,
        batch.entities.iter().map(|(e, _)| e),
        |e| &e.id,
    );
    duplicates(
        &batch.entities,
        &merged_at,
        entities.len(),
        |e: &Entity| &e.id,
        ("entity", "Eintragskennung"),
        &mut issues,
    );
    // Every entity placed once, at every level: for the stored assignment
    // rows and, at the coarsest level, for the swapped-coordinates check.
    let assignments = map.assign_all(&entities);
    let has_levels = !map.hierarchy.levels().is_empty();
    for ((e, origin), &i) in batch.entities.iter().zip(&merged_at) {
        let outside = has_levels && assignments[i][0].contains(&DistrictRef::Outside);
        for name in &e.district_names {
            if let Err(err) = map.resolve(name, None) {
                issues.push(Issue::at(&origin.file, origin.line, "district", err.text()));
            }
        }
        if let Some(message) = e
            .location
            .filter(|_| outside)
            .and_then(|p| swapped_hint(&map, p))
        {
            issues.push(Issue::at(&origin.file, origin.line, "lat", message));
        }
    }

    // Stored entities located by a district name must still find it when
    // the districts change (a replaced level): never silently city-wide.
    if touched {
        let brought: HashSet<usize> = merged_at.iter().copied().collect();
        let file = batch
            .replacing
            .first()
            .or(batch.files.first())
            .cloned()
            .unwrap_or_default();
        for (i, e) in entities.iter().enumerate() {
            if brought.contains(&i) {
                continue;
            }
            for name in &e.district_names {
                if let Err(err) = map.resolve(name, None) {
                    let err = err.text();
                    let (kind, id) = (e.kind.as_str(), &e.id);
                    issues.push(Issue::file(
                        &file,
                        Text::new(
                            format!(
                                "the stored {kind} '{id}' is located by the district name \"{name}\", which this import leaves unresolved ({}); \
                                 keep a district of that name or alias (map an aliases column), or re-import the record with another district",
                                err.en()
                            ),
                            format!(
                                "der gespeicherte Eintrag '{id}' ({kind}) wird über den Bezirksnamen \"{name}\" verortet, den dieser Import nicht mehr auflöst ({}); \
                                 behalten Sie einen Bezirk dieses Namens oder Alias (ordnen Sie eine Alias-Spalte zu) oder importieren Sie den Eintrag mit einem anderen Bezirk neu",
                                err.in_lang(Lang::De)
                            ),
                        ),
                    ));
                }
            }
        }
    }
    // Only relations and contacts refer to entities by name.
    let lookup = if batch.relations.is_empty() && batch.contacts.is_empty() {
        EntityLookup::new(&[])
    } else {
        EntityLookup::new(&entities)
    };
    let mut relations = Vec::new();
    for r in &batch.relations {
        let ends = (lookup.find(&r.from), lookup.find(&r.to));
        match ends {
            (Ok(from), Ok(to)) if from == to => issues.push(Issue::at(
                &r.origin.file,
                r.origin.line,
                &r.origin.column,
                crate::text!(
                    "\"{}\" would be related to itself",
                    "\"{}\" stünde in Beziehung zu sich selbst",
                    r.from
                ),
            )),
            (Ok(from), Ok(to)) => relations.push(Relation {
                from,
                to,
                role: r.role,
                field: r.field.clone(),
                source: r.source.clone(),
            }),
            (from, to) => {
                for err in [from.err(), to.err()].into_iter().flatten() {
                    issues.push(Issue::at(
                        &r.origin.file,
                        r.origin.line,
                        &r.origin.column,
                        err,
                    ));
                }
            }
        }
    }
    let mut contacts = Vec::new();
    for c in &batch.contacts {
        match lookup.find(&c.contact.entity) {
            Ok(id) => contacts.push(Contact {
                entity: id,
                ..c.contact.clone()
            }),
            Err(err) => issues.push(Issue::at(
                &c.origin.file,
                c.origin.line,
                &c.origin.column,
                err,
            )),
        }
    }
    if !issues.is_empty() {
        return Err(ImportError { issues });
    }

    let mut changes = ChangeSet {
        files: batch.files.clone(),
        decision: batch.decision.clone(),
        ..ChangeSet::default()
    };
    let current: HashMap<&str, &Entity> = snapshot
        .entities
        .iter()
        .map(|e| (e.id.as_str(), e))
        .collect();
    let mut changed = vec![false; batch.entities.len()];
    for (k, (e, _)) in batch.entities.iter().enumerate() {
        match current.get(e.id.as_str()) {
            Some(old) if *old == e => summary.entities_unchanged += 1,
            found => {
                if found.is_some() {
                    summary.entities_changed += 1
                } else {
                    summary.entities_added += 1
                }
                summary.changed_ids.push(e.id.clone());
                changed[k] = true;
            }
        }
    }
    let current: HashMap<&str, &District> = snapshot
        .districts
        .iter()
        .map(|d| (d.id.as_str(), d))
        .collect();
    // Every district that is new or differs from the stored one: those the
    // batch brings, and stored ones whose derived parent changed.
    for d in map.iter() {
        match current.get(d.id.as_str()) {
            Some(old) if *old == d => {}
            Some(_) => {
                summary.districts_changed += 1;
                changes.districts.push(d.clone());
            }
            None => {
                summary.districts_added += 1;
                changes.districts.push(d.clone());
            }
        }
    }
    summary.districts_unchanged = batch
        .districts
        .iter()
        .filter(|(d, _)| current.get(d.id.as_str()).is_some_and(|old| *old == d))
        .count();
    summary.districts_removed = removed.len();
    changes.removed_districts = removed;
    let known: BTreeSet<&Relation> = snapshot.relations.iter().collect();
    let mut seen = BTreeSet::new();
    for r in relations {
        if known.contains(&r) || !seen.insert(r.clone()) {
            summary.relations_unchanged += 1;
        } else {
            summary.relations_added += 1;
            changes.relations.push(r);
        }
    }
    let known: BTreeSet<(&str, &str)> = snapshot
        .contacts
        .iter()
        .map(|c| (c.entity.as_str(), c.name.as_str()))
        .collect();
    for c in contacts {
        if snapshot.contacts.contains(&c) {
            summary.contacts_unchanged += 1;
        } else {
            if !known.contains(&(c.entity.as_str(), c.name.as_str())) {
                summary.contacts_added += 1;
            }
            changes.contacts.push(c);
        }
    }
    if levels != snapshot.levels {
        changes.levels = Some(levels);
    }
    if batch.vocabulary.is_some() && batch.vocabulary != snapshot.vocabulary {
        changes.vocabulary.clone_from(&batch.vocabulary);
    }
    if batch.default_level.is_some() && batch.default_level != snapshot.default_level {
        changes.default_level.clone_from(&batch.default_level);
    }

    let rows = assignment_rows(&entities, &assignments, &map);
    let mut stored_sorted = stored.to_vec();
    stored_sorted.sort();
    if snapshot.partial {
        changes.assignments = changed_assignments(rows, &stored_sorted);
    } else if rows != stored_sorted {
        changes.assignments = Some(Assignments::All(rows));
    }
    summary.assignment_rows_written = changes.assignment_rows().len();

    let vocabulary = batch
        .vocabulary
        .clone()
        .or_else(|| snapshot.vocabulary.clone())
        .unwrap_or_else(Vocabulary::default_vocabulary);
    summary.warnings = notes;
    let changed_at = merged_at
        .iter()
        .zip(&changed)
        .filter_map(|(&i, &changed)| changed.then_some(i))
        .collect();
    changes.entities = batch
        .entities
        .into_iter()
        .zip(changed)
        .filter_map(|((e, _), changed)| changed.then_some(e))
        .collect();
    Ok(Prepared {
        changes,
        summary,
        brought: merged_at,
        changed_at,
        vocabulary,
    })
}

impl Prepared {
    /// What is worth a look in the entities this import brings, without
    /// stopping it: likely duplicates (among them and against the store) and
    /// fields of action or categories the vocabulary does not know. Needs the
    /// snapshot [`prepare`] was given. It takes seconds on a million records,
    /// so a caller may run it while the changes are written.
    pub fn advice(&self, snapshot: &Snapshot) -> Vec<Text> {
        // The store as it will be, rebuilt from the places `prepare` found
        // (an unchanged entity is the stored one): no second merge by id.
        let mut entities: Vec<&Entity> = snapshot.entities.iter().collect();
        for (e, &i) in self.changes.entities.iter().zip(&self.changed_at) {
            match entities.get_mut(i) {
                Some(slot) => *slot = e,
                None => {
                    assert_eq!(i, entities.len(), "advice needs the snapshot prepare had");
                    entities.push(e);
                }
            }
        }
        let brought = &self.brought;
        let mut warnings = Vec::new();
        let (pairs, left_out) = crate::quality::strongest(
            crate::quality::likely_duplicates(&entities, Some(brought)),
            crate::quality::SHOWN_PAIRS,
        );
        if left_out > 0 {
            warnings.push(crate::text!(
                "{} likely duplicate pairs; the {} most alike are listed, {left_out} more are not \
                 (`stadtatlas check` lists the same way)",
                "{} Paare möglicher Doppeleinträge; die {} ähnlichsten sind aufgeführt, {left_out} weitere nicht \
                 (`stadtatlas check` führt sie ebenso auf)",
                pairs.len() + left_out,
                pairs.len()
            ));
        }
        for d in pairs {
            let why = match d.reason {
                crate::quality::DuplicateReason::NearAndSimilar { distance_m, .. } => crate::text!(
                    "{distance_m:.0} m apart with similar names",
                    "{distance_m:.0} m voneinander entfernt, mit ähnlichen Namen"
                ),
                crate::quality::DuplicateReason::SameWebsite { website } => {
                    crate::text!("same website {website}", "gleiche Website {website}")
                }
            };
            let (a, b) = (entities[d.a], entities[d.b]);
            warnings.push(Text::new(
                format!(
                    "likely duplicate: '{}' ({}) and '{}' ({}) — {}; ids decide identity, both are kept",
                    a.name,
                    a.id,
                    b.name,
                    b.id,
                    why.en()
                ),
                format!(
                    "möglicher Doppeleintrag: '{}' ({}) und '{}' ({}) — {}; die Kennung entscheidet über die Identität, beide bleiben erhalten",
                    a.name,
                    a.id,
                    b.name,
                    b.id,
                    why.in_lang(Lang::De)
                ),
            ));
        }
        warnings.extend(vocabulary_warnings(
            brought.iter().map(|&i| entities[i]),
            &self.vocabulary,
        ));
        warnings
    }
}

/// For a point outside every district: a hint when its swapped coordinates
/// would lie in one (almost surely lat and lon were exchanged).
fn swapped_hint(map: &DistrictMap, p: crate::model::LonLat) -> Option<Text> {
    let swapped = crate::model::LonLat::new(p.lat(), p.lon()).ok()?;
    let d = map.locate(swapped.point(), 0)?;
    Some(crate::text!(
        "{},{} (lon,lat) lies outside every district, but {},{} would lie in {}: are lat and lon swapped?",
        "{},{} (lon,lat) liegt außerhalb aller Bezirke, {},{} läge aber in {}: sind lat und lon vertauscht?",
        p.lon(),
        p.lat(),
        swapped.lon(),
        swapped.lat(),
        map[d].name
    ))
}

/// The assignments of the entities whose rows differ from the stored ones
/// (both sorted, so one entity's rows are together); `None` when none do.
fn changed_assignments(rows: Vec<AssignmentRow>, stored: &[AssignmentRow]) -> Option<Assignments> {
    let by_entity = |list: &[AssignmentRow]| {
        let mut m: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for r in list {
            m.entry(r.entity_id.clone())
                .or_default()
                .push((r.level.clone(), r.district_id.clone()));
        }
        m
    };
    let (new, old) = (by_entity(&rows), by_entity(stored));
    let changed: BTreeSet<&String> = new
        .iter()
        .filter(|(id, set)| old.get(*id) != Some(set))
        .map(|(id, _)| id)
        .chain(old.keys().filter(|id| !new.contains_key(*id)))
        .collect();
    if changed.is_empty() {
        return None;
    }
    let entities: Vec<String> = changed.iter().map(|id| id.to_string()).collect();
    let rows = rows
        .into_iter()
        .filter(|r| changed.contains(&r.entity_id))
        .collect();
    Some(Assignments::Of { entities, rows })
}

fn assignment_rows(
    entities: &[&Entity],
    assignments: &[Assignment],
    districts: &DistrictMap,
) -> Vec<AssignmentRow> {
    use rayon::prelude::*;
    let mut rows: Vec<AssignmentRow> = entities
        .par_iter()
        .zip(assignments)
        .flat_map_iter(|(e, assignment)| {
            districts
                .assignment_ids(assignment)
                .map(|(level, district)| AssignmentRow {
                    entity_id: e.id.clone(),
                    level: level.to_string(),
                    district_id: district.to_string(),
                })
        })
        .collect();
    rows.par_sort_unstable();
    rows
}

fn vocabulary_warnings<'a>(
    entities: impl Iterator<Item = &'a Entity>,
    vocabulary: &Vocabulary,
) -> Vec<Text> {
    // What is unknown, in English (the order of the warnings) and as the
    // German beginning of its warning.
    let mut unknown: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for e in entities {
        for f in &e.fields {
            if vocabulary.field(f).is_none() {
                unknown
                    .entry((
                        format!("field of action '{f}'"),
                        format!("unbekanntes Handlungsfeld '{f}'"),
                    ))
                    .or_default()
                    .insert(e.id.clone());
            }
        }
        if let Some(c) = &e.category
            && vocabulary.category(c).is_none()
        {
            unknown
                .entry((
                    format!("category '{c}'"),
                    format!("unbekannte Kategorie '{c}'"),
                ))
                .or_default()
                .insert(e.id.clone());
        }
    }
    unknown
        .into_iter()
        .map(|((what, what_de), ids)| {
            const SHOWN: usize = 10;
            let count = ids.len();
            let list: Vec<String> = ids.into_iter().take(SHOWN).collect();
            let (mut list, mut list_de) = (list.clone(), list);
            if count > SHOWN {
                list.push(format!("… ({count} in all)"));
                list_de.push(format!("… ({count} insgesamt)"));
            }
            Text::new(
                format!(
                    "unknown {what} (not in the vocabulary), used by: {}",
                    list.join(", ")
                ),
                format!(
                    "{what_de} (nicht im Vokabular), verwendet von: {}",
                    list_de.join(", ")
                ),
            )
        })
        .collect()
}
