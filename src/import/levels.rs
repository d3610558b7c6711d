//! Where district levels stand: the store's levels, a manifest's `levels`,
//! and new levels an import brings, placed by `--below`/`--above` or by the
//! size of their districts.

use super::{Issue, Origin};
use crate::model::{District, Level, Text};
use geo::GeodesicArea;

/// Where a file asks a level to stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    Below(String),
    Above(String),
}

/// A level's placement asked for by a file (`--level X --below Y`).
#[derive(Debug, Clone)]
pub struct LevelRequest {
    pub level: String,
    pub side: Side,
    pub file: std::path::PathBuf,
}

/// The median area of a level's districts, in km² (geodesic).
fn median_km2<'a>(districts: impl Iterator<Item = &'a District>) -> Option<f64> {
    let mut areas: Vec<f64> = districts
        .filter_map(|d| d.geometry.as_ref())
        .map(|g| g.geodesic_area_unsigned() / 1e6)
        .collect();
    if areas.is_empty() {
        return None;
    }
    areas.sort_by(f64::total_cmp);
    Some(areas[areas.len() / 2])
}

/// The levels after an import, coarse to fine.
///
/// `current` are the store's levels; `manifest` a manifest's `levels` (which
/// then fix the order of the levels it names); `incoming` the batch's
/// districts; `all` every district the store will hold (for the sizes of
/// existing levels). New levels with no request are placed by the median
/// size of their districts among the existing ones, and a note says so.
///
/// # Errors
/// Issues for a level outside a manifest's list and for a request naming an
/// unknown level.
pub fn place(
    current: &[Level],
    manifest: &[String],
    incoming: &[(District, Origin)],
    requests: &[LevelRequest],
    all: &[&District],
    notes: &mut Vec<Text>,
    issues: &mut Vec<Issue>,
) -> Vec<Level> {
    let mut sorted = current.to_vec();
    sorted.sort_by_key(|l| l.rank);
    let mut order: Vec<String> = if manifest.is_empty() {
        sorted.into_iter().map(|l| l.id).collect()
    } else {
        let mut order = manifest.to_vec();
        for (d, origin) in incoming {
            if !order.contains(&d.level) {
                issues.push(Issue::feature(
                    &origin.file,
                    origin.line as usize,
                    crate::text!(
                        "district '{}' has level '{}', which is not among the manifest's levels {}; add it there, coarse to fine",
                        "Bezirk '{}' hat die Ebene '{}', die nicht unter den Ebenen des Manifests ({}) ist; ergänzen Sie sie dort, von grob nach fein",
                        d.id,
                        d.level,
                        manifest.join(", ")
                    ),
                ));
                order.push(d.level.clone());
            }
        }
        // Stored levels the manifest does not name keep their place among
        // the others by size, below.
        for l in sorted {
            if !order.contains(&l.id) {
                order.push(l.id);
            }
        }
        order
    };
    let mut new_levels: Vec<&str> = Vec::new();
    for (d, _) in incoming {
        if !order.contains(&d.level) && !new_levels.contains(&d.level.as_str()) {
            new_levels.push(&d.level);
        }
    }
    // Requests first: they may name each other's levels.
    for r in requests {
        order.retain(|l| *l != r.level);
        let (anchor, offset) = match &r.side {
            Side::Below(a) => (a, 1),
            Side::Above(a) => (a, 0),
        };
        match order.iter().position(|l| l == anchor) {
            Some(at) => order.insert(at + offset, r.level.clone()),
            None => {
                let (levels, levels_de) = if order.is_empty() {
                    ("(none)".to_string(), "(keine)".to_string())
                } else {
                    (order.join(", "), order.join(", "))
                };
                issues.push(Issue::file(
                    &r.file,
                    Text::new(
                        format!(
                            "level '{anchor}' (to place '{}' against) is not a level of the store or the import; the levels are: {levels}",
                            r.level
                        ),
                        format!(
                            "Ebene '{anchor}' (an der '{}' eingeordnet werden soll) ist keine Ebene des Speichers oder des Imports; die Ebenen sind: {levels_de}",
                            r.level
                        ),
                    ),
                ));
                order.push(r.level.clone());
            }
        }
    }
    for level in new_levels {
        if order.iter().any(|l| l == level) {
            continue;
        }
        if order.is_empty() {
            order.push(level.to_string());
            continue;
        }
        let size = |id: &str| median_km2(all.iter().copied().filter(|d| d.level == id));
        let Some(own) = size(level) else {
            order.push(level.to_string());
            continue;
        };
        let at = order
            .iter()
            .position(|l| size(l).is_some_and(|s| s < own))
            .unwrap_or(order.len());
        let (place, place_de) = match (at.checked_sub(1).map(|i| &order[i]), order.get(at)) {
            (Some(above), _) => (format!("below '{above}'"), format!("unter '{above}'")),
            (None, Some(below)) => (format!("above '{below}'"), format!("über '{below}'")),
            (None, None) => (String::new(), String::new()),
        };
        let sizes = order
            .iter()
            .filter_map(|l| size(l).map(|s| format!("{l} {s:.2} km²")))
            .collect::<Vec<_>>()
            .join(", ");
        notes.push(Text::new(
            format!(
                "level '{level}' is new: placed {place} by the size of its districts (median {own:.2} km²; {sizes}); \
                 say --below LEVEL or --above LEVEL (or the manifest's levels) to place it otherwise"
            ),
            format!(
                "Ebene '{level}' ist neu: nach der Größe ihrer Bezirke {place_de} eingeordnet (Median {own:.2} km²; {sizes}); \
                 geben Sie --below LEVEL oder --above LEVEL (oder die Ebenen des Manifests) an, um sie anders einzuordnen"
            ),
        ));
        order.insert(at, level.to_string());
    }
    Level::ranked(&order)
}
