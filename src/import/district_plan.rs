//! The districts an import leaves in the store: ids told apart across
//! levels, levels replaced, parents resolved by id or name, and parents
//! derived from geometry where no file gives them.

use super::{Issue, Origin};
use crate::districts::Straddle;
use crate::model::names::fold;
use crate::model::{District, Lang, Level, Text};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// District ids need only be unique within a level in many official layers
/// (`1`, `2`, … per level), and names repeat across levels (Berlin's Bezirk
/// and Prognoseraum "Mitte"). An incoming district whose id a district of
/// another level has gets the level as a suffix (`mitte-prognoseraum`), as it
/// got in an earlier import, instead of taking that district's place.
pub fn tell_levels_apart(
    incoming: &mut [(District, Origin)],
    stored: &[District],
    notes: &mut Vec<Text>,
) {
    let mut levels_of: HashMap<String, HashSet<String>> = HashMap::new();
    for d in stored.iter().chain(incoming.iter().map(|(d, _)| d)) {
        levels_of
            .entry(d.id.clone())
            .or_default()
            .insert(d.level.clone());
    }
    let stored_at: HashSet<(&str, &str)> = stored
        .iter()
        .map(|d| (d.id.as_str(), d.level.as_str()))
        .collect();
    let mut renamed = Vec::new();
    for (d, _) in incoming.iter_mut() {
        let qualified = format!("{}-{}", d.id, crate::model::names::slug(&d.level));
        let clashes = levels_of.get(&d.id).is_some_and(|l| l.len() > 1);
        if clashes || stored_at.contains(&(qualified.as_str(), d.level.as_str())) {
            if renamed.len() < 10 {
                renamed.push(format!("'{}' ({}) → '{qualified}'", d.id, d.level));
            }
            d.id = qualified;
        }
    }
    if !renamed.is_empty() {
        notes.push(crate::text!(
            "district ids shared by districts of different levels carry their level: {}",
            "Bezirkskennungen, die Bezirke verschiedener Ebenen teilen, tragen ihre Ebene: {}",
            renamed.join(", ")
        ));
    }
}

/// A district file without aliases leaves the stored aliases of its
/// districts alone (they may have been carried over from a replaced layer,
/// and records are located by them).
pub fn keep_aliases(
    districts: &mut [District],
    stored: &[District],
    incoming: &[(District, Origin)],
) {
    let brought: HashSet<&str> = incoming.iter().map(|(d, _)| d.id.as_str()).collect();
    let stored: HashMap<&str, &District> = stored.iter().map(|d| (d.id.as_str(), d)).collect();
    for d in districts.iter_mut() {
        if d.aliases.is_empty()
            && brought.contains(d.id.as_str())
            && let Some(old) = stored.get(d.id.as_str())
        {
            d.aliases.clone_from(&old.aliases);
        }
    }
}

/// Removes the stored districts of the levels that `replacing` files bring
/// anew and that those files no longer hold; returns their ids.
pub fn remove_replaced(
    districts: &mut Vec<District>,
    incoming: &[(District, Origin)],
    replacing: &[PathBuf],
    notes: &mut Vec<Text>,
) -> Vec<String> {
    let levels: HashSet<&str> = incoming
        .iter()
        .filter(|(_, o)| replacing.contains(&o.file))
        .map(|(d, _)| d.level.as_str())
        .collect();
    let kept: HashSet<&str> = incoming.iter().map(|(d, _)| d.id.as_str()).collect();
    let removed: Vec<String> = districts
        .iter()
        .filter(|d| levels.contains(d.level.as_str()) && !kept.contains(d.id.as_str()))
        .map(|d| d.id.clone())
        .collect();
    if !removed.is_empty() {
        let mut levels: Vec<&str> = levels.into_iter().collect();
        levels.sort_unstable();
        notes.push(crate::text!(
            "level(s) {} replaced: {} district(s) no longer in the file are removed ({}); their revisions are kept",
            "Ebene(n) {} ersetzt: {} Bezirk(e), die nicht mehr in der Datei stehen, werden entfernt ({}); ihre Revisionen bleiben erhalten",
            levels.join(", "),
            removed.len(),
            removed.join(", ")
        ));
    }
    // Everyday names of a replaced district live on in the district of the
    // new layer with the same name (projects name "Halle-Neustadt").
    let mut carried = Vec::new();
    for id in &removed {
        let Some(old) = districts.iter().find(|d| &d.id == id).cloned() else {
            continue;
        };
        if old.aliases.is_empty() {
            continue;
        }
        let heir = districts.iter_mut().find(|d| {
            d.level == old.level && fold(&d.name) == fold(&old.name) && !removed.contains(&d.id)
        });
        if let Some(heir) = heir {
            for alias in &old.aliases {
                if !heir.aliases.contains(alias) {
                    heir.aliases.push(alias.clone());
                }
            }
            carried.push(format!(
                "'{}' → '{}' ({})",
                old.id,
                heir.id,
                old.aliases.join(", ")
            ));
        }
    }
    if !carried.is_empty() {
        notes.push(crate::text!(
            "aliases of replaced districts carried over to the new district of the same name: {}",
            "Aliasse ersetzter Bezirke auf den neuen Bezirk gleichen Namens übertragen: {}",
            carried.join("; ")
        ));
    }
    let gone: HashSet<&String> = removed.iter().collect();
    districts.retain(|d| !gone.contains(&d.id));
    removed
}

