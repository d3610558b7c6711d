//! The PostgreSQL/PostGIS store against the GeoPackage store: the same
//! imports give the same answers to every command, byte for byte; `copy`
//! carries a store between them without loss; two writers never overwrite
//! each other; the reader role never sees contacts.
//!
//! Needs a server: `tests/pg.sh cargo test --release --test postgres` (CI
//! runs the whole suite that way). Without one these tests say so and pass.

mod common;

use common::cli::{bin, json_of};
use common::pg;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs these command lines of the CLI at the same time; each must succeed.
fn at_once<'a>(command_lines: impl Iterator<Item = Vec<&'a str>>) {
    let children: Vec<_> = command_lines
        .map(|args| {
            let child = std::process::Command::new(env!("CARGO_BIN_EXE_stadtatlas"))
                .env_remove("LANG")
                .env_remove("STADTATLAS_STORE")
                .args(&args)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            (args.join(" "), child)
        })
        .collect();
    for (args, child) in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{args}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `init` on a store, which must succeed.
fn init(store: &str) {
    let (_, err, code) = answer(store, &["init"]);
    assert_eq!(code, Some(0), "init {store}: {err}");
}

/// Runs an import that must succeed.
fn import(store: &str, args: &[&str]) {
    let out = bin(Path::new(store))
        .arg("-q")
        .arg("import")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "import {args:?} into {store}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// stdout, stderr and exit code of a command, with the times of the
/// import log and the solver's run time blanked (they differ run to run).
fn answer(store: &str, args: &[&str]) -> (String, String, Option<i32>) {
    let out = bin(Path::new(store)).arg("-q").args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stdout = match serde_json::from_str::<Value>(&stdout) {
        Ok(mut v) => {
            blank(&mut v, &["recorded_at", "seconds"]);
            serde_json::to_string_pretty(&v).unwrap()
        }
        Err(_) => stdout,
    };
    let stderr = String::from_utf8_lossy(&out.stderr).replace(store, "STORE");
    (stdout, stderr, out.status.code())
}

/// The values of these keys, wherever they are, replaced by "T".
fn blank(v: &mut Value, keys: &[&str]) {
    match v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if keys.contains(&k.as_str()) {
                    *x = Value::String("T".into());
                } else {
                    blank(x, keys);
                }
            }
        }
        Value::Array(xs) => xs.iter_mut().for_each(|x| blank(x, keys)),
        _ => {}
    }
}

/// Every file of a folder, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The questions a planner asks, each with `--format json` where it has one.
fn questions(store: &str) -> Vec<Vec<String>> {
    let ids: Vec<String> = json_of(Path::new(store), &["list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() > 90, "the Halle sample has ~100 records");
    let mut qs: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["list", "--kind", "project"],
        vec!["list", "--field", "bildung"],
        vec!["districts"],
        vec!["districts", "--level", "stadtbezirk"],
        vec!["districts", "--level", "viertel", "--kind", "partner"],
        vec!["where", "11.9,51.48"],
        vec!["where", "11.92,51.47"],
        vec!["in", "Halle-Neustadt"],
        vec!["in", "Altstadt", "--level", "stadtteil"],
        vec!["in", "West", "--level", "stadtbezirk", "--field", "bildung"],
        vec!["near", "Halle-Neustadt", "--within", "1500"],
        vec!["near", "--at", "11.97,51.48", "--within", "800"],
        vec!["near", "--at", "11.97,51.48", "--nearest", "7"],
        vec!["matrix"],
        vec!["matrix", "--by", "kind"],
        vec!["matrix", "--by", "category", "--level", "stadtbezirk"],
        vec!["matrix", "--by", "status", "--level", "viertel"],
        vec!["matrix", "--per-capita"],
        vec!["matrix", "--tag", "x"],
        vec!["gaps"],
        vec!["gaps", "--level", "stadtbezirk", "--by", "kind"],
        vec!["check"],
        vec!["bodies"],
        vec!["board", "check"],
        vec!["board", "propose"],
        vec!["network"],
    ];
    for q in &mut qs {
        q.extend(["--format", "json"]);
    }
    let mut qs: Vec<Vec<String>> = qs
        .into_iter()
        .map(|q| q.into_iter().map(String::from).collect())
        .collect();
    // Every record: show, history, where, near, network.
    for id in &ids {
        for q in [
            vec!["show", id],
            vec!["history", id],
            vec!["where", id],
            vec!["network", id, "--depth", "2"],
        ] {
            let mut q: Vec<String> = q.into_iter().map(String::from).collect();
            q.extend(["--format".into(), "json".into()]);
            qs.push(q);
        }
    }
    for id in ids.iter().step_by(9) {
        qs.push(
            ["near", id, "--within", "700", "--format", "json"]
                .map(String::from)
                .to_vec(),
        );
    }
    for name in std::fs::read_dir(root().join("queries")).unwrap() {
        let name = name.unwrap().path();
        let name = name.file_stem().unwrap().to_string_lossy().to_string();
        qs.push(vec![
            "query".into(),
            "run".into(),
            name,
            "--format".into(),
            "json".into(),
        ]);
    }
    qs
}

/// The same answers from both stores, for every question; and the same
/// report bundle and exports, file for file.
fn same_answers(gpkg: &str, pg: &str, work: &Path) {
    let qs = questions(gpkg);
    let mut compared = 0;
    for q in &qs {
        let q: Vec<&str> = q.iter().map(String::as_str).collect();
        let a = answer(gpkg, &q);
        let b = answer(pg, &q);
        assert_eq!(a, b, "`{}` differs between the backends", q.join(" "));
        compared += usize::from(!a.0.is_empty());
    }
    assert!(
        compared > qs.len() * 9 / 10,
        "most questions answer something"
    );
    for (what, args) in [
        ("report", vec!["report", "--profile", "internal"]),
        ("report-public", vec!["report"]),
        ("geojson", vec!["export", "geojson"]),
        (
            "csv",
            vec!["export", "csv", "--excel", "--profile", "internal"],
        ),
    ] {
        let mut dirs = Vec::new();
        for (side, store) in [("a", gpkg), ("b", pg)] {
            let dir = work.join(format!("{what}-{side}"));
            std::fs::create_dir_all(&dir).unwrap();
            let target: PathBuf = if what.starts_with("report") {
                dir.clone()
            } else {
                dir.join(format!("out.{what}"))
            };
            let mut full: Vec<&str> = args.clone();
            full.extend(["--out", target.to_str().unwrap()]);
            let (_, err, code) = answer(store, &full);
            assert_eq!(code, Some(0), "{what} on {store}: {err}");
            dirs.push(dir);
        }
        let (a, b) = (files(&dirs[0]), files(&dirs[1]));
        assert!(!a.is_empty());
        for ((na, ca), (nb, cb)) in a.iter().zip(&b) {
            assert_eq!(na, nb);
            assert!(ca == cb, "{what}: {na} differs between the backends");
        }
        assert_eq!(a.len(), b.len());
    }
}

/// A partner list that changes one record of the sample and brings two new
/// ones (one of them with a contact), as a second import does.
fn second_list(dir: &Path, changed_id: &str) -> (PathBuf, PathBuf) {
    let csv = dir.join("partners-more.csv");
    std::fs::write(
        &csv,
        format!(
            "id,name,kind,fields,lat,lon,website\n\
             {changed_id},Geänderter Name,partner,bildung;kultur,51.4801,11.9702,https://example.invalid/a\n\
             grundschule-test-neustadt,Grundschule Kastanienallee,partner,bildung,51.4712,11.9155,\n\
             kita-test,Kita Sonnenschein,initiative,bildung;soziales,51.4866,11.9404,\n"
        ),
    )
    .unwrap();
    let contacts = dir.join("contacts.csv");
    std::fs::write(
        &contacts,
        "entity,name,role,email,phone\n\
         kita-test,Erika Beispiel,Leitung,erika@example.invalid,+49 345 1\n",
    )
    .unwrap();
    (csv, contacts)
}

/// A new finer level: one quarter inside Halle-Neustadt.
fn quarter(dir: &Path) -> PathBuf {
    let path = dir.join("quartier.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature",
        "properties":{"id":"q1","name":"Quartier Test"},
        "geometry":{"type":"Polygon","coordinates":[[[11.90,51.465],[11.93,51.465],[11.93,51.48],[11.90,51.48],[11.90,51.465]]]}}]}"#,
    )
    .unwrap();
    path
}

