//! `near`: entities within a distance of a point, an entity or a district.

use super::{Atlas, EntityRow, Filter, Found, QueryError};
use crate::districts::DistrictRef;
use crate::metric::{AreaDistance, degree_margin, geodesic};
use crate::model::{LonLat, Meters};
use geo::BoundingRect;
use rstar::AABB;

/// What distances are measured from.
#[derive(Debug, Clone)]
pub enum NearTarget {
    /// A position.
    At(LonLat),
    /// An entity's point (or area).
    Entity(String),
    /// A district's boundary: 0 inside, metres to the edge outside.
    District { name: String, level: Option<String> },
}

/// How far to look.
#[derive(Debug, Clone, Copy)]
pub enum Reach {
    Within(Meters),
    Nearest(usize),
}

impl NearTarget {
    /// The target as a question names it: a position (`at`), else a name
    /// that is an entity's id (`is_entity`) or a district's name (at
    /// `level`, if given).
    ///
    /// # Errors
    /// [`QueryError::Asked`] when neither is given; what `is_entity` fails with.
    pub fn asked(
        at: Option<LonLat>,
        name: Option<String>,
        level: Option<String>,
        is_entity: impl FnOnce(&str) -> Result<bool, QueryError>,
    ) -> Result<Self, QueryError> {
        Ok(match (at, name) {
            (Some(p), _) => NearTarget::At(p),
            (None, Some(n)) if is_entity(&n)? => NearTarget::Entity(n),
            (None, Some(n)) => NearTarget::District { name: n, level },
            (None, None) => {
                return Err(QueryError::Asked(
                    "name a district or an entity, or give --at LON,LAT".into(),
                ));
            }
        })
    }
}

impl Reach {
    /// The reach a question gives: metres (`within`, ≥ 0) or a count
    /// (`nearest`).
    ///
    /// # Errors
    /// [`QueryError::Asked`] for a negative or non-finite distance, or neither.
    pub fn asked(within: Option<f64>, nearest: Option<usize>) -> Result<Self, QueryError> {
        match (within, nearest) {
            (Some(m), _) if m.is_finite() && m >= 0.0 => Ok(Reach::Within(Meters(m))),
            (Some(m), _) => Err(QueryError::Asked(format!(
                "--within {m}: give a distance in metres ≥ 0"
            ))),
            (None, Some(k)) => Ok(Reach::Nearest(k)),
            (None, None) => Err(QueryError::Asked(
                "give --within METRES or --nearest K".into(),
            )),
        }
    }
}

/// What is measured from: a position, or an area with its bounding box.
enum Source {
    Point(LonLat),
    Area(Box<AreaDistance>, geo::Rect<f64>),
}

impl Source {
    fn distance(&self, p: LonLat) -> f64 {
        match self {
            Source::Point(q) => geodesic(*q, p).get(),
            Source::Area(a, _) => a.distance(p).get(),
        }
    }

    fn envelope(&self, m: Meters) -> AABB<[f64; 2]> {
        let rect = match self {
            Source::Point(q) => geo::Rect::new(q.point().0, q.point().0),
            Source::Area(_, r) => *r,
        };
        envelope(rect, m)
    }
}

/// A lon/lat box that surely holds everything within `m` of `rect`.
pub(super) fn envelope(rect: geo::Rect<f64>, m: Meters) -> AABB<[f64; 2]> {
    let (min, max) = ((rect.min().x, rect.min().y), (rect.max().x, rect.max().y));
    let lat = if min.1.abs() > max.1.abs() {
        min.1
    } else {
        max.1
    };
    let (dlon, dlat) = degree_margin(lat, m);
    AABB::from_corners([min.0 - dlon, min.1 - dlat], [max.0 + dlon, max.1 + dlat])
}

/// The radii `Reach::Nearest` tries, in turn, until enough are found.
pub(super) fn widening_radii() -> impl Iterator<Item = Meters> {
    std::iter::successors(Some(50.0), |r| (*r <= 25_000_000.0).then_some(r * 4.0)).map(Meters)
}

