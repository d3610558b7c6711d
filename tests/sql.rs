//! Saved questions and spatial SQL: every shipped query checked against the
//! library call that answers the same question (the guard is in sql_guard.rs).

mod common;

use common::cli::quiet as bin;

use serde_json::Value as Json;
use stadtatlas::districts::DistrictRef;
use stadtatlas::model::{EntityKind, Meters, Status};
use stadtatlas::query::{self, Atlas, Filter, MatrixBy, NearTarget, Reach};
use stadtatlas::sql::{self, ResultTable, RunOptions, SavedQuery};
use stadtatlas::store::{SqliteStore, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn halle_store(dir: &Path) -> PathBuf {
    let store = dir.join("atlas.gpkg");
    let halle = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/halle");
    bin(&store).arg("import").arg(halle).assert().success();
    store
}

fn queries_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("queries")
}

fn atlas(store: &Path) -> Atlas {
    Atlas::new(
        SqliteStore::open_read_only(store)
            .unwrap()
            .snapshot()
            .unwrap(),
    )
}

/// Runs a shipped query through the library with its defaults (or overrides).
fn run(store: &Path, name: &str, given: &[(&str, &str)]) -> ResultTable {
    let saved = sql::load_dir(&queries_dir()).unwrap();
    let q: &SavedQuery = sql::find(&saved, name).unwrap();
    let given: Vec<(String, String)> = given
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let values = q.bind_values(&given).unwrap();
    sql::run_sql(store, &q.sql, &values, RunOptions::default()).unwrap()
}

fn col<'a>(t: &'a ResultTable, row: &'a [Json], name: &str) -> &'a Json {
    &row[t.column(name).unwrap_or_else(|| panic!("no column {name}"))]
}

fn text(t: &ResultTable, row: &[Json], name: &str) -> String {
    col(t, row, name).as_str().unwrap_or_default().to_string()
}

fn ids(t: &ResultTable, name: &str) -> BTreeSet<String> {
    t.rows.iter().map(|r| text(t, r, name)).collect()
}

fn kind_is(a: &Atlas, i: usize, kinds: &[EntityKind]) -> bool {
    kinds.contains(&a.entities[i].kind)
}

/// The ids of entities assigned to each district bucket at a level.
fn by_district(
    a: &Atlas,
    level: &str,
    keep: impl Fn(usize) -> bool,
) -> BTreeMap<String, BTreeSet<usize>> {
    let pos = a.level_position(level);
    let mut out: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for i in (0..a.entities.len()).filter(|&i| keep(i)) {
        for r in &a.assignments[i][pos] {
            out.entry(a.ref_id(*r).to_string()).or_default().insert(i);
        }
    }
    out
}