#[test]
fn every_command_answers_the_same_on_postgis_as_on_a_geopackage() {
    let Some(url) = pg::database("same") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("halle.gpkg");
    let gpkg = gpkg.to_str().unwrap();
    let halle = root().join("data/halle");
    let contacts = root().join("tests/fixtures/contacts.csv");
    // `init` makes the schema; the first import then writes into it.
    init(&url);
    for store in [gpkg, url.as_str()] {
        import(store, &[halle.to_str().unwrap()]);
        import(store, &[contacts.to_str().unwrap()]);
    }
    same_answers(gpkg, &url, &dir.path().join("1"));

    // A second list (a changed record, new ones, a contact), then a new
    // district level: entity revisions, changed assignments, kept counts.
    let changed = "stadtwerke-halle-gmbh";
    assert!(
        answer(gpkg, &["show", changed]).2 == Some(0),
        "the sample has {changed}"
    );
    let (csv, more_contacts) = second_list(dir.path(), changed);
    let q = quarter(dir.path());
    for store in [gpkg, url.as_str()] {
        import(store, &[csv.to_str().unwrap()]);
        import(store, &[more_contacts.to_str().unwrap()]);
        import(
            store,
            &[
                q.to_str().unwrap(),
                "--as",
                "districts",
                "--level",
                "quartier",
                "--below",
                "viertel",
            ],
        );
    }
    let history = json_of(Path::new(&url), &["history", changed]);
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
    same_answers(gpkg, &url, &dir.path().join("2"));
}

#[test]
fn copy_carries_a_store_to_postgis_and_back_without_loss() {
    let Some(url) = pg::database("copy") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.gpkg");
    let a = a.to_str().unwrap();
    import(a, &[root().join("data/halle").to_str().unwrap()]);
    import(
        a,
        &[root().join("tests/fixtures/contacts.csv").to_str().unwrap()],
    );
    let (csv, contacts) = second_list(dir.path(), "stadtwerke-halle-gmbh");
    import(a, &[csv.to_str().unwrap()]);
    import(a, &[contacts.to_str().unwrap()]);
    let (out, err, code) = answer(a, &["copy", "--to", &url]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.is_empty(), "-q: {out}");
    let b = dir.path().join("b.gpkg");
    let b = b.to_str().unwrap();
    let (_, err, code) = answer(&url, &["copy", "--to", b]);
    assert_eq!(code, Some(0), "{err}");
    // The import log and its times travel too: only the solver's run time
    // is blanked here.
    for store in [url.as_str(), b] {
        for q in questions(a) {
            let q: Vec<&str> = q.iter().map(String::as_str).collect();
            let raw = |s: &str| {
                let out = bin(Path::new(s)).arg("-q").args(&q).output().unwrap();
                let mut stdout = String::from_utf8(out.stdout).unwrap();
                if let Ok(mut v) = serde_json::from_str::<Value>(&stdout) {
                    blank(&mut v, &["seconds"]);
                    stdout = serde_json::to_string_pretty(&v).unwrap();
                }
                (stdout, out.status.code())
            };
            assert_eq!(
                raw(a),
                raw(store),
                "`{}` after copy to {store}",
                q.join(" ")
            );
        }
    }
    // A copy never overwrites.
    let (_, err, code) = answer(a, &["copy", "--to", &url]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("already exists"), "{err}");
    // Importing on after the copy goes on from the copied log.
    import(&url, &[q_file(dir.path()).to_str().unwrap()]);
    let h = json_of(Path::new(&url), &["history", "kita-test"]);
    assert_eq!(h[0]["import_id"], 3, "{h}");
    assert_eq!(h[1]["import_id"], 5, "{h}");
}

fn q_file(dir: &Path) -> PathBuf {
    let p = dir.join("partners-again.csv");
    std::fs::write(
        &p,
        "id,name,kind,fields,lat,lon\nkita-test,Kita Sonnenschein e.V.,initiative,bildung,51.4866,11.9404\n",
    )
    .unwrap();
    p
}