/// Entities near a target, nearest first, with `distance_m`.
///
/// Points are prefiltered by an envelope in degrees that surely covers the
/// radius, then measured exactly (see [`crate::metric`]). Entities with an area
/// are measured to their area; entities located only by a named district count
/// as distance 0 from a district target that holds that district, and are
/// otherwise left out (their distance is unknown). `Nearest(k)` widens the
/// radius until `k` are found, so its answer is exact too.
///
/// # Errors
/// [`QueryError`] for unknown targets or targets with no geometry.
pub fn near(
    atlas: &Atlas,
    target: &NearTarget,
    reach: Reach,
    filter: &Filter,
) -> Result<Vec<EntityRow>, QueryError> {
    Ok(near_found(atlas, target, reach, filter)?
        .into_iter()
        .map(|f| f.row(atlas))
        .collect())
}

/// [`near`]'s answer as places in `atlas`, each with its distance.
///
/// # Errors
/// As [`near`].
pub fn near_found(
    atlas: &Atlas,
    target: &NearTarget,
    reach: Reach,
    filter: &Filter,
) -> Result<Vec<Found>, QueryError> {
    let (from, exclude, district) = match target {
        NearTarget::At(p) => (Source::Point(*p), None, None),
        NearTarget::Entity(id) => {
            let i = atlas.entity_index(id)?;
            let e = &atlas.entities[i];
            match (e.location, &e.area) {
                (Some(p), _) => (Source::Point(p), Some(i), None),
                (None, Some(area)) => (
                    Source::Area(
                        Box::new(AreaDistance::new(area)),
                        area.bounding_rect().expect("non-empty area"),
                    ),
                    Some(i),
                    None,
                ),
                (None, None) => return Err(QueryError::NotLocated(id.clone())),
            }
        }
        NearTarget::District { name, level } => {
            let (d, shape) = atlas.district_shape(name, level.as_deref())?;
            let rect = shape.bounding_rect().expect("indexed shapes are non-empty");
            (
                Source::Area(Box::new(AreaDistance::new(shape)), rect),
                None,
                Some(d),
            )
        }
    };
    let wanted = |i: usize| Some(i) != exclude && filter.matches(&atlas.entities[i]);
    // Entities without a point do not depend on the radius: measure them once.
    let others: Vec<(f64, usize)> = atlas
        .unpointed
        .iter()
        .copied()
        .filter(|&i| wanted(i))
        .filter_map(|i| {
            let e = &atlas.entities[i];
            if let Some(area) = &e.area {
                let d = match &from {
                    Source::Point(p) => AreaDistance::new(area).distance(*p).get(),
                    Source::Area(a, _) => a.distance_to_area(area).get(),
                };
                return Some((d, i));
            }
            let t = district?;
            let l = atlas.level_position(&atlas.districts[t].level);
            let named_inside = !e.district_names.is_empty()
                && atlas.assignments[i][l].iter().all(|r| {
                    matches!(r, DistrictRef::District(x) if atlas.districts.hierarchy.is_within(*x, t))
                });
            named_inside.then_some((0.0, i))
        })
        .collect();
    let measure = |radius: Meters| -> Vec<(f64, usize)> {
        let mut found: Vec<(f64, usize)> = atlas
            .points
            .locate_in_envelope_intersecting(&from.envelope(radius))
            .filter(|item| wanted(item.data))
            .map(|item| {
                let p = atlas.entities[item.data]
                    .location
                    .expect("indexed points exist");
                (from.distance(p), item.data)
            })
            .filter(|(d, _)| *d <= radius.get())
            .collect();
        found.extend(others.iter().filter(|(d, _)| *d <= radius.get()));
        found
    };
    let mut found = match reach {
        Reach::Within(m) => measure(m),
        Reach::Nearest(k) => {
            let mut found = Vec::new();
            for radius in widening_radii() {
                found = measure(radius);
                if found.len() >= k {
                    break;
                }
            }
            found
        }
    };
    found.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then_with(|| atlas.entities[a.1].id.cmp(&atlas.entities[b.1].id))
    });
    if let Reach::Nearest(k) = reach {
        found.truncate(k);
    }
    Ok(found
        .into_iter()
        .map(|(d, index)| Found {
            index,
            distance_m: Some(d),
        })
        .collect())
}