#[test]
fn every_shipped_query_matches_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let a = atlas(&store);
    let saved = sql::load_dir(&queries_dir()).unwrap();
    assert!(saved.len() >= 8, "ship at least eight questions");
    for q in &saved {
        assert!(
            q.title_de.is_some() && q.title_en.is_some(),
            "{} needs titles",
            q.name
        );
    }

    // Actors per Stadtteil and field == matrix by field at stadtteil.
    let t = run(&store, "actors_per_stadtteil_field", &[]);
    let got: BTreeMap<(String, String), i64> = t
        .rows
        .iter()
        .map(|r| {
            (
                (text(&t, r, "stadtteil"), text(&t, r, "field")),
                col(&t, r, "actors").as_i64().unwrap(),
            )
        })
        .collect();
    let m = query::matrix(
        &a,
        Some("stadtteil"),
        MatrixBy::Field,
        false,
        &Filter::default(),
    )
    .unwrap();
    let want: BTreeMap<(String, String), i64> = m
        .rows
        .iter()
        .flat_map(|row| {
            row.counts
                .iter()
                .filter(|(f, n)| **n > 0 && f.as_str() != "(none)")
                .map(|(f, n)| ((row.district_id.clone(), f.clone()), *n as i64))
        })
        .collect();
    assert_eq!(got, want);

    // Partners within 500 m of Neustadt == near(district, within 500 m, partners).
    for (district, radius) in [("Neustadt", "500"), ("Altstadt", "1500")] {
        let t = run(
            &store,
            "partners_near_district",
            &[("district", district), ("radius", radius)],
        );
        let filter = Filter {
            kinds: vec![EntityKind::Partner],
            ..Filter::default()
        };
        let target = NearTarget::District {
            name: district.into(),
            level: None,
        };
        let want: BTreeSet<String> = query::near(
            &a,
            &target,
            Reach::Within(Meters(radius.parse().unwrap())),
            &filter,
        )
        .unwrap()
        .into_iter()
        .filter(|r| r.lon.is_some())
        .map(|r| r.id)
        .collect();
        assert!(!want.is_empty());
        assert_eq!(ids(&t, "id"), want, "{district}");
    }

    // Stadtteile without education == gaps at stadtteil for bildung.
    let t = run(&store, "stadtteile_without_education", &[]);
    let want: BTreeSet<String> = query::gaps(&a, Some("stadtteil"), &Filter::default())
        .unwrap()
        .into_iter()
        .filter(|g| g.field == "bildung")
        .map(|g| g.district_id)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(ids(&t, "id"), want);

    // Projects with their lead per Stadtbezirk == assignments + lead relations.
    let t = run(&store, "projects_lead_per_district", &[]);
    let got: BTreeSet<(String, String, String)> = t
        .rows
        .iter()
        .map(|r| {
            (
                text(&t, r, "stadtbezirk"),
                text(&t, r, "project"),
                text(&t, r, "lead"),
            )
        })
        .collect();
    let mut want = BTreeSet::new();
    for (d, set) in by_district(&a, "stadtbezirk", |i| {
        kind_is(&a, i, &[EntityKind::Project])
    }) {
        for i in set {
            let id = &a.entities[i].id;
            let leads: Vec<&str> = a
                .relations
                .iter()
                .filter(|r| &r.to == id && r.role.to_string() == "lead")
                .map(|r| r.from.as_str())
                .collect();
            if leads.is_empty() {
                want.insert((d.clone(), id.clone(), String::new()));
            }
            for l in leads {
                want.insert((d.clone(), id.clone(), l.to_string()));
            }
        }
    }
    assert_eq!(got, want);

    // Success stories: completed projects/initiatives per Stadtbezirk.
    let t = run(&store, "success_stories_by_district", &[]);
    let got: BTreeMap<String, i64> = t
        .rows
        .iter()
        .map(|r| {
            (
                text(&t, r, "stadtbezirk"),
                col(&t, r, "completed").as_i64().unwrap(),
            )
        })
        .collect();
    let want: BTreeMap<String, i64> = by_district(&a, "stadtbezirk", |i| {
        kind_is(&a, i, &[EntityKind::Project, EntityKind::Initiative])
            && a.entities[i].status == Some(Status::Completed)
    })
    .into_iter()
    .map(|(d, s)| (d, s.len() as i64))
    .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);

    // Partners and members of initiatives and projects == the relations.
    let t = run(&store, "partners_of_projects", &[]);
    let got: BTreeSet<(String, String, String)> = t
        .rows
        .iter()
        .map(|r| {
            (
                text(&t, r, "id"),
                text(&t, r, "role"),
                text(&t, r, "partner"),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = a
        .relations
        .iter()
        .filter(|r| matches!(r.role.to_string().as_str(), "partner" | "member"))
        .filter(|r| {
            a.entity_index(&r.to)
                .is_ok_and(|i| kind_is(&a, i, &[EntityKind::Project, EntityKind::Initiative]))
        })
        .map(|r| (r.to.clone(), r.role.to_string(), r.from.clone()))
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);

    // Partners not verified in the last 12 months.
    let t = run(&store, "partners_unverified", &[]);
    // SQLite's date('now') is UTC.
    let cutoff = chrono::Utc::now().date_naive() - chrono::Months::new(12);
    let want: BTreeSet<String> = a
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Partner && e.verified_on.is_none_or(|d| d < cutoff))
        .map(|e| e.id.clone())
        .collect();
    assert_eq!(ids(&t, "id"), want);

    // Actors outside the city == assignment Outside at the Stadtbezirk level.
    let t = run(&store, "actors_outside_city", &[]);
    let pos = a.level_position("stadtbezirk");
    let want: BTreeSet<String> = (0..a.entities.len())
        .filter(|&i| a.assignments[i][pos].contains(&DistrictRef::Outside))
        .map(|i| a.entities[i].id.clone())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(ids(&t, "id"), want);

    // Actors with a point in a district == `in` restricted to points, and
    // district_of agrees with `where` for each of them.
    for district in ["Altstadt", "Neustadt"] {
        let t = run(&store, "actors_in_district", &[("district", district)]);
        let want: BTreeSet<String> = query::inside(
            &a,
            &[district.to_string()],
            None,
            &Filter {
                include_internal: true,
                ..Filter::default()
            },
        )
        .unwrap()
        .into_iter()
        .filter(|r| r.lon.is_some())
        .map(|r| r.id)
        .collect();
        assert!(!want.is_empty(), "{district}");
        assert_eq!(ids(&t, "id"), want, "{district}");
        for r in &t.rows {
            let id = text(&t, r, "id");
            let rows = query::where_entity(&a, &id).unwrap();
            let at = |level: &str| {
                rows.iter()
                    .find(|w| w.level == level)
                    .map(|w| w.id.clone())
                    .unwrap_or_default()
            };
            assert_eq!(text(&t, r, "stadtbezirk"), at("stadtbezirk"), "{id}");
            assert_eq!(text(&t, r, "viertel"), at("viertel"), "{id}");
        }
    }
}

