//! Likely duplicates: two records within 100 m with similar names, or with
//! the same website. Ids decide identity; this only points at pairs to look at.

use crate::metric::{degree_margin, geodesic};
use crate::model::names::fold;
use crate::model::{Entity, Meters};
use geo::{Distance, Haversine};
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};
use serde::Serialize;
use std::borrow::Borrow;
use std::collections::HashMap;

/// How close two points must be to count as "the same place".
pub const NEAR: Meters = Meters(100.0);
/// Jaro-Winkler similarity of folded names above which names count as similar.
pub const SIMILAR: f64 = 0.9;

/// Why two records look like one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DuplicateReason {
    /// Within 100 m, names similar (distance in metres, similarity 0..1).
    NearAndSimilar { distance_m: f64, similarity: f64 },
    /// The same website.
    SameWebsite { website: String },
}

/// A pair of records (indices into the list given) that may be one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicate {
    pub a: usize,
    pub b: usize,
    pub reason: DuplicateReason,
}

fn website_key(url: &str) -> String {
    let lower = url.trim().to_lowercase();
    let no_scheme = lower.split("://").last().unwrap_or(&lower);
    no_scheme
        .trim_start_matches("www.")
        .trim_end_matches('/')
        .to_string()
}

/// How many leading letters of the folded names two records must share to be
/// compared at all. Jaro-Winkler weighs the first four letters most; pairs
/// above [`SIMILAR`] that differ there are typos in the first letters, which
/// this check accepts to miss.
const PREFIX: usize = 4;

/// The first [`PREFIX`] letters of a folded name (ASCII: a letter is a byte).
fn name_prefix(folded: &[u8]) -> &[u8] {
    &folded[..folded.len().min(PREFIX)]
}

/// Likely duplicate pairs. With `only`, just the pairs that involve one of
/// those indices (the records an import brings).
pub fn likely_duplicates<E>(entities: &[E], only: Option<&[usize]>) -> Vec<Duplicate>
where
    E: std::borrow::Borrow<Entity> + Sync,
{
    use rayon::prelude::*;
    let entities: Vec<&Entity> = entities.iter().map(Borrow::borrow).collect();
    let asked: Option<Vec<bool>> = only.map(|o| {
        let mut mask = vec![false; entities.len()];
        for &i in o {
            mask[i] = true;
        }
        mask
    });
    let is_asked = |i: usize| asked.as_ref().is_none_or(|m| m[i]);
    let involved = |a: usize, b: usize| is_asked(a) || is_asked(b);
    // Similar names share their beginning (Jaro-Winkler rewards a common
    // prefix), so only records whose folded names start alike are compared
    // (see [`PREFIX`]):
    // the work grows with the pairs of look-alikes within 100 m, not with
    // every pair of neighbours in a dense city centre.
    // Folded names are ASCII: compared byte by byte, the same as letter by
    // letter, and cheaper.
    let folded: Vec<Vec<u8>> = entities
        .par_iter()
        .map(|e| fold(&e.name).into_bytes())
        .collect();
    let mut groups: HashMap<&[u8], Vec<usize>> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        if e.location.is_some() {
            groups.entry(name_prefix(&folded[i])).or_default().push(i);
        }
    }
    let mut out: Vec<Duplicate> = groups
        .into_par_iter()
        .flat_map_iter(|(_, members)| {
            let located = |i: usize| entities[i].location.expect("grouped records have a point");
            let points: RTree<GeomWithData<[f64; 2], usize>> = RTree::bulk_load(
                members
                    .iter()
                    .map(|&i| GeomWithData::new([located(i).lon(), located(i).lat()], i))
                    .collect(),
            );
            let mut found = Vec::new();
            for &a in members.iter().filter(|&&a| is_asked(a)) {
                let p = located(a);
                let (dlon, dlat) = degree_margin(p.lat(), NEAR);
                let envelope = AABB::from_corners(
                    [p.lon() - dlon, p.lat() - dlat],
                    [p.lon() + dlon, p.lat() + dlat],
                );
                for item in points.locate_in_envelope_intersecting(&envelope) {
                    let b = item.data;
                    // Each unordered pair once: the lower index reports it,
                    // unless only the higher one was asked about.
                    if b == a || (b < a && is_asked(b)) {
                        continue;
                    }
                    // The cheap tests first: a distance on the sphere rules
                    // out the envelope's corners (it is within 0.6 % of the
                    // geodesic one), then the names; the geodesic distance
                    // only for what is left.
                    let q = geo::Point::from(*item.geom());
                    if Haversine.distance(p.point(), q) > NEAR.get() * 1.01 {
                        continue;
                    }
                    let similarity = strsim::generic_jaro_winkler(&folded[a], &folded[b]);
                    if similarity < SIMILAR {
                        continue;
                    }
                    let d = geodesic(p, located(b)).get();
                    if d <= NEAR.get() {
                        found.push(Duplicate {
                            a: a.min(b),
                            b: a.max(b),
                            reason: DuplicateReason::NearAndSimilar {
                                distance_m: d,
                                similarity,
                            },
                        });
                    }
                }
            }
            found
        })
        .collect();
    let mut by_site: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        if let Some(w) = e.website.as_deref().filter(|w| !w.trim().is_empty()) {
            by_site.entry(website_key(w)).or_default().push(i);
        }
    }
    let mut sites: Vec<(String, Vec<usize>)> =
        by_site.into_iter().filter(|(_, v)| v.len() > 1).collect();
    sites.sort();
    for (site, idx) in sites {
        for (k, &a) in idx.iter().enumerate() {
            for &b in &idx[k + 1..] {
                if involved(a, b) {
                    out.push(Duplicate {
                        a,
                        b,
                        reason: DuplicateReason::SameWebsite {
                            website: site.clone(),
                        },
                    });
                }
            }
        }
    }
    out.sort_by_key(|x| (x.a, x.b));
    out.dedup_by(|x, y| {
        x.a == y.a
            && x.b == y.b
            && std::mem::discriminant(&x.reason) == std::mem::discriminant(&y.reason)
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityKind, LonLat};

    fn at(id: &str, name: &str, lon: f64, lat: f64) -> Entity {
        let mut e = Entity::new(id, name, EntityKind::Partner);
        e.location = Some(LonLat::new(lon, lat).unwrap());
        e
    }

    #[test]
    fn near_and_similar_or_same_site() {
        let mut es = vec![
            at("a", "Stadtmuseum Halle", 11.9714, 51.4803),
            at("b", "Stadtmuseum Halle (Saale)", 11.9716, 51.4804), // ~17 m, similar
            at("c", "Händel-Haus", 11.9715, 51.4803),               // near, different name
            at("d", "Stadtmuseum Halle", 11.99, 51.49),             // same name, 1.5 km away
        ];
        es[2].website = Some("https://www.haendelhaus.de/".into());
        es[3].website = Some("http://haendelhaus.de".into());
        let d = likely_duplicates(&es, None);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            matches!(d[0].reason, DuplicateReason::NearAndSimilar { distance_m, .. } if distance_m < 20.0)
        );
        assert_eq!((d[0].a, d[0].b), (0, 1));
        assert_eq!((d[1].a, d[1].b), (2, 3));
        // Only the pairs involving a given record.
        assert_eq!(likely_duplicates(&es, Some(&[3])).len(), 1);
        assert_eq!(likely_duplicates(&es, Some(&[1])).len(), 1);
    }
}
