//! Latency of `near` and `matrix` on the Halle data and on synthetic inventories.
//!
//! Run: `cargo bench --bench queries` (add `-- 1000000` for other sizes).
//! Synthetic entities are seeded points clustered around the Halle district
//! centres, on the real (provisional) Halle district polygons.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use stadtatlas::import::{self, ImportOptions};
use stadtatlas::model::{Entity, EntityKind, LonLat, Meters};
use stadtatlas::query::{self, Atlas, Filter, MatrixBy, NearTarget, Reach};
use stadtatlas::store::Snapshot;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const FIELDS: [&str; 6] = [
    "bildung",
    "kultur",
    "sport",
    "umwelt",
    "verkehr",
    "wirtschaft",
];

fn median(mut f: impl FnMut() -> usize, runs: usize) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        n = std::hint::black_box(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[runs / 2], n)
}

fn halle() -> Snapshot {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/halle");
    let batch = import::read_paths(&[dir], &ImportOptions::default()).expect("data/halle reads");
    let prepared = import::prepare(batch, &Snapshot::default(), &[]).expect("data/halle plans");
    let c = prepared.changes;
    Snapshot {
        entities: c.entities,
        districts: c.districts,
        levels: c.levels.unwrap_or_default(),
        vocabulary: c.vocabulary,
        default_level: c.default_level,
        ..Snapshot::default()
    }
}

fn synthetic(base: &Snapshot, n: usize) -> Snapshot {
    let mut rng = Pcg64::seed_from_u64(42);
    let centres: Vec<(f64, f64)> = base
        .districts
        .iter()
        .filter_map(|d| geo::InteriorPoint::interior_point(d.geometry.as_ref()?))
        .map(|p| (p.x(), p.y()))
        .collect();
    let entities = (0..n)
        .map(|i| {
            let (cx, cy) = centres[rng.random_range(0..centres.len())];
            let mut e = Entity::new(
                format!("s{i:07}"),
                format!("Synthetic {i}"),
                EntityKind::ALL[i % 4],
            );
            e.location = Some(
                LonLat::new(
                    cx + rng.random_range(-0.02..0.02),
                    cy + rng.random_range(-0.012..0.012),
                )
                .unwrap(),
            );
            e.fields = FIELDS
                .iter()
                .filter(|_| rng.random_bool(0.25))
                .map(|f| f.to_string())
                .collect();
            e
        })
        .collect();
    Snapshot {
        entities,
        ..base.clone()
    }
}

fn report(label: &str, snapshot: Snapshot) {
    let n = snapshot.entities.len();
    let t = Instant::now();
    let atlas = Atlas::new(snapshot);
    let build = t.elapsed();
    let at = NearTarget::At(LonLat::new(11.9697, 51.4828).unwrap());
    let f = Filter::default();
    let (near_pt, found_pt) = median(
        || {
            query::near(&atlas, &at, Reach::Within(Meters(500.0)), &f)
                .unwrap()
                .len()
        },
        11,
    );
    let neustadt = NearTarget::District {
        name: "Neustadt".into(),
        level: None,
    };
    let (near_d, found_d) = median(
        || {
            query::near(&atlas, &neustadt, Reach::Within(Meters(500.0)), &f)
                .unwrap()
                .len()
        },
        5,
    );
    let (knn, _) = median(
        || {
            query::near(&atlas, &at, Reach::Nearest(10), &f)
                .unwrap()
                .len()
        },
        11,
    );
    let (matrix, rows) = median(
        || {
            query::matrix(&atlas, Some("stadtteil"), MatrixBy::Field, false, &f)
                .unwrap()
                .rows
                .len()
        },
        5,
    );
    println!(
        "{label:>10} n={n:>8}  index+assign {build:>10.2?}  near --at 500 m {near_pt:>10.2?} ({found_pt} hits)  \
         near Neustadt 500 m {near_d:>10.2?} ({found_d} hits)  nearest 10 {knn:>10.2?}  matrix stadtteil×field {matrix:>10.2?} ({rows} rows)"
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000, 100_000, 1_000_000]
    } else {
        sizes
    };
    let base = halle();
    report("halle", base.clone());
    for n in sizes {
        report("synthetic", synthetic(&base, n));
    }
}