/// A plan made from the store as it was, applied after another process
/// changed one of its records: refused, naming the record; the store keeps
/// the other process's change. Disjoint imports at the same time both land.
#[test]
fn a_change_based_on_a_stale_revision_is_refused_not_overwritten() {
    use stadtatlas::import::{ImportOptions, prepare, read_paths};
    use stadtatlas::store::{Location, StoreError};
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("t.gpkg");
    let mut stores = vec![gpkg.to_str().unwrap().to_string()];
    stores.extend(pg::database("stale"));
    for store in &stores {
        import(store, &[root().join("data/halle").to_str().unwrap()]);
        let at = Location::parse(store, None).unwrap();
        // This process reads the store and plans a change of a record …
        let mine = dir.path().join("partners-mine.csv");
        std::fs::write(
            &mine,
            "id,name,kind,lat,lon\nstadtwerke-halle-gmbh,Stadtwerke Halle (mein Stand),partner,51.48,11.97\n",
        )
        .unwrap();
        let reader = at.open_for_reading().unwrap();
        let base = reader.last_import().unwrap();
        let snapshot = reader.snapshot().unwrap();
        let stored = reader.assignments().unwrap();
        drop(reader);
        let batch = read_paths(&[mine], &ImportOptions::default()).unwrap();
        let mut plan = prepare(batch, &snapshot, &stored).unwrap();
        plan.changes.based_on = Some(base);
        // … another process changes the same record meanwhile …
        let theirs = dir.path().join("partners-theirs.csv");
        std::fs::write(
            &theirs,
            "id,name,kind,lat,lon\nstadtwerke-halle-gmbh,Stadtwerke Halle (ihr Stand),partner,51.48,11.97\n",
        )
        .unwrap();
        import(store, &[theirs.to_str().unwrap()]);
        // … and this one's write is refused, naming the record.
        let err = at.open().unwrap().apply(&plan.changes).unwrap_err();
        assert!(
            matches!(&err, StoreError::Conflict { id, .. } if id == "stadtwerke-halle-gmbh"),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.contains("stadtwerke-halle-gmbh") && message.contains("nothing was written"),
            "{message}"
        );
        let shown = json_of(Path::new(store), &["show", "stadtwerke-halle-gmbh"]);
        assert_eq!(
            shown["entity"]["name"], "Stadtwerke Halle (ihr Stand)",
            "{shown}"
        );
        // Two imports of different records from two processes at once: both land.
        let lists = disjoint_lists(dir.path(), "p", 300);
        at_once(
            lists
                .iter()
                .map(|p| vec!["--store", store, "-q", "import", p.to_str().unwrap()]),
        );
        let listed = json_of(Path::new(store), &["list"]);
        let n = |prefix| with_prefix(&listed, prefix);
        assert_eq!((n("p0-"), n("p1-")), (300, 300), "{store}");
    }
}

/// Two partner lists of `n` records each, ids `{prefix}0-…` and
/// `{prefix}1-…`, side by side in the city.
fn disjoint_lists(dir: &Path, prefix: &str, n: u32) -> Vec<PathBuf> {
    (0..2)
        .map(|k| {
            let p = dir.join(format!("partners-{prefix}{k}.csv"));
            let rows: String = (0..n)
                .map(|i| {
                    format!(
                        "{prefix}{k}-{i},Partner {k}/{i},partner,{},{}\n",
                        51.45 + f64::from(i) * 1e-4,
                        11.9 + f64::from(k) * 0.05
                    )
                })
                .collect();
            std::fs::write(&p, format!("id,name,kind,lat,lon\n{rows}")).unwrap();
            p
        })
        .collect()
}

/// How many records of a `list` answer have ids starting with `prefix`.
fn with_prefix(listed: &Value, prefix: &str) -> usize {
    listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["id"].as_str().unwrap().starts_with(prefix))
        .count()
}

/// Two first imports into the same new store from two processes at once
/// (a GeoPackage file, a PostGIS schema that does not exist yet): both
/// land, the later one planned again against the store the other made.
#[test]
fn two_first_imports_into_one_new_store_at_once_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let lists = disjoint_lists(dir.path(), "f", 200);
    let halle = root().join("data/halle");
    let mut stores: Vec<Vec<String>> = (0..3)
        .map(|k| {
            let file = dir.path().join(format!("new{k}.gpkg"));
            vec!["--store".to_string(), file.to_str().unwrap().to_string()]
        })
        .collect();
    if let Some(url) = pg::database("first_at_once") {
        for k in 0..3 {
            stores.push(
                ["--store", &url, "--pg-schema", &format!("neu{k}")]
                    .map(String::from)
                    .to_vec(),
            );
        }
    }
    for store in &stores {
        // The Halle data (its districts) and a list, or two lists.
        let first: Vec<&str> = vec![halle.to_str().unwrap(), lists[0].to_str().unwrap()];
        at_once(
            [first, vec![lists[1].to_str().unwrap()]]
                .into_iter()
                .map(|paths| {
                    let mut args: Vec<&str> = store.iter().map(String::as_str).collect();
                    args.extend(["-q", "import"]);
                    args.extend(paths);
                    args
                }),
        );
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_stadtatlas"))
            .args(store)
            .args(["list", "--format", "json"])
            .output()
            .unwrap();
        let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
        let n = |prefix| with_prefix(&listed, prefix);
        assert_eq!((n("f0-"), n("f1-")), (200, 200), "{store:?}");
        assert!(
            listed.as_array().unwrap().len() > 400,
            "{store:?}: Halle too"
        );
    }
}