#[test]
fn distance_functions_match_the_metric() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let a = atlas(&store);
    let t = sql::run_sql(
        &store,
        "SELECT distance_m(11.9, 51.4, 12.0, 51.5) AS d, distance_to_district_m(11.9, 51.4, 'Altstadt') AS dd, \
         distance_m(NULL, 51.4, 12.0, 51.5) AS n",
        &[],
        RunOptions::default(),
    )
    .unwrap();
    let p = |lon, lat| stadtatlas::model::LonLat::new(lon, lat).unwrap();
    let d = stadtatlas::metric::geodesic(p(11.9, 51.4), p(12.0, 51.5)).get();
    assert_eq!(t.rows[0][0].as_f64().unwrap(), d);
    let alt = a.district("Altstadt", None).unwrap();
    let area = stadtatlas::metric::AreaDistance::new(a.districts.index.shape(alt).unwrap());
    assert_eq!(
        t.rows[0][1].as_f64().unwrap(),
        area.distance(p(11.9, 51.4)).get()
    );
    assert!(t.rows[0][2].is_null());
}

#[test]
fn list_and_run_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let saved = sql::load_dir(&queries_dir()).unwrap();
    let out = bin(&store)
        .args(["query", "list", "--lang", "de", "--format", "json"])
        .output()
        .unwrap();
    let list: Json = serde_json::from_slice(&out.stdout).unwrap();
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = saved
        .iter()
        .map(|q| q.title_de.as_deref().unwrap())
        .collect();
    assert_eq!(titles, want);
    let lib = run(&store, "actors_outside_city", &[]);
    let out = bin(&store)
        .args(["query", "run", "actors_outside_city", "--format", "json"])
        .output()
        .unwrap();
    let json: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json, serde_json::to_value(lib.to_objects()).unwrap());
    let out = bin(&store)
        .args(["query", "run", "actors_outside_city", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(csv.lines().count(), lib.rows.len() + 1);
    assert!(csv.starts_with(&lib.columns.join(",")));
    for side in ["atlas.gpkg-wal", "atlas.gpkg-shm"] {
        assert!(!dir.path().join(side).exists(), "{side} left behind");
    }
}
