//! Questions answered from the store through its grid index (`*_in_store`)
//! give exactly the answers of the same questions on the whole inventory
//! loaded in memory, on the seeded oracle inventory; also after upgrading
//! stores of older schema versions.

mod common;

use common::{fixture, pg};
use stadtatlas::districts::DistrictMap;
use stadtatlas::model::{LonLat, Meters};
use stadtatlas::query::{self, Atlas, Filter, MatrixBy, NearTarget, Reach};
use stadtatlas::store::{
    AssignmentRow, Assignments, ChangeSet, EntityOrder, Snapshot, SqliteStore, Store,
};
use std::path::Path;

/// The district assignments an import stores with these records.
fn assignment_rows(s: &Snapshot) -> Vec<AssignmentRow> {
    let map = DistrictMap::new(&s.levels, s.districts.clone());
    let assignments = map.assign_all(&s.entities);
    s.entities
        .iter()
        .zip(&assignments)
        .flat_map(|(e, a)| {
            map.assignment_ids(a)
                .map(|(level, district)| AssignmentRow {
                    entity_id: e.id.clone(),
                    level: level.to_string(),
                    district_id: district.to_string(),
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn write_store(path: &Path, s: &Snapshot) -> SqliteStore {
    let changes = ChangeSet {
        entities: s.entities.clone(),
        districts: s.districts.clone(),
        levels: Some(s.levels.clone()),
        assignments: Some(Assignments::All(assignment_rows(s))),
        ..ChangeSet::default()
    };
    SqliteStore::create_with(path, &changes)
        .expect("store written")
        .0
}

/// A store made each way, in `dir`: empty (`create`, which later imports
/// fill) and filled in one go (`create_with`, a first import's bulk load).
fn stores_made_both_ways(dir: &Path) -> [SqliteStore; 2] {
    [
        SqliteStore::create(&dir.join("empty.gpkg")).unwrap(),
        write_store(&dir.join("filled.gpkg"), &fixture()),
    ]
}

fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("serialises")
}

fn targets(s: &Snapshot) -> Vec<NearTarget> {
    let mut out: Vec<NearTarget> = [
        (11.97, 51.42),
        (11.85, 51.40),
        (12.11, 51.61),
        (11.70, 51.30),
    ]
    .into_iter()
    .map(|(x, y)| NearTarget::At(LonLat::new(x, y).unwrap()))
    .collect();
    let pointed = s.entities.iter().find(|e| e.location.is_some()).unwrap();
    let with_area = s.entities.iter().find(|e| e.area.is_some()).unwrap();
    out.push(NearTarget::Entity(pointed.id.clone()));
    out.push(NearTarget::Entity(with_area.id.clone()));
    for name in ["District b3", "alias-t1", "b1"] {
        out.push(NearTarget::District {
            name: name.into(),
            level: None,
        });
    }
    out
}

/// How many entities `in` and `near` hold at most: as the command line
/// does, and so few that every question's entities come in many chunks and
/// its answer is kept as keys and records.
const LIMITS: [usize; 2] = [query::HOLD_LIMIT, 7];

fn assert_same_answers(store: &dyn Store, snapshot: &Snapshot) {
    let atlas = Atlas::new(snapshot.clone());
    let filters = [
        Filter::default(),
        Filter {
            fields: vec!["kultur".into()],
            ..Filter::default()
        },
    ];
    for target in targets(snapshot) {
        for reach in [
            Reach::Within(Meters(0.0)),
            Reach::Within(Meters(300.0)),
            Reach::Within(Meters(4_000.0)),
            Reach::Nearest(1),
            Reach::Nearest(25),
        ] {
            for (filter, limit) in filters.iter().flat_map(|f| LIMITS.map(|l| (f, l))) {
                let whole = query::near(&atlas, &target, reach, filter).unwrap();
                let lazy = query::near_in_store_by(store, &target, reach, filter, limit).unwrap();
                let (whole, lazy) = (json(&whole), json(&lazy.rows().unwrap()));
                if whole != lazy {
                    let (w, l) = (whole.as_array().unwrap(), lazy.as_array().unwrap());
                    let first = w.iter().zip(l).position(|(a, b)| a != b);
                    panic!(
                        "{target:?} {reach:?} {filter:?} holding {limit}: {} vs {} rows, first difference at {first:?}: {:?} vs {:?}",
                        w.len(),
                        l.len(),
                        first.map(|i| &w[i]),
                        first.map(|i| &l[i]),
                    );
                }
            }
        }
    }
    for (x, y) in [(11.97, 51.42), (11.85, 51.40), (11.99, 51.41), (13.0, 52.0)] {
        let p = LonLat::new(x, y).unwrap();
        assert_eq!(
            query::where_point(&atlas, p),
            query::where_point_in_store(store, p).unwrap()
        );
    }
    for e in snapshot.entities.iter().step_by(997) {
        assert_eq!(
            query::where_entity(&atlas, &e.id).unwrap(),
            query::where_entity_in_store(store, &e.id).unwrap(),
            "{}",
            e.id
        );
    }
    for d in snapshot.districts.iter().step_by(3) {
        for (filter, limit) in filters.iter().flat_map(|f| LIMITS.map(|l| (f, l))) {
            let names = [d.id.clone()];
            assert_eq!(
                json(&query::inside(&atlas, &names, None, filter).unwrap()),
                json(
                    &query::inside_in_store_by(store, &names, None, filter, limit)
                        .unwrap()
                        .rows()
                        .unwrap()
                ),
                "in {} {filter:?} holding {limit}",
                d.id
            );
        }
    }
    for level in [None, Some("bezirk"), Some("teil")] {
        for filter in &filters {
            assert_eq!(
                json(&query::district_table(&atlas, level, filter).unwrap()),
                json(&query::district_table_in_store(store, level, filter).unwrap()),
                "{level:?} {filter:?}"
            );
            assert_eq!(
                json(&query::gaps(&atlas, level, filter).unwrap()),
                json(&query::gaps_in_store(store, level, filter).unwrap().answer),
                "{level:?} {filter:?}"
            );
        }
    }
    for level in ["bezirk", "teil"] {
        for by in [MatrixBy::Field, MatrixBy::Kind] {
            let whole = query::matrix(&atlas, Some(level), by, true, &filters[0]).unwrap();
            let lazy = query::matrix_in_store(store, Some(level), by, true, &filters[0]).unwrap();
            assert_eq!(json(&whole), json(&lazy.answer), "{level} {by:?}");
        }
    }
}

/// The same oracle on the PostGIS store: written in one go as a first
/// import does, read back whole, every question answered as on the
/// inventory in memory (and so as on the GeoPackage).
#[test]
fn a_postgis_store_answers_like_the_whole_inventory() {
    let Some(url) = pg::database("oracle") else {
        return;
    };
    let snapshot = fixture();
    let at = stadtatlas::store::Location::parse(&url, None).unwrap();
    let changes = ChangeSet {
        entities: snapshot.entities.clone(),
        districts: snapshot.districts.clone(),
        levels: Some(snapshot.levels.clone()),
        assignments: Some(Assignments::All(assignment_rows(&snapshot))),
        ..ChangeSet::default()
    };
    at.create_with(&changes).expect("store written");
    let store = at.open_for_reading().unwrap();
    let mut expected = snapshot.clone();
    expected.entities.sort_by(|a, b| a.id.cmp(&b.id));
    let stored = store.snapshot().unwrap().entities;
    assert_eq!(stored.len(), expected.entities.len());
    for (a, b) in stored.iter().zip(&expected.entities) {
        assert_eq!(a, b);
    }
    let key = |r: &AssignmentRow| (r.entity_id.clone(), r.level.clone(), r.district_id.clone());
    let mut got: Vec<_> = store.assignments().unwrap().iter().map(key).collect();
    let mut want: Vec<_> = assignment_rows(&snapshot).iter().map(key).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_same_answers(&*store, &expected);
}

/// The fixture with look-alike pairs planted (names that differ by a
/// legal form, 10 m apart; one pair with one name; two far apart with one
/// website), each pair's halves far apart in the store's order, the one
/// with the larger id first.
fn with_look_alikes(mut s: Snapshot) -> Snapshot {
    use stadtatlas::model::{Entity, EntityKind};
    let words = [
        "Sonnenschein",
        "Regenbogen",
        "Pusteblume",
        "Löwenzahn",
        "Kunterbunt",
        "Spatzennest",
        "Wirbelwind",
        "Sternschnuppe",
        "Abenteuerland",
        "Zwergenland",
    ];
    let mut planted = Vec::new();
    for (k, w) in words.iter().enumerate() {
        let p = LonLat::new(11.90 + 0.013 * k as f64, 51.47 + 0.002 * k as f64).unwrap();
        let q = LonLat::new(p.lon() + 0.0001, p.lat() + 0.00005).unwrap();
        let mut a = Entity::new(format!("z{k}"), format!("Kita {w}"), EntityKind::Partner);
        let mut b = Entity::new(
            format!("a{k}"),
            format!("Kita {w} e.V."),
            EntityKind::Initiative,
        );
        if k == 0 {
            b.name = a.name.clone();
        }
        a.location = Some(p);
        b.location = Some(q);
        planted.push((a, b));
    }
    let mut x = Entity::new("web-2", "Verein Nord", EntityKind::Initiative);
    let mut y = Entity::new("web-1", "Verein Süd", EntityKind::Initiative);
    x.website = Some("https://verein.example/".into());
    y.website = Some("http://www.verein.example".into());
    // First halves at the start of the store, second halves at its end.
    let (first, second): (Vec<_>, Vec<_>) = planted.into_iter().unzip();
    s.entities.splice(0..0, first.into_iter().chain([x]));
    s.entities.extend(second.into_iter().chain([y]));
    s
}

/// `check` streams the store chunk by chunk; its findings (look-alikes in
/// different chunks included) and location counts are those of the whole
/// inventory in memory, on both backends, whatever the chunk size.
#[test]
fn check_over_the_store_finds_what_it_finds_in_the_whole_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = with_look_alikes(fixture());
    let mut stores: Vec<Box<dyn Store>> = vec![Box::new(write_store(
        &dir.path().join("atlas.gpkg"),
        &snapshot,
    ))];
    if let Some(url) = pg::database("check") {
        let at = stadtatlas::store::Location::parse(&url, None).unwrap();
        at.create_with(&ChangeSet {
            entities: snapshot.entities.clone(),
            districts: snapshot.districts.clone(),
            levels: Some(snapshot.levels.clone()),
            assignments: Some(Assignments::All(assignment_rows(&snapshot))),
            ..ChangeSet::default()
        })
        .expect("store written");
        stores.push(at.open_for_reading().unwrap());
    }
    let mut sorted = snapshot.clone();
    sorted.entities.sort_by(|a, b| a.id.cmp(&b.id));
    let atlas = Atlas::new(sorted);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    let whole = query::check(&atlas, today, 365);
    let pairs = whole.iter().filter(|f| f.check == "duplicate").count();
    assert_eq!(pairs, 11, "each planted pair once");
    for store in &stores {
        for chunk in [1, 997, 1_000_000] {
            let lazy = query::check_in_store_by(&**store, chunk, today, 365).unwrap();
            assert_eq!(
                json(&whole),
                json(&lazy.findings),
                "check in chunks of {chunk}"
            );
            assert_eq!(
                json(&query::location_quality(&atlas.entities)),
                json(&lazy.location_quality)
            );
        }
    }
}

#[test]
fn store_backed_questions_answer_like_the_whole_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atlas.gpkg");
    let snapshot = fixture();
    let store = write_store(&path, &snapshot);
    // What the store gives back is what went in (ordered by id).
    let mut expected = snapshot.clone();
    expected.entities.sort_by(|a, b| a.id.cmp(&b.id));
    let stored = store.snapshot().unwrap().entities;
    assert_eq!(stored.len(), expected.entities.len());
    for (a, b) in stored.iter().zip(&expected.entities) {
        assert_eq!(a, b);
    }
    assert_same_answers(&store, &expected);
    // Nothing is left beside the store once it is closed.
    drop(store);
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "{files:?}");
}

#[test]
fn a_new_store_is_never_written_over_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atlas.gpkg");
    std::fs::write(&path, b"not a store").unwrap();
    let err = SqliteStore::create_with(&path, &ChangeSet::default()).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"not a store");
}

