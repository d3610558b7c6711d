//! In-process district assignment, timed like GeoPandas' `sjoin` in
//! `bench/run.py`: data already loaded, only the join is timed.
//!
//! `cargo run --release --example bench_assign -- DIR [--runs 7]` reads DIR
//! (written by `bench/synth.rs`) and prints one JSON line.

use stadtatlas::districts::DistrictMap;
use stadtatlas::import::{self, ImportOptions};
use stadtatlas::model::Level;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: bench_assign DIR [--runs N]");
        std::process::exit(2);
    };
    let runs: usize = match (args.next().as_deref(), args.next()) {
        (Some("--runs"), Some(n)) => n.parse().expect("--runs N"),
        _ => 7,
    };
    let batch = match import::read_paths(std::slice::from_ref(&dir), &ImportOptions::default()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: reading {}: {e}", dir.display());
            std::process::exit(2);
        }
    };
    let levels = Level::ranked(&batch.levels);
    let districts: Vec<_> = batch.districts.into_iter().map(|(d, _)| d).collect();
    let vertices: usize = districts
        .iter()
        .filter_map(|d| d.geometry.as_ref())
        .map(geo::CoordsIter::coords_count)
        .sum();
    let polygons = districts.len();
    let points: Vec<geo::Point<f64>> = batch
        .entities
        .iter()
        .filter_map(|(e, _)| e.location.map(|p| p.point()))
        .collect();

    let t = Instant::now();
    let map = DistrictMap::new(&levels, districts);
    let index_s = t.elapsed().as_secs_f64();

    let mut runs_s = Vec::with_capacity(runs);
    let mut matched = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let found = map.locate_all(&points, 0);
        runs_s.push(t.elapsed().as_secs_f64());
        matched = std::hint::black_box(found).iter().flatten().count();
    }
    let median = |runs: &[f64]| {
        let mut sorted = runs.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted[sorted.len() / 2]
    };
    let median_s = median(&runs_s);
    // The same on one core, for a like-for-like comparison with sjoin.
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    let single_runs: Vec<f64> = (0..runs)
        .map(|_| {
            one.install(|| {
                let t = Instant::now();
                std::hint::black_box(map.locate_all(&points, 0));
                t.elapsed().as_secs_f64()
            })
        })
        .collect();
    let median_1thread_s = median(&single_runs);
    let runs_json: Vec<String> = runs_s.iter().map(|s| format!("{s:.6}")).collect();
    println!(
        "{{\"suite\":\"assign\",\"tool\":\"stadtatlas\",\"n\":{},\"polygons\":{polygons},\"vertices\":{vertices},\
         \"index_s\":{index_s:.6},\"runs_s\":[{}],\"median_s\":{median_s:.6},\"median_1thread_s\":{median_1thread_s:.6},\"matched\":{matched},\"threads\":{}}}",
        points.len(),
        runs_json.join(","),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
}
