//! The store keeps entity counts per district and profile for `matrix`,
//! `gaps` and `districts`. After every kind of write the README's flow
//! makes — a first import, a small import that adds, changes and moves
//! records, a re-published district layer, a large import — the kept counts
//! must equal a recount of the stored records and their assignments, and
//! the questions must answer as they do on the whole inventory in memory.

use assert_cmd::Command;
use stadtatlas::query::{self, Atlas, Filter, MatrixBy};
use stadtatlas::store::tally::{Tally, count};
use stadtatlas::store::{SqliteStore, Store};
use std::path::{Path, PathBuf};

fn import(store: &Path, args: &[&str]) {
    let out = Command::cargo_bin("stadtatlas")
        .unwrap()
        .arg("--store")
        .arg(store)
        .arg("-q")
        .arg("import")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn halle() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/halle")
}

fn sorted(mut t: Vec<Tally>) -> Vec<String> {
    t.retain(|t| t.n > 0);
    let mut v: Vec<String> = t.iter().map(|t| format!("{t:?}")).collect();
    v.sort();
    v
}

/// Kept counts against a recount, and the count questions against the same
/// questions on the whole inventory (which assign every entity again).
fn assert_counts_true(path: &Path, step: &str) {
    let store = SqliteStore::open_for_reading(path).unwrap();
    let snapshot = store.snapshot().unwrap();
    let rows = store.assignments().unwrap();
    let recount = count(&snapshot.entities, &rows);
    let mut levels: Vec<Option<String>> = vec![None];
    levels.extend(snapshot.levels.iter().map(|l| Some(l.id.clone())));
    let mut kept = Vec::new();
    for level in &levels {
        kept.extend(
            store
                .tallies(level.as_deref())
                .unwrap()
                .expect("counts kept"),
        );
    }
    let (kept, recount) = (sorted(kept), sorted(recount));
    let only_kept: Vec<&String> = kept.iter().filter(|t| !recount.contains(t)).collect();
    let only_recounted: Vec<&String> = recount.iter().filter(|t| !kept.contains(t)).collect();
    assert!(
        only_kept.is_empty() && only_recounted.is_empty(),
        "{step}: kept counts differ from a recount: only kept {only_kept:#?}, only recounted {only_recounted:#?}"
    );

    let atlas = Atlas::new(snapshot.clone());
    let filters = [
        Filter::default(),
        Filter {
            include_internal: true,
            ..Filter::default()
        },
        Filter {
            fields: vec!["kultur".into(), "bildung".into()],
            kinds: vec![stadtatlas::model::EntityKind::Partner],
            ..Filter::default()
        },
    ];
    for filter in &filters {
        for level in &levels[1..] {
            let level = level.as_deref();
            for by in [
                MatrixBy::Field,
                MatrixBy::Kind,
                MatrixBy::Category,
                MatrixBy::Status,
            ] {
                let whole = query::matrix(&atlas, level, by, true, filter).unwrap();
                let kept = query::matrix_in_store(&store, level, by, true, filter).unwrap();
                assert_eq!(
                    json(&whole),
                    json(&kept.answer),
                    "{step}: matrix {level:?} {by:?} {filter:?}"
                );
            }
            assert_eq!(
                json(&query::gaps(&atlas, level, filter).unwrap()),
                json(&query::gaps_in_store(&store, level, filter).unwrap().answer),
                "{step}: gaps {level:?} {filter:?}"
            );
        }
        for level in &levels {
            let level = level.as_deref();
            assert_eq!(
                json(&query::district_table(&atlas, level, filter).unwrap()),
                json(&query::district_table_in_store(&store, level, filter).unwrap()),
                "{step}: districts {level:?} {filter:?}"
            );
        }
    }
}

fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("serialises")
}

#[test]
fn kept_counts_equal_a_recount_after_every_kind_of_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("atlas.gpkg");
    import(&store, &[halle().join("atlas.toml").to_str().unwrap()]);
    assert_counts_true(&store, "first import");

    // A small import: new records, one internal, a stored one changed in
    // category, fields and place (from Neustadt to the Altstadt).
    let small = dir.path().join("neu.csv");
    std::fs::write(
        &small,
        "id,name,category,fields,lon,lat,visibility\n\
         neu-kita,Kita Sonnenschein,education,bildung;soziales,11.9300,51.4790,public\n\
         neu-intern,Arbeitskreis intern,association_or_initiative,kultur,11.9700,51.4830,internal\n\
         ueberall,Stadtweites Netz,company,digitale_infrastruktur,,,public\n\
         awo-psychiatriezentrum-halle,AWO Psychiatriezentrum Halle,association_or_initiative,gesundheit;kultur,11.9697,51.4828,public\n",
    )
    .unwrap();
    import(&store, &[small.to_str().unwrap(), "--as", "partners"]);
    assert_counts_true(&store, "small import");

    // The district layer again with one Stadtteil moved 600 m east: every
    // assignment is written anew.
    let copy = dir.path().join("data/halle");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(
        halle().join("../vocabulary.toml"),
        copy.join("../vocabulary.toml"),
    )
    .unwrap();
    for f in std::fs::read_dir(halle()).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, copy.join(f.file_name().unwrap())).unwrap();
    }
    let layer = copy.join("districts_provisional.geojson");
    let mut geo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&layer).unwrap()).unwrap();
    let moved = geo["features"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["properties"]["level"] == "stadtteil")
        .unwrap();
    fn shift(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Array(a) if a.len() == 2 && a[0].is_number() => {
                a[0] = (a[0].as_f64().unwrap() + 0.009).into();
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(shift),
            _ => {}
        }
    }
    shift(&mut moved["geometry"]["coordinates"]);
    std::fs::write(&layer, geo.to_string()).unwrap();
    import(&store, &[copy.join("atlas.toml").to_str().unwrap()]);
    assert_counts_true(&store, "district layer changed");

    // A large import (more rows than a small import plans around).
    let mut big = String::from("id,name,category,fields,lon,lat,status\n");
    for i in 0..6_000 {
        let (x, y) = (
            11.90 + (i % 100) as f64 * 0.0015,
            51.44 + (i / 100) as f64 * 0.0015,
        );
        let fields = ["bildung", "kultur;sport", "", "umwelt;mobilitaet;bildung"][i % 4];
        let status = ["", "running", "planned"][i % 3];
        big.push_str(&format!(
            "gross-{i},Grundschule {i},education,{fields},{x:.5},{y:.5},{status}\n"
        ));
    }
    let big_file = dir.path().join("gross.csv");
    std::fs::write(&big_file, big).unwrap();
    import(&store, &[big_file.to_str().unwrap(), "--as", "projects"]);
    assert_counts_true(&store, "large import");
}