/// Resolves every given `parent` to a district id: by id, else by the name
/// or alias of a district of a coarser level. An incoming district whose
/// parent names nothing is an issue; a stored one whose parent was removed
/// gets a parent derived from its geometry.
pub fn resolve_parents(
    districts: &mut [District],
    levels: &[Level],
    incoming: &[(District, Origin)],
    issues: &mut Vec<Issue>,
) {
    let rank: HashMap<&str, u32> = levels.iter().map(|l| (l.id.as_str(), l.rank)).collect();
    let ids: HashSet<String> = districts.iter().map(|d| d.id.clone()).collect();
    let mut by_name: HashMap<String, Vec<(usize, u32)>> = HashMap::new();
    for (i, d) in districts.iter().enumerate() {
        let r = rank.get(d.level.as_str()).copied().unwrap_or(u32::MAX);
        for name in std::iter::once(&d.name).chain(&d.aliases) {
            by_name.entry(fold(name)).or_default().push((i, r));
        }
    }
    let origin_of: HashMap<&str, &Origin> =
        incoming.iter().map(|(d, o)| (d.id.as_str(), o)).collect();
    let mut found = Vec::new();
    for (i, d) in districts.iter().enumerate() {
        let Some(p) = d.parent.as_ref().filter(|_| !d.parent_derived) else {
            continue;
        };
        if ids.contains(p) {
            continue;
        }
        let own = rank.get(d.level.as_str()).copied().unwrap_or(u32::MAX);
        let mut candidates: Vec<usize> = by_name
            .get(&fold(p))
            .map(|c| {
                c.iter()
                    .filter(|(_, r)| *r < own)
                    .map(|(j, _)| *j)
                    .collect()
            })
            .unwrap_or_default();
        candidates.dedup();
        match (candidates.as_slice(), origin_of.get(d.id.as_str())) {
            ([one], _) => found.push((i, Some(districts[*one].id.clone()))),
            (many, Some(origin)) => issues.push(Issue::feature(
                &origin.file,
                origin.line as usize,
                if many.is_empty() {
                    crate::text!(
                        "district '{}' names parent '{p}', which is no district's id or name at a coarser level \
                         (leave the parent column unmapped to derive parents from the geometry)",
                        "Bezirk '{}' nennt den übergeordneten Bezirk '{p}', der weder Kennung noch Name eines Bezirks einer gröberen Ebene ist \
                         (ordnen Sie die parent-Spalte nicht zu, um übergeordnete Bezirke aus der Geometrie abzuleiten)",
                        d.id
                    )
                } else {
                    crate::text!(
                        "district '{}' names parent '{p}', which several districts are called ({}); use ids",
                        "Bezirk '{}' nennt den übergeordneten Bezirk '{p}', so heißen mehrere Bezirke ({}); verwenden Sie Kennungen",
                        d.id,
                        many.iter().map(|&j| districts[j].id.as_str()).collect::<Vec<_>>().join(", ")
                    )
                },
            )),
            (_, None) => found.push((i, None)),
        }
    }
    for (i, parent) in found {
        districts[i].parent_derived = parent.is_none();
        districts[i].parent = parent;
    }
}

/// A warning for a district that does not nest in one district of the
/// next coarser level.
pub fn straddle_warning(s: &Straddle, districts: &[District]) -> Text {
    let d = &districts[s.district];
    let pct = |share: f64| format!("{:.0} %", share * 100.0);
    match s.shares.first() {
        None => crate::text!(
            "{} '{}' ({}) overlaps no {}: it has no parent",
            "{} '{}' ({}) überschneidet keinen Bezirk der Ebene {}: ohne übergeordneten Bezirk",
            d.level,
            d.name,
            d.id,
            s.parent_level
        ),
        Some(&(parent, _)) => {
            let inside: f64 = s.shares.iter().map(|x| x.1).sum();
            let mut parts: Vec<Text> = s
                .shares
                .iter()
                .map(|&(j, share)| {
                    crate::text!("{} in '{}'", "{} in '{}'", pct(share), districts[j].name)
                })
                .collect();
            if inside < 0.99 {
                parts.push(crate::text!(
                    "{} in none",
                    "{} in keinem",
                    pct(1.0 - inside)
                ));
            }
            let joined = Text::join(&parts, &crate::text!(", ", ", "));
            let parent = &districts[parent].name;
            Text::new(
                format!(
                    "{} '{}' ({}) does not nest in one {}: {}; its parent is taken to be '{parent}'",
                    d.level,
                    d.name,
                    d.id,
                    s.parent_level,
                    joined.en()
                ),
                format!(
                    "{} '{}' ({}) liegt nicht in genau einem Bezirk der Ebene {}: {}; als übergeordneter Bezirk gilt '{parent}'",
                    d.level,
                    d.name,
                    d.id,
                    s.parent_level,
                    joined.in_lang(Lang::De)
                ),
            )
        }
    }
}
