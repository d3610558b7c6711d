//! Likely duplicates: two records within 100 m with similar names, or with
//! the same website. Ids decide identity; this only points at pairs to look at.

use crate::metric::{degree_margin, geodesic};
use crate::model::names::fold;
use crate::model::{Entity, Meters};
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};
use serde::Serialize;
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

/// Likely duplicate pairs. With `only`, just the pairs that involve one of
/// those indices (the records an import brings).
pub fn likely_duplicates(entities: &[Entity], only: Option<&[usize]>) -> Vec<Duplicate> {
    let involved = |a: usize, b: usize| only.is_none_or(|o| o.contains(&a) || o.contains(&b));
    let mut out = Vec::new();
    let points: RTree<GeomWithData<[f64; 2], usize>> = RTree::bulk_load(
        entities
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.location.map(|p| GeomWithData::new([p.lon(), p.lat()], i)))
            .collect(),
    );
    let folded: Vec<String> = entities.iter().map(|e| fold(&e.name)).collect();
    let starts: Vec<usize> = match only {
        Some(o) => o.to_vec(),
        None => (0..entities.len()).collect(),
    };
    for &a in &starts {
        let Some(p) = entities[a].location else {
            continue;
        };
        let (dlon, dlat) = degree_margin(p.lat(), NEAR);
        let envelope = AABB::from_corners(
            [p.lon() - dlon, p.lat() - dlat],
            [p.lon() + dlon, p.lat() + dlat],
        );
        for item in points.locate_in_envelope_intersecting(&envelope) {
            let b = item.data;
            // Each unordered pair once: the lower index reports it, unless
            // only the higher one was asked about.
            if b == a || (b < a && only.is_none_or(|o| o.contains(&b))) {
                continue;
            }
            let q = entities[b].location.expect("indexed points exist");
            let d = geodesic(p, q).get();
            let similarity = strsim::jaro_winkler(&folded[a], &folded[b]);
            if d <= NEAR.get() && similarity >= SIMILAR {
                out.push(Duplicate {
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