/// `init` makes a reader role that may read everything but personal data
/// (contacts, the queue, accounts and tokens); a
/// person granted it sees the inventory without personal data.
#[test]
fn the_reader_role_never_sees_contacts() {
    let Some(url) = pg::database("roles") else {
        return;
    };
    import(&url, &[root().join("data/halle").to_str().unwrap()]);
    import(
        &url,
        &[root().join("tests/fixtures/contacts.csv").to_str().unwrap()],
    );
    // `backup` is SQLite's online backup; here it points to pg_dump and copy.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.gpkg");
    let (_, err, code) = answer(&url, &["backup", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("pg_dump") && err.contains("copy"), "{err}");
    assert!(!out.exists());
    let id = "martin-luther-universitaet-halle-wittenberg";
    let anna = pg::login_role(&url, "anna", "stadtatlas_reader");
    let mut client = pg::client(&anna);
    let denied = client
        .query("SELECT * FROM stadtatlas.contacts", &[])
        .unwrap_err();
    assert!(
        format!("{denied:?}").contains("permission denied"),
        "{denied:?}"
    );
    // Nor the registration form's queue (it holds contact persons), the
    // accounts or the API tokens of `serve`.
    for table in ["submissions", "accounts", "api_tokens"] {
        let denied = client
            .query(&format!("SELECT * FROM stadtatlas.{table}"), &[])
            .unwrap_err();
        assert!(
            format!("{denied:?}").contains("permission denied"),
            "{table}: {denied:?}"
        );
    }
    assert!(
        client
            .query("SELECT count(*) FROM stadtatlas.entities", &[])
            .is_ok()
    );
    let full = json_of(Path::new(&url), &["show", id]);
    let seen = json_of(Path::new(&anna), &["show", id]);
    assert_eq!(full["contacts_withheld"], 1, "{full}");
    assert_eq!(seen["contacts_withheld"], 0, "{seen}");
    assert_eq!(full["entity"], seen["entity"]);
    let dir = tempfile::tempdir().unwrap();
    for (who, store) in [("admin", &url), ("anna", &anna)] {
        let out = dir.path().join(format!("{who}.csv"));
        let (code, err) = common::cli::run(
            Path::new(store),
            &[
                "export",
                "csv",
                "--profile",
                "internal",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(code, Some(0), "{err}");
        let text = std::fs::read_to_string(&out).unwrap();
        assert_eq!(
            text.contains("fixture.contact@example.invalid"),
            who == "admin",
            "{who}"
        );
    }
    // Nor can the reader write.
    let (code, err) = common::cli::run(
        Path::new(&anna),
        &[
            "import",
            root().join("tests/fixtures/contacts.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(2), "{err}");
}

/// Row-level security: a person with the reader role sees, in the database
/// itself (as QGIS shows it), only public records and the rows that belong
/// to them; every question they ask answers as on a store that never held
/// the internal records. An editor who is not the owner (whom PostgreSQL
/// binds by the policies) imports as the owner does.
#[test]
fn the_reader_role_sees_public_records_only() {
    let (Some(url), Some(public)) = (pg::database("rls"), pg::database("rls_public")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let internal = dir.path().join("internal_initiatives.csv");
    std::fs::write(
        &internal,
        "id,name,kind,fields,lat,lon,visibility\n\
         geheim-ev,Geheimer Verein,initiative,soziales,51.4801,11.9702,internal\n",
    )
    .unwrap();
    let links = dir.path().join("relations.csv");
    std::fs::write(
        &links,
        "from,to,role,field,source\n\
         geheim-ev,ag-digitale-agenda-swh-stadtverwaltung,member,soziales,Test\n",
    )
    .unwrap();
    let halle = root().join("data/halle");
    for store in [&url, &public] {
        import(store, &[halle.to_str().unwrap()]);
    }
    import(&url, &[internal.to_str().unwrap(), links.to_str().unwrap()]);
    // Renamed: its first revision is kept in `revisions`.
    std::fs::write(
        &internal,
        "id,name,kind,fields,lat,lon,visibility\n\
         geheim-ev,Geheimer Verein e.V.,initiative,soziales,51.4801,11.9702,internal\n",
    )
    .unwrap();
    import(&url, &[internal.to_str().unwrap()]);
    let anna = pg::login_role(&url, "rls_reader", "stadtatlas_reader");
    let ed = pg::login_role(&url, "rls_editor", "stadtatlas_editor");
    let mut admin = pg::client(&url);
    // In the database: every table that holds the internal record's rows.
    let mut seen = pg::client(&anna);
    let count = |client: &mut postgres::Client, q: &str| -> i64 {
        client.query_one(q, &[]).unwrap().get(0)
    };
    for q in [
        "SELECT count(*) FROM stadtatlas.entities WHERE id = 'geheim-ev'",
        "SELECT count(*) FROM stadtatlas.entities WHERE visibility = 'internal'",
        "SELECT count(*) FROM stadtatlas.entity_districts WHERE entity_id = 'geheim-ev'",
        "SELECT count(*) FROM stadtatlas.relations WHERE from_id = 'geheim-ev'",
        "SELECT count(*) FROM stadtatlas.revisions WHERE record_id = 'geheim-ev'",
        "SELECT count(*)::bigint FROM stadtatlas.entity_tallies WHERE visibility = 'internal'",
    ] {
        assert!(count(&mut admin, q) > 0, "the owner sees it: {q}");
        assert_eq!(count(&mut seen, q), 0, "the reader does not: {q}");
    }
    assert_eq!(
        count(&mut seen, "SELECT count(*) FROM stadtatlas.entities"),
        count(&mut admin, "SELECT count(*) FROM stadtatlas.entities") - 1
    );
    // Through the tool: the same answers as a store without the record.
    let mut asked = 0;
    for (k, q) in questions(&anna).iter().enumerate() {
        // Every general question, and the per-record ones of some records.
        if k > 40 && k % 5 != 0 {
            continue;
        }
        let q: Vec<&str> = q.iter().map(String::as_str).collect();
        let (theirs, their_err, code) = answer(&anna, &q);
        let (expected, err, expected_code) = answer(&public, &q);
        assert_eq!(code, expected_code, "{q:?}: {their_err} / {err}");
        assert_eq!(theirs, expected, "{q:?}");
        asked += 1;
    }
    assert!(asked > 60, "{asked}");
    let (_, err, code) = answer(&anna, &["show", "geheim-ev"]);
    assert_ne!(code, Some(0), "{err}");
    // The editor, bound by the policies, imports (its assignments go in
    // through a temporary table: PostgreSQL refuses COPY under row security).
    let more = dir.path().join("more_initiatives.csv");
    std::fs::write(
        &more,
        "id,name,kind,fields,lat,lon,visibility\n\
         geheim-zwei,Zweiter Geheimer Verein,initiative,kultur,51.4790,11.9260,internal\n\
         offen-zwei,Offener Verein,initiative,kultur,51.4795,11.9265,public\n",
    )
    .unwrap();
    import(&ed, &[more.to_str().unwrap()]);
    for id in ["geheim-zwei", "offen-zwei"] {
        let q =
            format!("SELECT count(*) FROM stadtatlas.entity_districts WHERE entity_id = '{id}'");
        assert!(count(&mut admin, &q) > 0, "{id}");
        let seen_rows = count(&mut pg::client(&anna), &q);
        assert_eq!(seen_rows > 0, id == "offen-zwei", "{id}");
    }
    assert_eq!(
        json_of(Path::new(&anna), &["where", "offen-zwei"]),
        json_of(Path::new(&url), &["where", "offen-zwei"])
    );
    let (_, _, code) = answer(&anna, &["show", "geheim-zwei"]);
    assert_ne!(code, Some(0));
    let editors_view = json_of(Path::new(&ed), &["show", "geheim-zwei"]);
    assert_eq!(
        editors_view["entity"]["visibility"], "internal",
        "{editors_view}"
    );
}

/// PostGIS itself as the oracle: its `ST_Covers` puts every point record in
/// the districts the store assigned it to (at their own level, or standing
/// in at a finer level they are not split into), and its geodesic
/// `ST_Distance(geography, use_spheroid)` gives `near`'s distances within
/// 1 cm, for the same set of records.
#[test]
fn postgis_functions_agree_with_the_answers() {
    let Some(url) = pg::database("postgis_oracle") else {
        return;
    };
    import(&url, &[root().join("data/halle").to_str().unwrap()]);
    let mut client = pg::client(&url);
    let rows = |client: &mut postgres::Client, q: &str| -> Vec<(String, String, String)> {
        client
            .query(q, &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
    };
    let points = "e.geom IS NOT NULL \
                  AND NOT EXISTS (SELECT 1 FROM stadtatlas.entity_areas a WHERE a.entity_id = e.id)";
    let covered = rows(
        &mut client,
        &format!(
            "SELECT e.id, d.level, d.id FROM stadtatlas.entities e \
             JOIN stadtatlas.districts d ON ST_Covers(d.geom, e.geom) WHERE {points} ORDER BY 1, 3"
        ),
    );
    let assigned = rows(
        &mut client,
        &format!(
            "SELECT DISTINCT ed.entity_id, d.level, ed.district_id FROM stadtatlas.entity_districts ed \
             JOIN stadtatlas.entities e ON e.id = ed.entity_id \
             JOIN stadtatlas.districts d ON d.id = ed.district_id WHERE {points} ORDER BY 1, 3"
        ),
    );
    assert!(covered.len() > 50, "{}", covered.len());
    let only = |a: &[(String, String, String)], b: &[(String, String, String)]| {
        a.iter()
            .filter(|x| !b.contains(x))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(
        covered == assigned,
        "only PostGIS: {:?}\nonly the store: {:?}",
        only(&covered, &assigned),
        only(&assigned, &covered)
    );
    for (at, within) in [("11.9697,51.4828", 1500.0), ("11.90,51.50", 5000.0)] {
        let answer = json_of(
            Path::new(&url),
            &["near", "--at", at, "--within", &within.to_string()],
        );
        let ours: Vec<(String, f64)> = answer
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["lon"].is_number())
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_string(),
                    r["distance_m"].as_f64().unwrap(),
                )
            })
            .collect();
        let (lon, lat) = at.split_once(',').unwrap();
        let q = format!(
            "SELECT e.id, ST_Distance(e.geom::geography, ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326)::geography, true) AS d \
             FROM stadtatlas.entities e WHERE {points} \
             AND ST_DWithin(e.geom::geography, ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326)::geography, {within}, true) \
             ORDER BY d, e.id"
        );
        let theirs: Vec<(String, f64)> = client
            .query(&q, &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        assert!(theirs.len() >= 3, "{at}: {}", theirs.len());
        let ids = |v: &[(String, f64)]| {
            let mut ids: Vec<String> = v.iter().map(|(id, _)| id.clone()).collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(&ours), ids(&theirs), "{at}");
        for (id, d) in &ours {
            let (_, t) = theirs.iter().find(|(i, _)| i == id).unwrap();
            assert!((d - t).abs() < 0.01, "{id}: {d} vs PostGIS {t}");
        }
    }
}

/// The schema version the store says it has.
fn schema_version(admin: &mut postgres::Client) -> String {
    admin
        .query_one(
            "SELECT value FROM stadtatlas.stadtatlas_meta WHERE key = 'schema_version'",
            &[],
        )
        .unwrap()
        .get(0)
}

/// Entity rows as versions 1 to 3 wrote them: the whole record in
/// `record`, in the entity's own JSON form, put together from the columns.
fn whole_records(admin: &mut postgres::Client) {
    admin
        .batch_execute(
            "UPDATE stadtatlas.entities SET record = (jsonb_strip_nulls(jsonb_build_object( \
               'id', id, 'name', name, 'kind', kind, 'category', category, \
               'location', CASE WHEN lon IS NULL THEN NULL ELSE jsonb_build_array(lon, lat) END, \
               'address', address, 'website', website, 'status', status, 'source', source, \
               'verified_on', verified_on, 'visibility', visibility)) || record::jsonb)::text",
        )
        .unwrap();
}

/// Versions 1 to 4 kept an entity's current revision in `revisions`
/// (without a record), not in its row, and numbered the assignments.
const VERSION_4_LAYOUT: &str = "
    INSERT INTO stadtatlas.revisions (record_kind, record_id, rev, import_id, record)
      SELECT 'entity', id, rev, import_id, NULL FROM stadtatlas.entities;
    ALTER TABLE stadtatlas.entities DROP COLUMN rev, DROP COLUMN import_id;
    ALTER TABLE stadtatlas.entity_districts DROP CONSTRAINT entity_districts_key,
      ADD COLUMN fid bigserial PRIMARY KEY,
      ADD CONSTRAINT entity_districts_key UNIQUE (entity_id, level, district_id);";

/// A store of version 3, whose entity rows keep the whole record in
/// `record`, is rewritten to the rest only when opened, and one of
/// version 4 (or 3) gets each entity's current revision into its row;
/// both answer as before: records, every record's history (a changed
/// one's old revision included), the questions.
#[test]
fn stores_of_versions_3_and_4_keep_their_answers_when_upgraded() {
    for version in ["3", "4"] {
        let Some(url) = pg::database(&format!("upgrade_v{version}")) else {
            return;
        };
        upgraded_store_keeps_its_answers(&url, version);
    }
}

fn upgraded_store_keeps_its_answers(url: &str, version: &str) {
    let url = url.to_string();
    let dir = tempfile::tempdir().unwrap();
    import(&url, &[root().join("data/halle").to_str().unwrap()]);
    let (more, contacts) = second_list(dir.path(), "stadtwerke-halle-gmbh");
    import(&url, &[more.to_str().unwrap(), contacts.to_str().unwrap()]);
    let asked = |url: &str| -> Vec<(String, String)> {
        let mut qs: Vec<Vec<String>> = [
            vec!["list", "--format", "json"],
            vec!["matrix", "--format", "json"],
            vec![
                "near",
                "--at",
                "11.97,51.48",
                "--within",
                "800",
                "--format",
                "json",
            ],
            vec!["in", "Halle-Neustadt", "--format", "json"],
        ]
        .iter()
        .map(|q| q.iter().map(|s| s.to_string()).collect())
        .collect();
        let list = json_of(Path::new(url), &["list"]);
        for e in list.as_array().unwrap() {
            let id = e["id"].as_str().unwrap().to_string();
            qs.push(vec!["history".into(), id, "--format".into(), "json".into()]);
        }
        qs.iter()
            .map(|q| {
                let q: Vec<&str> = q.iter().map(String::as_str).collect();
                let (out, err, code) = answer(url, &q);
                assert_eq!(code, Some(0), "{q:?}: {err}");
                (q.join(" "), out)
            })
            .collect()
    };
    let before = asked(&url);
    let changed = before
        .iter()
        .find(|(q, _)| q.starts_with("history stadtwerke-halle-gmbh "))
        .unwrap();
    assert!(changed.1.contains("Geänderter Name"), "{}", changed.1);
    let mut admin = pg::client(&url);
    if version == "3" {
        whole_records(&mut admin);
    }
    admin.batch_execute(VERSION_4_LAYOUT).unwrap();
    admin
        .execute(
            "UPDATE stadtatlas.stadtatlas_meta SET value = $1 WHERE key = 'schema_version'",
            &[&version],
        )
        .unwrap();
    let after = asked(&url);
    assert_eq!(after.len(), before.len());
    for ((q, a), (_, b)) in before.iter().zip(&after) {
        assert_eq!(a, b, "{q}");
    }
    assert_eq!(
        schema_version(&mut admin),
        stadtatlas::store::postgres::SCHEMA_VERSION.to_string()
    );
    let row = admin
        .query_one(
            "SELECT (SELECT count(*) FROM stadtatlas.revisions WHERE record IS NULL), \
             (SELECT count(*) FROM stadtatlas.entities WHERE rev = 2)",
            &[],
        )
        .unwrap();
    let (kept, current): (i64, i64) = (row.get(0), row.get(1));
    assert_eq!(
        kept, 0,
        "from version {version}: current revisions are rows"
    );
    let numbered: i64 = admin
        .query_one(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'stadtatlas' \
             AND table_name = 'entity_districts' AND column_name = 'fid'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        numbered, 0,
        "from version {version}: assignments without row numbers"
    );
    assert!(
        current > 0,
        "from version {version}: a changed record is at revision 2"
    );
    let whole: i64 = admin
        .query_one(
            "SELECT count(*) FROM stadtatlas.entities WHERE record::jsonb ? 'name'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(whole, 0, "every row keeps only the rest in `record`");
}

/// A schema of version 1 (before the moderation queue, accounts and
/// tokens) gets their tables, and the reader role is kept from them, when
/// a writer opens it; readers are told to wait for that.
#[test]
fn a_version_1_schema_is_upgraded_when_opened_for_writing() {
    let Some(url) = pg::database("upgrade_v1") else {
        return;
    };
    import(&url, &[root().join("data/halle").to_str().unwrap()]);
    let mut admin = pg::client(&url);
    admin
        .batch_execute(
            "DROP TABLE stadtatlas.api_tokens; DROP TABLE stadtatlas.accounts; \
             DROP TABLE stadtatlas.submissions; \
             ALTER TABLE stadtatlas.entities DISABLE ROW LEVEL SECURITY; \
             DROP POLICY reader_public ON stadtatlas.entities; \
             UPDATE stadtatlas.stadtatlas_meta SET value = '1' WHERE key = 'schema_version'",
        )
        .unwrap();
    whole_records(&mut admin);
    admin.batch_execute(VERSION_4_LAYOUT).unwrap();
    let entities = json_of(Path::new(&url), &["list"]);
    // A writer upgrades: the queue works.
    bin(Path::new(&url))
        .args(["user", "add", "anna", "--role", "coordinator"])
        .write_stdin("Saale-Ufer 2026 geheim\n")
        .assert()
        .success();
    let version = schema_version(&mut admin);
    assert_eq!(
        version,
        stadtatlas::store::postgres::SCHEMA_VERSION.to_string()
    );
    let secured: bool = admin
        .query_one(
            "SELECT relrowsecurity FROM pg_class WHERE oid = 'stadtatlas.entities'::regclass",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(secured, "an upgraded store has row-level security");
    let policies: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_policies WHERE schemaname = 'stadtatlas' \
             AND tablename = 'entities' AND policyname = 'reader_public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(policies, 1);
    assert_eq!(json_of(Path::new(&url), &["list"]), entities);
    let users = json_of(Path::new(&url), &["user", "list"]);
    assert_eq!(users[0]["name"], "anna");
    let granted: i64 = admin
        .query_one(
            "SELECT count(*) FROM information_schema.role_table_grants \
             WHERE grantee = 'stadtatlas_reader' AND table_schema = 'stadtatlas' \
             AND table_name IN ('submissions', 'accounts', 'api_tokens', 'contacts')",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(granted, 0, "the reader role reads no personal data");
}

/// The keys, references and indexes of the store's schema, by name and kind.
fn keys_of(url: &str) -> Vec<String> {
    const Q: &str = "SELECT conname || ' ' || contype::text FROM pg_constraint c \
                     JOIN pg_namespace n ON n.oid = c.connamespace WHERE nspname = 'stadtatlas' \
                     UNION ALL SELECT indexname FROM pg_indexes WHERE schemaname = 'stadtatlas' \
                     ORDER BY 1";
    pg::client(url)
        .query(Q, &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// The object ids of the store's indexes: made again, an index gets a new one.
fn index_oids(url: &str) -> Vec<u32> {
    const Q: &str = "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                     WHERE n.nspname = 'stadtatlas' AND c.relname = 'entities_geom'";
    pg::client(url)
        .query(Q, &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// A partner list of `n` rows spread over Halle (names that repeat, as in
/// registers).
fn partners(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("partners.csv");
    let fields = ["bildung", "kultur;soziales", "umwelt", "verkehr;wirtschaft"];
    let mut csv = String::from("id,name,kind,fields,lat,lon\n");
    for i in 0..n {
        let lat = 51.44 + (i % 97) as f64 * 0.0009;
        let lon = 11.90 + (i % 89) as f64 * 0.0015;
        csv.push_str(&format!(
            "p{i:05},Grundschule {},partner,{},{lat:.5},{lon:.5}\n",
            i % 50,
            fields[i % fields.len()]
        ));
    }
    std::fs::write(&path, csv).unwrap();
    path
}

/// The README's team flow: `init`, then the district layer, then a partner
/// list large enough to be loaded as a new store's (keys dropped and made
/// again in the same transaction): the same answers as the GeoPackage and
/// the keys `init` made. Where PostgreSQL refuses to drop them (a table of
/// the GIS office refers to the entities), the import writes with the
/// keys in place and that reference stays.
#[test]
fn a_first_partner_list_after_init_is_loaded_in_bulk_with_the_same_answers() {
    let (Some(url), Some(held)) = (pg::database("bulk"), pg::database("held")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("a.gpkg");
    let gpkg = gpkg.to_str().unwrap();
    let layer = root().join("data/halle/districts_provisional.geojson");
    let list = partners(dir.path(), 2_500);
    for store in [url.as_str(), held.as_str()] {
        init(store);
    }
    let made_by_init = keys_of(&url);
    assert!(made_by_init.len() > 15, "{made_by_init:?}");
    let before = [index_oids(&url), index_oids(&held)];
    assert_eq!(before[0].len(), 1);
    pg::client(&held)
        .batch_execute(
            "CREATE TABLE public.visits (entity_id text REFERENCES stadtatlas.entities (id))",
        )
        .unwrap();
    for store in [gpkg, url.as_str(), held.as_str()] {
        import(
            store,
            &[
                layer.to_str().unwrap(),
                "--as",
                "districts",
                "--level",
                "stadtteil",
            ],
        );
        import(store, &[list.to_str().unwrap()]);
    }
    assert_eq!(keys_of(&url), made_by_init, "the keys are made again");
    assert_ne!(index_oids(&url), before[0], "loaded in bulk: indexed after");
    assert_eq!(
        index_oids(&held),
        before[1],
        "written with the keys in place"
    );
    assert_eq!(keys_of(&held), made_by_init, "the keys were kept");
    let visits = "SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.visits'::regclass";
    let kept: i64 = pg::client(&held).query_one(visits, &[]).unwrap().get(0);
    assert_eq!(kept, 1, "the GIS office's reference stays");
    for q in [
        vec!["list"],
        vec!["matrix", "--by", "field"],
        vec!["districts"],
        vec!["check"],
        vec!["history", "p00042"],
        vec!["show", "p02499"],
        vec!["near", "--at", "11.97,51.48", "--within", "300"],
        vec!["in", "Altstadt"],
    ] {
        let mut q = q;
        q.extend(["--format", "json"]);
        let a = answer(gpkg, &q);
        // (`check` exits 1 when it finds something.)
        assert!(matches!(a.2, Some(0 | 1)), "{q:?}: {}", a.1);
        for store in [url.as_str(), held.as_str()] {
            assert_eq!(a, answer(store, &q), "`{}` on {store}", q.join(" "));
        }
    }
}

/// `init`, then `copy --from` into it (the README's way to move a laptop's
/// store to the server; `--to` is `--store`): the same answers as the
/// source; a second copy into the now-filled store is refused.
#[test]
fn a_store_that_init_left_empty_takes_a_copy() {
    let Some(url) = pg::database("initcopy") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.gpkg");
    let a = a.to_str().unwrap();
    import(a, &[root().join("data/halle").to_str().unwrap()]);
    init(&url);
    let made_by_init = keys_of(&url);
    let (_, err, code) = answer(&url, &["copy", "--from", a]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(keys_of(&url), made_by_init);
    for q in questions(a) {
        let q: Vec<&str> = q.iter().map(String::as_str).collect();
        assert_eq!(answer(a, &q), answer(&url, &q), "`{}`", q.join(" "));
    }
    let (_, err, code) = answer(&url, &["copy", "--from", a]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("already exists"), "{err}");
    // Neither side named: clap says what is missing.
    let (_, err, code) = answer(&url, &["copy"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--from"), "{err}");
}

/// `init`s in several databases of one server at once, with a schema name
/// no role has yet: the roles are the cluster's, so all but one find them
/// made meanwhile; every store still grants both roles its tables.
#[test]
fn concurrent_inits_in_several_databases_all_grant_the_roles() {
    let urls: Vec<String> = (0..4).filter_map(|_| pg::database("inits")).collect();
    if urls.len() < 4 {
        return;
    }
    let schema = format!("race_{}", std::process::id());
    at_once(
        urls.iter()
            .map(|url| vec!["-q", "--store", url, "--pg-schema", &schema, "init"]),
    );
    for url in &urls {
        let q = format!(
            "SELECT has_table_privilege('{schema}_reader', '{schema}.entities', 'SELECT') \
             AND has_table_privilege('{schema}_editor', '{schema}.entities', 'INSERT')"
        );
        let granted: bool = pg::client(url).query_one(&q, &[]).unwrap().get(0);
        assert!(granted, "{url}: both roles granted");
    }
}

/// The schemas of the database whose names start with `stadtatlas`.
fn schemas(url: &str) -> Vec<String> {
    const Q: &str =
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'stadtatlas%' ORDER BY 1";
    pg::client(url)
        .query(Q, &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// A new store is built in a schema beside its own, on two connections,
/// and renamed into place: it has exactly the keys, indexes and references
/// that `init` makes, and answers as the GeoPackage does. The build of an
/// interrupted import (its schema marked as one) is dropped by the next; a
/// schema of the build's name that is not one is refused and left alone;
/// a build the database refuses midway leaves no schema behind.
#[test]
fn a_new_store_is_built_beside_its_schema_and_renamed_into_place() {
    let (Some(url), Some(by_init), Some(foreign)) = (
        pg::database("beside"),
        pg::database("byinit"),
        pg::database("foreign"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let layer = root().join("data/halle/districts_provisional.geojson");
    let list = partners(dir.path(), 2_500);
    init(&by_init);
    // What a killed import leaves: the build's schema with its mark.
    pg::client(&url)
        .batch_execute(
            "CREATE SCHEMA stadtatlas__loading; \
             CREATE TABLE stadtatlas__loading.stadtatlas_meta (key text PRIMARY KEY, value text); \
             INSERT INTO stadtatlas__loading.stadtatlas_meta VALUES ('loading_for', 'stadtatlas'); \
             CREATE TABLE stadtatlas__loading.half_written (n integer)",
        )
        .unwrap();
    let districts = [
        layer.to_str().unwrap(),
        "--as",
        "districts",
        "--level",
        "stadtteil",
    ];
    import(&url, &districts);
    assert_eq!(schemas(&url), ["stadtatlas"], "the leftover is gone");
    pg::client(&url)
        .batch_execute("DROP SCHEMA stadtatlas CASCADE")
        .unwrap();
    let districts_and_partners = dir.path().join("atlas.toml");
    std::fs::write(
        &districts_and_partners,
        format!(
            "levels = [\"stadtbezirk\", \"stadtteil\", \"viertel\"]\n\n[[file]]\npath = {:?}\nas = \"districts\"\n\n\
             [[file]]\npath = {:?}\nas = \"partners\"\n",
            layer.to_str().unwrap(),
            list.to_str().unwrap()
        ),
    )
    .unwrap();
    let gpkg = dir.path().join("b.gpkg");
    let gpkg = gpkg.to_str().unwrap();
    for store in [gpkg, url.as_str()] {
        import(store, &[districts_and_partners.to_str().unwrap()]);
    }
    assert_eq!(schemas(&url), ["stadtatlas"]);
    assert_eq!(keys_of(&url), keys_of(&by_init), "the keys `init` makes");
    for q in [
        vec!["list"],
        vec!["matrix", "--by", "field"],
        vec!["history", "p00042"],
        vec!["districts"],
        vec!["check"],
        vec!["near", "--at", "11.97,51.48", "--within", "300"],
        vec!["in", "Altstadt"],
    ] {
        let mut q = q;
        q.extend(["--format", "json"]);
        let a = answer(gpkg, &q);
        // (`check` exits 1 when it finds something.)
        assert!(matches!(a.2, Some(0 | 1)), "{q:?}: {}", a.1);
        assert_eq!(a, answer(&url, &q), "`{}`", q.join(" "));
    }
    // A schema of the build's name that stadtatlas did not make.
    pg::client(&foreign)
        .batch_execute(
            "CREATE SCHEMA stadtatlas__loading; CREATE TABLE stadtatlas__loading.mine (n integer)",
        )
        .unwrap();
    let (_, err, code) = answer(
        &foreign,
        &["import", list.to_str().unwrap(), "--as", "partners"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("stadtatlas__loading") && err.contains("rename or drop it"),
        "{err}"
    );
    assert_eq!(schemas(&foreign), ["stadtatlas__loading"]);
    let mine = "SELECT count(*) FROM stadtatlas__loading.mine";
    let kept: i64 = pg::client(&foreign).query_one(mine, &[]).unwrap().get(0);
    assert_eq!(kept, 0, "left as it was");
    // The database refuses a step midway (an event trigger of the GIS
    // office's, say, that refuses the assignments' key once they are in):
    // no store, and no build left over.
    pg::client(&foreign)
        .batch_execute(
            "DROP SCHEMA stadtatlas__loading CASCADE; \
             CREATE FUNCTION refuse_keys() RETURNS event_trigger LANGUAGE plpgsql AS $$ \
             DECLARE r record; n bigint; BEGIN \
               FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() \
                 WHERE object_identity = 'stadtatlas__loading.entity_districts' LOOP \
                 EXECUTE 'SELECT count(*) FROM stadtatlas__loading.entity_districts' INTO n; \
                 IF n > 0 THEN RAISE EXCEPTION 'no keys for % assignments today', n; END IF; \
               END LOOP; END $$; \
             CREATE EVENT TRIGGER refuse ON ddl_command_end WHEN TAG IN ('ALTER TABLE') \
               EXECUTE FUNCTION refuse_keys()",
        )
        .unwrap();
    let (_, err, code) = answer(
        &foreign,
        &["import", districts_and_partners.to_str().unwrap()],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no keys for 7500 assignments today"), "{err}");
    assert!(schemas(&foreign).is_empty(), "{:?}", schemas(&foreign));
}

/// A new store keeps its rows in spatial order, so that a neighbourhood's
/// rows share pages, but numbers them (`fid`) in the list's order: a list
/// whose rows jump about the city reads back by `fid` in its own order, a
/// copy to a GeoPackage keeps that order, and walking the table as it lies
/// goes from neighbour to neighbour.
#[test]
fn a_new_store_keeps_neighbours_together_and_numbers_rows_in_the_lists_order() {
    let Some(url) = pg::database("storage_order") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("partners.csv");
    // 2,500 points of a 50 × 50 grid, visited in a scrambled order
    // (1237 is prime to 2500).
    let mut csv = String::from("id,name,kind,lat,lon\n");
    for i in 0..2_500_u32 {
        let cell = i * 1237 % 2_500;
        let (lat, lon) = (
            51.44 + f64::from(cell / 50) * 0.002,
            11.90 + f64::from(cell % 50) * 0.003,
        );
        csv.push_str(&format!("p{i:04},Verein {i},partner,{lat:.4},{lon:.4}\n"));
    }
    std::fs::write(&list, csv).unwrap();
    import(&url, &[list.to_str().unwrap()]);
    let listed: Vec<String> = (0..2_500).map(|i| format!("p{i:04}")).collect();
    let mut c = pg::client(&url);
    let by_fid: Vec<String> = c
        .query("SELECT id FROM stadtatlas.entities ORDER BY fid", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(by_fid, listed);
    let next: i64 = c
        .query_one(
            "SELECT nextval(pg_get_serial_sequence('stadtatlas.entities', 'fid'))",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(next, 2_501, "the next row is numbered after the list's");
    // The length of a walk through the points in an order, in degrees.
    let mut walk = |order: &str| -> f64 {
        let q = format!(
            "SELECT sum(ST_Distance(geom, before)) FROM (SELECT geom, \
             lag(geom) OVER (ORDER BY {order}) AS before FROM stadtatlas.entities) w"
        );
        c.query_one(&q, &[]).unwrap().get(0)
    };
    let (as_stored, as_listed) = (walk("ctid"), walk("fid"));
    assert!(
        as_stored * 5.0 < as_listed,
        "stored {as_stored}, listed {as_listed}"
    );
    let gpkg = dir.path().join("copy.gpkg");
    let (_, err, code) = answer(&url, &["copy", "--to", gpkg.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    let copied: Vec<String> = rusqlite::Connection::open(&gpkg)
        .unwrap()
        .prepare("SELECT id FROM entities ORDER BY fid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(copied, listed, "a copy keeps the list's order");
}

/// `near` reads the districts and the entities near its place on two
/// connections at once; both read the snapshot the command started with,
/// so an import that lands in between is not half seen.
#[test]
fn a_question_on_two_connections_reads_one_snapshot() {
    use stadtatlas::query::{Filter, NearTarget, Reach, near_in_store};
    use stadtatlas::store::Location;
    let Some(url) = pg::database("beside") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    import(&url, &[root().join("data/halle").to_str().unwrap()]);
    let at = Location::parse(&url, None).unwrap();
    let ask = |store: &dyn stadtatlas::store::Store| -> Vec<String> {
        let target = NearTarget::At(stadtatlas::model::LonLat::new(11.97, 51.48).unwrap());
        near_in_store(
            store,
            &target,
            Reach::Within(stadtatlas::model::Meters(2_000.0)),
            &Filter::default(),
        )
        .unwrap()
        .rows()
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
    };
    let reader = at.open_for_reading().unwrap();
    assert!(reader.beside().unwrap().is_some(), "PostGIS reads beside");
    let before = ask(&*reader);
    assert!(!before.is_empty());
    let list = dir.path().join("new.csv");
    std::fs::write(
        &list,
        "id,name,kind,lat,lon\nneu-am-markt,Neu am Markt,initiative,51.4801,11.9701\n",
    )
    .unwrap();
    import(&url, &[list.to_str().unwrap(), "--as", "initiatives"]);
    assert_eq!(
        ask(&*reader),
        before,
        "the reader's snapshot, on both connections"
    );
    drop(reader);
    let now = ask(&*at.open_for_reading().unwrap());
    assert!(now.contains(&"neu-am-markt".to_string()), "{now:?}");
}
