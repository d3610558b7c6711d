//! Entity counts per district and per profile, kept by the store so that
//! `matrix`, `gaps` and `districts` read a few thousand counts instead of
//! every entity.
//!
//! A profile is what the count questions filter and group by: kind,
//! category, status, fields of action and visibility (not tags, which a
//! question then reads from the entities). The counts are derived data: a
//! backend keeps them true on every write and can rebuild them from the
//! entities and their assignments; [`count`] does it for records in hand.

use super::AssignmentRow;
use crate::model::{Entity, EntityKind, Status, Visibility};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// What the count questions ask of an entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Profile {
    pub kind: EntityKind,
    pub category: Option<String>,
    pub status: Option<Status>,
    /// Sorted, as [`Entity::canonicalize`] leaves them.
    pub fields: Vec<String>,
    pub visibility: Visibility,
}

impl Profile {
    /// The profile of an entity.
    pub fn of(e: &Entity) -> Self {
        Profile {
            kind: e.kind,
            category: e.category.clone(),
            status: e.status,
            fields: e.fields.clone(),
            visibility: e.visibility,
        }
    }

    /// An entity with this profile and nothing else, for filters and
    /// counters written for entities.
    pub fn stand_in(&self) -> Entity {
        let mut e = Entity::new("", "", self.kind);
        e.category.clone_from(&self.category);
        e.status = self.status;
        e.fields.clone_from(&self.fields);
        e.visibility = self.visibility;
        e
    }
}

/// Where a count belongs: one district at one level, or the entities
/// themselves (each once, whatever their districts).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    /// The entity totals.
    Entities,
    /// A district (or the `city-wide` / `outside` bucket) at a level.
    District { level: String, district_id: String },
}

/// How many entities of one profile a place holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub place: Place,
    pub profile: Profile,
    pub n: u64,
}

/// The tallies of these entities with their assignment rows (rows of
/// entities not given are ignored).
///
/// Profiles are interned and keys borrowed: a new store of 10^6 entities
/// counts them while it is written.
pub fn count<'a>(
    entities: impl IntoIterator<Item = &'a Entity>,
    rows: &'a [AssignmentRow],
) -> Vec<Tally> {
    type Key<'a> = (
        EntityKind,
        Option<&'a str>,
        Option<Status>,
        &'a [String],
        Visibility,
    );
    let mut profiles: HashMap<Key<'a>, u32> = Default::default();
    let mut list: Vec<(&'a Entity, u64)> = Vec::new();
    // Each entity's profile by id, sorted: rows in id order (as an import
    // plans them) are matched in one pass beside it, others by binary
    // search; hashing a million ids cost more than sorting them.
    let mut of_entity: Vec<(&'a str, u32)> = Vec::new();
    for e in entities {
        let key = (
            e.kind,
            e.category.as_deref(),
            e.status,
            e.fields.as_slice(),
            e.visibility,
        );
        let p = *profiles.entry(key).or_insert_with(|| {
            list.push((e, 0));
            (list.len() - 1) as u32
        });
        list[p as usize].1 += 1;
        of_entity.push((e.id.as_str(), p));
    }
    of_entity.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let in_order = rows.is_sorted_by(|a, b| a.entity_id <= b.entity_id);
    let mut next = 0;
    let mut profile_of = |id: &str| -> Option<u32> {
        if in_order {
            next += of_entity[next..].partition_point(|(e, _)| *e < id);
            of_entity
                .get(next)
                .filter(|(e, _)| *e == id)
                .map(|&(_, p)| p)
        } else {
            let at = of_entity.binary_search_by(|(e, _)| (*e).cmp(id)).ok()?;
            Some(of_entity[at].1)
        }
    };
    let mut cells: HashMap<(&'a str, &'a str, u32), u64> = Default::default();
    for r in rows {
        if let Some(p) = profile_of(&r.entity_id) {
            *cells
                .entry((r.level.as_str(), r.district_id.as_str(), p))
                .or_default() += 1;
        }
    }
    let profile = |p: u32| Profile::of(list[p as usize].0);
    let mut tallies: Vec<Tally> = list
        .iter()
        .enumerate()
        .map(|(p, &(_, n))| Tally {
            place: Place::Entities,
            profile: profile(p as u32),
            n,
        })
        .collect();
    tallies.extend(cells.into_iter().map(|((level, district_id, p), n)| Tally {
        place: Place::District {
            level: level.to_string(),
            district_id: district_id.to_string(),
        },
        profile: profile(p),
        n,
    }));
    tallies
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(e: &str, level: &str, d: &str) -> AssignmentRow {
        AssignmentRow {
            entity_id: e.into(),
            level: level.into(),
            district_id: d.into(),
        }
    }

    fn sorted(mut t: Vec<Tally>) -> Vec<(Place, Profile, u64)> {
        let mut t: Vec<_> = t.drain(..).map(|t| (t.place, t.profile, t.n)).collect();
        t.sort();
        t
    }

    #[test]
    fn an_entity_in_two_districts_counts_in_each_and_once_in_the_totals() {
        let mut a = Entity::new("a", "A", EntityKind::Project);
        a.fields = vec!["bildung".into()];
        let b = Entity::new("b", "B", EntityKind::Partner);
        let rows = [
            row("a", "st", "x"),
            row("a", "st", "y"),
            row("b", "st", "x"),
            row("c", "st", "x"),
        ];
        let t = count([&a, &b], &rows);
        let mut shuffled = rows.clone();
        shuffled.reverse();
        assert_eq!(
            sorted(count([&b, &a], &shuffled)),
            sorted(t.clone()),
            "rows in any order, entities in any order"
        );
        let n = |place: &Place, kind| {
            t.iter()
                .filter(|t| &t.place == place && t.profile.kind == kind)
                .map(|t| t.n)
                .sum::<u64>()
        };
        assert_eq!(n(&Place::Entities, EntityKind::Project), 1);
        assert_eq!(n(&Place::Entities, EntityKind::Partner), 1);
        let x = Place::District {
            level: "st".into(),
            district_id: "x".into(),
        };
        assert_eq!(n(&x, EntityKind::Project) + n(&x, EntityKind::Partner), 2);
    }
}
