//! What the tests share: [`cli`], running the binary; and the seeded
//! inventory of the oracle tests: 12,000 entities (points, areas, named
//! districts, city-wide) on districts with a hole, an island and a
//! MultiPolygon, at two levels.

#![allow(dead_code)]

pub mod chromium;
pub mod cli;
pub mod clients;
pub mod pg;
pub mod server;

use geo::{MultiPolygon, Polygon, Rect, coord};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use stadtatlas::model::{District, Entity, EntityKind, Level, LonLat};
use stadtatlas::store::Snapshot;

pub const FIELDS: [&str; 5] = ["bildung", "kultur", "sport", "umwelt", "verkehr"];

pub fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    Rect::new(coord! {x: x0, y: y0}, coord! {x: x1, y: y1}).to_polygon()
}

pub fn district(id: &str, level: &str, parent: Option<&str>, polys: Vec<Polygon<f64>>) -> District {
    District {
        id: id.into(),
        name: format!("District {id}"),
        level: level.into(),
        parent: parent.map(Into::into),
        aliases: vec![format!("alias-{id}")],
        population: Some(1000),
        provisional: false,
        method: None,
        source: None,
        license: None,
        geometry: Some(MultiPolygon(polys)),
        extra: Default::default(),
        parent_derived: false,
    }
}

pub fn fixture() -> Snapshot {
    let hole = rect(11.98, 51.40, 12.02, 51.44);
    let with_hole = |x0: f64| {
        Polygon::new(
            rect(x0, 51.35, 12.10, 51.50).exterior().clone(),
            vec![hole.exterior().clone()],
        )
    };
    let districts = vec![
        // B1 is two separate pieces.
        district(
            "b1",
            "bezirk",
            None,
            vec![
                rect(11.80, 51.35, 11.90, 51.45),
                rect(11.95, 51.50, 12.05, 51.60),
            ],
        ),
        // B2 has a hole, filled by the island B3.
        district("b2", "bezirk", None, vec![with_hole(11.90)]),
        district("b3", "bezirk", None, vec![hole.clone()]),
        district(
            "t1",
            "teil",
            Some("b2"),
            vec![rect(11.90, 51.35, 11.96, 51.50)],
        ),
        district("t2", "teil", Some("b2"), vec![with_hole(11.96)]),
    ];
    let mut rng = Pcg64::seed_from_u64(20261128);
    let names = ["b1", "District b2", "alias-t1", "district t2", "b3"];
    let entities = (0..12_000)
        .map(|i| {
            let kind = EntityKind::ALL[rng.random_range(0..4)];
            let mut e = Entity::new(format!("e{i:05}"), format!("Entity {i}"), kind);
            e.fields = FIELDS
                .iter()
                .filter(|_| rng.random_bool(0.3))
                .map(|f| f.to_string())
                .collect();
            match rng.random_range(0..100) {
                0..=84 => {
                    e.location = Some(
                        LonLat::new(
                            rng.random_range(11.78..12.12),
                            rng.random_range(51.33..51.62),
                        )
                        .unwrap(),
                    );
                }
                85..=92 => {
                    e.district_names = vec![names[rng.random_range(0..names.len())].to_string()]
                }
                93..=95 => {
                    let (x, y) = (
                        rng.random_range(11.8..12.08),
                        rng.random_range(51.35..51.58),
                    );
                    e.area = Some(MultiPolygon(vec![rect(x, y, x + 0.01, y + 0.006)]));
                }
                _ => {}
            }
            e.canonicalize();
            e
        })
        .collect();
    Snapshot {
        entities,
        districts,
        levels: vec![
            Level {
                id: "bezirk".into(),
                rank: 0,
            },
            Level {
                id: "teil".into(),
                rank: 1,
            },
        ],
        ..Snapshot::default()
    }
}