/// SQL that turns a current store into one of an older schema version, once
/// each entity's `record` holds the whole entity as JSON, as in all of them
/// (see `whole_records`).
const DOWNGRADES: [(u32, &str); 5] = [
    // Version 1: no point columns, no grid index.
    (
        1,
        "DROP TRIGGER entity_cells_insert; DROP TRIGGER entity_cells_update;
         DROP TRIGGER entity_cells_delete; DROP TABLE entity_cells;
         DROP INDEX entities_unpointed;
         ALTER TABLE entities DROP COLUMN cell; ALTER TABLE entities DROP COLUMN lon;
         ALTER TABLE entities DROP COLUMN lat;
         UPDATE stadtatlas_meta SET value = '1' WHERE key = 'schema_version';",
    ),
    // Version 2: the grid index is an index on `entities`.
    (
        2,
        "DROP TRIGGER entity_cells_insert; DROP TRIGGER entity_cells_update;
         DROP TRIGGER entity_cells_delete; DROP TABLE entity_cells;
         CREATE INDEX entities_cell ON entities (cell, lon, lat);
         UPDATE stadtatlas_meta SET value = '2' WHERE key = 'schema_version';",
    ),
    // Version 3: the same tables.
    (
        3,
        "UPDATE stadtatlas_meta SET value = '3' WHERE key = 'schema_version';",
    ),
    // Version 5: no moderation queue, accounts or tokens.
    (
        5,
        "UPDATE stadtatlas_meta SET value = '5' WHERE key = 'schema_version';",
    ),
    // Version 6: the same tables as 5 and the web's.
    (
        6,
        "UPDATE stadtatlas_meta SET value = '6' WHERE key = 'schema_version';",
    ),
];

/// Every version before 7 keeps an entity's current revision in
/// `revisions` (without a record), not in its row.
const CURRENT_REVISIONS_IN_TABLE: &str = "
    INSERT INTO revisions (record_kind, record_id, rev, import_id, record)
      SELECT 'entity', id, rev, import_id, NULL FROM entities;
    ALTER TABLE entities DROP COLUMN rev; ALTER TABLE entities DROP COLUMN import_id;";

/// Every version before 6 lacks the tables of the web (`serve`'s queue,
/// accounts and tokens).
const DROP_WEB: &str = "DROP TABLE api_tokens; DROP TABLE accounts; DROP TABLE submissions;";

/// A partner with just an id and a name.
fn partner(id: &str, name: &str) -> stadtatlas::model::Entity {
    stadtatlas::model::Entity::new(id, name, stadtatlas::model::EntityKind::Partner)
}

/// A change set that writes these entities and nothing else.
fn writing(entities: &[&stadtatlas::model::Entity]) -> ChangeSet {
    ChangeSet {
        entities: entities.iter().map(|e| (*e).clone()).collect(),
        ..ChangeSet::default()
    }
}

/// The one number `sql` asks the store for.
fn number(store: &SqliteStore, sql: &str) -> i64 {
    store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The rows of three columns `sql` asks the store for.
fn triples<C: rusqlite::types::FromSql>(store: &SqliteStore, sql: &str) -> Vec<(String, i64, C)> {
    store
        .connection()
        .prepare(sql)
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Puts the whole entity into each row's `record`, as versions 1 to 3 kept
/// it, and blanks the columns that version 4 reads but older versions only
/// wrote: the upgrade must take them from the record.
fn whole_records(conn: &rusqlite::Connection, s: &Snapshot) {
    let mut stmt = conn
        .prepare("UPDATE entities SET record = ?2, name = '', category = NULL WHERE id = ?1")
        .unwrap();
    for e in &s.entities {
        stmt.execute((&e.id, serde_json::to_string(e).unwrap()))
            .unwrap();
    }
}

#[test]
fn older_stores_are_upgraded_when_opened_for_writing() {
    for (version, downgrade) in DOWNGRADES {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("atlas.gpkg");
        let mut snapshot = fixture();
        snapshot.entities.truncate(3_000);
        drop(write_store(&path, &snapshot));
        let conn = rusqlite::Connection::open(&path).unwrap();
        if version < 4 {
            whole_records(&conn, &snapshot);
        }
        if version < 6 {
            conn.execute_batch(DROP_WEB).unwrap();
        }
        conn.execute_batch(CURRENT_REVISIONS_IN_TABLE).unwrap();
        conn.execute_batch(downgrade).unwrap();
        drop(conn);
        let read_only = SqliteStore::open_read_only(&path).unwrap_err();
        assert!(
            read_only
                .to_string()
                .contains(&format!("schema version {version}")),
            "{read_only}"
        );

        let store = SqliteStore::open(&path).unwrap();
        snapshot.entities.sort_by(|a, b| a.id.cmp(&b.id));
        assert!(
            store.snapshot().unwrap().entities == snapshot.entities,
            "from version {version}: the entities read back differ"
        );
        assert_same_answers(&store, &snapshot);
        let (cells, located, old_index): (i64, i64, i64) = store
            .connection()
            .query_row(
                "SELECT (SELECT count(*) FROM entity_cells), \
                 (SELECT count(*) FROM entities WHERE geom IS NOT NULL), \
                 (SELECT count(*) FROM sqlite_master WHERE name = 'entities_cell')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((cells, old_index), (located, 0), "from version {version}");
        let web = number(
            &store,
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' \
             AND name IN ('submissions', 'accounts', 'api_tokens')",
        );
        assert_eq!(web, 3, "from version {version}: the web's tables");
        let kept = number(
            &store,
            "SELECT count(*) FROM revisions WHERE record_kind = 'entity'",
        );
        assert_eq!(kept, 0, "from version {version}: current revisions in rows");
    }
}

/// A version-6 store kept an entity's current revision in `revisions`; once
/// upgraded, it is the row's (`rev`, `import_id`), and every record's history
/// reads as before: numbers, imports, records.
#[test]
fn a_version_6_store_keeps_its_histories_when_current_revisions_move_into_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atlas.gpkg");
    let mut x = partner("x", "Verein X");
    let y = partner("y", "Kita Y");
    let changes = writing;
    let (mut store, _) = SqliteStore::create_with(&path, &changes(&[&x])).unwrap();
    x.name = "Verein X e.V.".into();
    store.apply(&changes(&[&x, &y])).unwrap();
    x.name = "Verein X (Halle) e.V.".into();
    store.apply(&changes(&[&x])).unwrap();
    let histories = |store: &SqliteStore| -> Vec<serde_json::Value> {
        ["x", "y"]
            .iter()
            .map(|id| serde_json::to_value(store.history(id).unwrap()).unwrap())
            .collect()
    };
    let before = histories(&store);
    assert_eq!(before[0].as_array().unwrap().len(), 3, "{}", before[0]);
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(CURRENT_REVISIONS_IN_TABLE).unwrap();
    conn.execute_batch(DOWNGRADES[4].1).unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(histories(&store), before);
    let rows: Vec<(String, i64, i64)> = triples(
        &store,
        "SELECT id, rev, import_id FROM entities ORDER BY id",
    );
    assert_eq!(rows, [("x".to_string(), 3, 3), ("y".to_string(), 1, 2)]);
    let kept: Vec<(String, i64, bool)> = triples(
        &store,
        "SELECT record_id, rev, record IS NOT NULL FROM revisions ORDER BY 1, 2",
    );
    assert_eq!(
        kept,
        [("x".to_string(), 1, true), ("x".to_string(), 2, true)]
    );
}

#[test]
fn every_version_stays_readable_while_the_current_one_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atlas.gpkg");
    let mut e = partner("x", "Verein X");
    let changes = |e: &stadtatlas::model::Entity| writing(&[e]);
    let (mut store, _) = SqliteStore::create_with(&path, &changes(&e)).unwrap();
    for name in ["Verein X e.V.", "Verein X (Halle) e.V."] {
        e.name = name.into();
        store.apply(&changes(&e)).unwrap();
    }
    let names: Vec<String> = store
        .history("x")
        .unwrap()
        .iter()
        .map(|r| r.record["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        ["Verein X", "Verein X e.V.", "Verein X (Halle) e.V."]
    );
    // Only the superseded versions keep a copy in `revisions`.
    let copies = number(
        &store,
        "SELECT count(record) FROM revisions WHERE record_id = 'x'",
    );
    assert_eq!(copies, 2);
}

/// `gpkg_contents` gives QGIS the extent of each layer: the box of the entity
/// points, for a new store and after an import moved the outermost point in.
#[test]
fn the_geopackage_extent_follows_the_entity_points() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atlas.gpkg");
    let mut snapshot = fixture();
    let store = write_store(&path, &snapshot);
    let extent = |store: &SqliteStore| -> [f64; 4] {
        store
            .connection()
            .query_row(
                "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'entities'",
                [],
                |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
            )
            .unwrap()
    };
    let points = |s: &Snapshot| -> [f64; 4] {
        let located = s.entities.iter().filter_map(|e| e.location);
        located.fold(
            [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ],
            |[a, b, c, d], p| {
                [
                    a.min(p.lon()),
                    b.min(p.lat()),
                    c.max(p.lon()),
                    d.max(p.lat()),
                ]
            },
        )
    };
    assert_eq!(extent(&store), points(&snapshot));
    drop(store);

    // The westernmost point moves to the middle of the box: the box shrinks.
    let box_before = points(&snapshot);
    let west = snapshot
        .entities
        .iter_mut()
        .filter(|e| e.location.is_some())
        .min_by(|a, b| {
            a.location
                .unwrap()
                .lon()
                .total_cmp(&b.location.unwrap().lon())
        })
        .unwrap();
    west.location = Some(
        LonLat::new(
            (box_before[0] + box_before[2]) / 2.0,
            (box_before[1] + box_before[3]) / 2.0,
        )
        .unwrap(),
    );
    let moved = west.clone();
    let (west_id, moved_to) = (moved.id.clone(), moved.location.unwrap());
    let mut store = SqliteStore::open(&path).unwrap();
    store
        .apply(&ChangeSet {
            entities: vec![moved],
            ..ChangeSet::default()
        })
        .unwrap();
    assert!(points(&snapshot)[0] > box_before[0]);
    assert_eq!(extent(&store), points(&snapshot));
    // The grid index followed the move (triggers keep it on every write).
    let cells: Vec<(f64, f64)> = store
        .connection()
        .prepare(
            "SELECT c.lon, c.lat FROM entity_cells c JOIN entities e ON e.fid = c.fid \
             WHERE e.id = ?1",
        )
        .unwrap()
        .query_map([&west_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(cells, [(moved_to.lon(), moved_to.lat())]);
}

/// Both ways of making a store give it SQLite's largest pages (see
/// `PAGE_SIZE` in the SQLite backend), which a file keeps for life.
#[test]
fn new_stores_have_64_kib_pages() {
    let dir = tempfile::tempdir().unwrap();
    let page_size = |store: &SqliteStore| -> i64 {
        store
            .connection()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap()
    };
    let [empty, filled] = stores_made_both_ways(dir.path());
    assert_eq!((page_size(&empty), page_size(&filled)), (65536, 65536));
}

/// The entity table takes every kind the model has and nothing else, from
/// whoever writes it (QGIS edits the GeoPackage directly), in a store made
/// either way.
#[test]
fn the_entity_table_refuses_kinds_the_model_does_not_have() {
    use stadtatlas::model::EntityKind;
    let dir = tempfile::tempdir().unwrap();
    for store in &stores_made_both_ways(dir.path()) {
        let conn = store.connection();
        let insert = |kind: &str| {
            conn.execute(
                "INSERT INTO entities (id, name, kind, record, import_id) VALUES ('k', 'K', ?1, '{}', 1)",
                [kind],
            )
            .map(|_| {
                conn.execute("DELETE FROM entities WHERE id = 'k'", [])
                    .unwrap()
            })
        };
        for kind in EntityKind::ALL {
            insert(kind.as_str()).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        }
        for kind in ["partners", "Partner", "", "person"] {
            let refused = insert(kind).unwrap_err().to_string();
            assert!(
                refused.contains("CHECK constraint failed"),
                "{kind}: {refused}"
            );
        }
    }
}

/// An entity with every field set comes back equal from a new store, from
/// an existing one it was written into, and as a superseded revision.
#[test]
fn an_entity_with_every_field_comes_back_whole() {
    use geo::polygon;
    use stadtatlas::model::{Entity, EntityKind, Status, Visibility};
    let mut e = Entity::new("full", "Verein; mit Semikolon", EntityKind::Project);
    e.category = Some("association".into());
    e.fields = vec!["bildung".into(), "a;b".into()];
    e.location = Some(LonLat::new(11.969_712_345_678_9, 51.482_812_345_678_9).unwrap());
    e.area = Some(geo::MultiPolygon(vec![polygon![
        (x: 11.96, y: 51.48), (x: 11.98, y: 51.48), (x: 11.97, y: 51.49)
    ]]));
    e.district_names = vec!["Altstadt".into(), "Nord;Süd".into()];
    e.address = Some("Marktplatz 1, 06108 Halle (Saale)".into());
    e.website = Some("https://example.org/".into());
    e.description = Some("Mehrzeilig\nmit \"Anführungszeichen\"".into());
    e.status = Some(Status::Running);
    e.start = Some("2024".into());
    e.end = Some("2026-12-31".into());
    e.success_story = Some("ja".into());
    e.tags = vec!["digital".into(), "quartier".into()];
    e.source = Some("https://example.org/quelle".into());
    e.verified_on = Some("2026-11-01".parse().unwrap());
    e.license = Some("CC-BY-4.0".into());
    e.visibility = Visibility::Internal;
    e.extra = [("spalte".to_string(), "wert".to_string())].into();
    e.canonicalize();
    let changes = |e: &Entity| ChangeSet {
        entities: vec![e.clone()],
        ..ChangeSet::default()
    };

    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) =
        SqliteStore::create_with(&dir.path().join("new.gpkg"), &changes(&e)).unwrap();
    assert_eq!(store.snapshot().unwrap().entities, [e.clone()]);
    let mut moved = e.clone();
    moved.location = Some(LonLat::new(11.95, 51.47).unwrap());
    moved.tags.clear();
    store.apply(&changes(&moved)).unwrap();
    assert_eq!(store.snapshot().unwrap().entities, [moved.clone()]);
    let history = store.history("full").unwrap();
    let records: Vec<Entity> = history
        .iter()
        .map(|r| serde_json::from_value(r.record.clone()).unwrap())
        .collect();
    assert_eq!(records, [e.clone(), moved]);

    let mut existing = SqliteStore::create(&dir.path().join("existing.gpkg")).unwrap();
    existing.apply(&changes(&e)).unwrap();
    assert_eq!(existing.snapshot().unwrap().entities, [e]);
}

/// Chunks come in store order, in the order listings use (kind, name, id)
/// or by id (the same as sorting the snapshot), and complete; an error of the
/// consumer stops the reading and is what the call returns.
#[test]
fn entity_chunks_come_in_order_and_stop_at_the_first_error() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = fixture();
    let store = write_store(&dir.path().join("atlas.gpkg"), &snapshot);
    let mut listed = snapshot.entities.clone();
    listed.sort_by(EntityOrder::listed);
    let mut by_id = snapshot.entities.clone();
    by_id.sort_by(|a, b| a.id.cmp(&b.id));
    for (order, want) in [
        (EntityOrder::Stored, &snapshot.entities),
        (EntityOrder::Listed, &listed),
        (EntityOrder::ById, &by_id),
    ] {
        let mut got = Vec::new();
        let mut sizes = Vec::new();
        store
            .for_each_entity_chunk(1_000, order, &mut |chunk| {
                sizes.push(chunk.len());
                got.extend(chunk);
                Ok(())
            })
            .unwrap();
        assert!(got == *want, "{order:?}: other entities or another order");
        assert!(
            sizes.len() > 2 && sizes.iter().all(|&n| n <= 1_000),
            "{sizes:?}"
        );

        let mut calls = 0;
        let err = store
            .for_each_entity_chunk(1_000, order, &mut |_| {
                calls += 1;
                if calls == 3 {
                    return Err(stadtatlas::store::StoreError::Corrupt {
                        what: "test",
                        id: "third chunk".into(),
                        source: "stop".into(),
                    });
                }
                Ok(())
            })
            .unwrap_err();
        assert!(err.to_string().contains("third chunk"), "{err}");
        assert_eq!(calls, 3);
    }
    // The fixture's kinds and repeated names make the orders differ.
    assert!(listed != snapshot.entities);
}

/// A reader opened before a write sees the write on its next question.
#[test]
fn a_store_opened_for_reading_sees_later_writes() {
    use stadtatlas::model::{Entity, EntityKind};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    let s = fixture();
    drop(write_store(&path, &s));
    let reader = SqliteStore::open_for_reading(&path).unwrap();
    assert_eq!(reader.snapshot().unwrap().entities.len(), s.entities.len());

    let added: Vec<Entity> = (0..5_000)
        .map(|k| {
            let mut e = Entity::new(
                format!("later-{k}"),
                format!("Later {k}"),
                EntityKind::Partner,
            );
            e.location = Some(LonLat::new(11.9 + k as f64 * 1e-5, 51.48).unwrap());
            e
        })
        .collect();
    let mut writer = SqliteStore::open(&path).unwrap();
    writer
        .apply(&ChangeSet {
            entities: added.clone(),
            ..ChangeSet::default()
        })
        .unwrap();
    let seen = reader.snapshot().unwrap();
    assert_eq!(seen.entities.len(), s.entities.len() + added.len());
    let last = seen.entities.iter().find(|e| e.id == "later-4999").unwrap();
    assert_eq!(last.name, "Later 4999");
}

/// `show` reads one entity, its relations, the entities at their other ends
/// and its contacts from the store: the same as the whole inventory holds
/// about it, for every entity of the Halle sample (with contacts).
#[test]
fn one_entity_read_by_id_is_what_the_whole_inventory_holds_about_it() {
    use stadtatlas::import::{ImportOptions, run::run};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("halle.gpkg");
    let at = stadtatlas::store::Location::File(path.clone());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for data in [
        root.join("data/halle"),
        root.join("tests/fixtures/contacts.csv"),
    ] {
        run(&at, &[data], &ImportOptions::default(), false, &mut |_| {}).unwrap();
    }
    let store = SqliteStore::open_for_reading(&path).unwrap();
    let whole = Atlas::new(store.snapshot().unwrap());
    assert!(!whole.relations.is_empty() && !whole.contacts.is_empty());
    for (i, e) in whole.entities.iter().enumerate() {
        let found = query::entity_in_store(&store, &e.id).unwrap();
        let (small, j) = (&found.atlas, found.answer);
        assert_eq!(&small.entities[j], e);
        let ids = |a: &Atlas, k: usize| -> Vec<(String, String)> {
            a.districts
                .assignment_ids(&a.assignments[k])
                .map(|(l, d)| (l.to_string(), d.to_string()))
                .collect()
        };
        assert_eq!(ids(small, j), ids(&whole, i), "{}", e.id);
        let mut theirs: Vec<_> = whole
            .relations
            .iter()
            .filter(|r| r.from == e.id || r.to == e.id)
            .cloned()
            .collect();
        let mut ours = small.relations.clone();
        theirs.sort();
        ours.sort();
        assert_eq!(ours, theirs, "{}", e.id);
        for r in &ours {
            for end in [&r.from, &r.to] {
                assert!(small.entity_index(end).is_ok(), "{} -> {end}", e.id);
            }
        }
        let contacts: Vec<_> = whole
            .contacts
            .iter()
            .filter(|c| c.entity == e.id)
            .cloned()
            .collect();
        assert_eq!(small.contacts, contacts, "{}", e.id);
    }
}

/// A store's first entities, many of them, into a store that has only
/// districts are written with foreign keys off and the keys dropped and
/// built again. A reference to a record that does not exist is still
/// refused, and the refusal leaves the store as it was: no rows, its keys
/// and grid triggers in place, foreign keys on again for the next write.
#[test]
fn a_first_bulk_import_refuses_a_dangling_reference_and_keeps_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("districts.gpkg");
    let s = fixture();
    SqliteStore::create_with(
        &path,
        &ChangeSet {
            districts: s.districts.clone(),
            levels: Some(s.levels.clone()),
            ..ChangeSet::default()
        },
    )
    .unwrap();
    let pointed = s.entities.iter().find(|e| e.location.is_some()).unwrap();
    let entities: Vec<_> = (0..2_500)
        .map(|i| {
            let mut e = pointed.clone();
            e.id = format!("bulk-{i:04}");
            e
        })
        .collect();
    let many = Snapshot {
        entities: entities.clone(),
        districts: s.districts.clone(),
        levels: s.levels.clone(),
        ..Snapshot::default()
    };
    let changes = ChangeSet {
        entities,
        assignments: Some(Assignments::All(assignment_rows(&many))),
        ..ChangeSet::default()
    };
    let schema = |store: &SqliteStore| -> Vec<String> {
        store
            .connection()
            .prepare("SELECT type || ' ' || name FROM sqlite_master ORDER BY 1")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let count =
        |store: &SqliteStore, table: &str| number(store, &format!("SELECT count(*) FROM {table}"));
    let mut store = SqliteStore::open(&path).unwrap();
    let before = schema(&store);
    assert!(
        before.contains(&"index entities_id".to_string()),
        "{before:?}"
    );
    let dangling = ChangeSet {
        contacts: vec![stadtatlas::model::Contact {
            entity: "nobody".into(),
            name: "Erika Muster".into(),
            role: None,
            email: None,
            phone: None,
        }],
        ..changes.clone()
    };
    let refused = store.apply(&dangling).unwrap_err();
    assert!(refused.to_string().contains("contacts row 1"), "{refused}");
    assert_eq!(schema(&store), before);
    for table in [
        "entities",
        "entity_districts",
        "entity_cells",
        "contacts",
        "revisions WHERE record_kind = 'entity'",
    ] {
        assert_eq!(count(&store, table), 0, "{table}");
    }
    let fk: i64 = store
        .connection()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);

    store.apply(&changes).unwrap();
    assert_eq!(schema(&store), before);
    assert_eq!(count(&store, "entities"), 2_500);
    assert_eq!(count(&store, "entity_cells"), 2_500);
    assert_eq!(
        count(&store, "entity_districts"),
        changes.assignment_rows().len() as i64
    );
    // The same reference into the filled store: refused by the foreign key.
    let later = ChangeSet {
        contacts: dangling.contacts.clone(),
        ..ChangeSet::default()
    };
    assert!(store.apply(&later).is_err());
    assert_eq!(count(&store, "contacts"), 0);
}
