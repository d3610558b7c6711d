//! `stadtatlas serve` over loopback, with a real HTTP client and GDAL's
//! OAPIF driver: OGC API – Features core, every feature as `export
//! geojson` writes it, paging to the end, bbox and property filters
//! against brute force on the export, nothing private ever served, bad
//! requests refused, new imports served without a restart.

mod common;

use common::chromium;
use common::cli::{json_any, quiet as bin};
use common::clients::{self, Needs};
use common::server::{Server, agent, get, ok_json};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Halle sample, the fixture's contact, and a partner list with an
/// internal record whose name is hostile markup.
fn halle_store(dir: &Path) -> PathBuf {
    let store = dir.join("halle.gpkg");
    let extra = dir.join("partners.csv");
    std::fs::write(
        &extra,
        "id,name,kind,fields,lat,lon,visibility\n\
         geheim-ev,\"<script>alert('Geheimer Verein')</script>\",initiative,soziales,51.4801,11.9702,internal\n\
         kita-test,Kita Sonnenschein,initiative,bildung;soziales,51.4866,11.9404,public\n\
         offen-markup,\"<img src=x onerror=alert(1)> & Söhne\",partner,kultur,51.4811,11.9712,public\n",
    )
    .unwrap();
    bin(&store)
        .arg("import")
        .arg(root().join("data/halle"))
        .arg(root().join("tests/fixtures/contacts.csv"))
        .arg(&extra)
        .assert()
        .success();
    store
}

/// `export geojson` (public profile) of the store, features by id.
fn exported(store: &Path, dir: &Path) -> Vec<Value> {
    let out = dir.join("export.geojson");
    bin(store)
        .args(["export", "geojson", "--out"])
        .arg(&out)
        .assert()
        .success();
    let fc: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let mut features = fc["features"].as_array().unwrap().clone();
    features.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    features
}

/// Every feature of `url`, following `next` links; checks each page's counts.
fn all_pages(url: &str) -> (Vec<Value>, usize) {
    let mut features = Vec::new();
    let mut next = Some(url.to_string());
    let mut pages = 0;
    let mut matched = None;
    while let Some(url) = next.take() {
        let page = ok_json(&url, "application/geo+json");
        pages += 1;
        assert!(pages < 1000, "paging ends");
        let m = page["numberMatched"].as_u64().unwrap() as usize;
        assert_eq!(*matched.get_or_insert(m), m, "numberMatched stays");
        let got = page["features"].as_array().unwrap();
        assert_eq!(page["numberReturned"].as_u64().unwrap() as usize, got.len());
        features.extend(got.iter().cloned());
        next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| l["href"].as_str().unwrap().to_string());
    }
    assert_eq!(features.len(), matched.unwrap_or(0));
    (features, pages)
}

fn ids(features: &[Value]) -> Vec<String> {
    features
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

/// The lon/lat box of a GeoJSON geometry (None for null).
fn bbox_of(geometry: &Value) -> Option<[f64; 4]> {
    fn walk(v: &Value, b: &mut [f64; 4]) {
        match v.as_array() {
            Some(a) if a.len() >= 2 && a[0].is_number() => {
                let (x, y) = (a[0].as_f64().unwrap(), a[1].as_f64().unwrap());
                *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
            Some(a) => a.iter().for_each(|c| walk(c, b)),
            None => {}
        }
    }
    let coordinates = geometry.get("coordinates")?;
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    walk(coordinates, &mut b);
    Some(b)
}

/// Whether a feature's geometry's box meets the box `q` (brute force).
fn meets(f: &Value, q: [f64; 4]) -> bool {
    bbox_of(&f["geometry"])
        .is_some_and(|i| i[0] <= q[2] && q[0] <= i[2] && i[1] <= q[3] && q[1] <= i[3])
}

#[test]
fn the_features_are_the_exports_paged_filtered_and_boxed_like_brute_force() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let export = exported(&store, dir.path());
    let server = Server::start(&store);
    let b = &server.base;

    let landing = ok_json(&format!("{b}/"), "application/json");
    let rels: BTreeSet<&str> = landing["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(rels.contains(rel), "landing page links {rel}");
    }
    let conformance = ok_json(&format!("{b}/conformance"), "application/json");
    for class in ["core", "geojson", "html", "oas30"] {
        let url = format!("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{class}");
        assert!(
            conformance["conformsTo"]
                .as_array()
                .unwrap()
                .contains(&json!(url))
        );
    }
    let api = ok_json(
        &format!("{b}/api"),
        "application/vnd.oai.openapi+json;version=3.0",
    );
    assert!(api["openapi"].as_str().unwrap().starts_with("3.0."));
    assert!(api["paths"]["/collections/{collectionId}/items"]["get"].is_object());
    let collections = ok_json(&format!("{b}/collections"), "application/json");
    let names: Vec<&str> = collections["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["entities", "districts", "relations"]);

    // Every public feature, page by page, is the export's feature.
    let (served, pages) = all_pages(&format!("{b}/collections/entities/items?limit=7"));
    assert_eq!(pages, export.len().div_ceil(7));
    assert_eq!(served, export, "served features are the exported ones");
    assert!(export.len() > 90);

    // A box: the features whose geometry's box meets it (points: inside).
    let boxes = [
        [11.90, 51.46, 11.95, 51.49],
        [11.96, 51.47, 11.98, 51.49],
        [0.0, 0.0, 1.0, 1.0],
    ];
    for q in boxes {
        let url = format!(
            "{b}/collections/entities/items?bbox={},{},{},{}&limit=5",
            q[0], q[1], q[2], q[3]
        );
        let (got, _) = all_pages(&url);
        let want: Vec<Value> = export.iter().filter(|f| meets(f, q)).cloned().collect();
        assert_eq!(ids(&got), ids(&want), "bbox {q:?}");
    }
    // Property filters, alone and together, against the export.
    let has = |f: &Value, key: &str, value: &str| match &f["properties"][key] {
        Value::Array(a) => a.contains(&json!(value)),
        v => v == value,
    };
    for (query, keep) in [
        (
            "kind=initiative",
            Box::new(|f: &Value| has(f, "kind", "initiative")) as Box<dyn Fn(&Value) -> bool>,
        ),
        (
            "field=bildung",
            Box::new(|f: &Value| has(f, "fields", "bildung")),
        ),
        (
            "field=bildung,kultur",
            Box::new(|f: &Value| has(f, "fields", "bildung") || has(f, "fields", "kultur")),
        ),
        (
            "kind=partner&field=umwelt",
            Box::new(|f: &Value| has(f, "kind", "partner") && has(f, "fields", "umwelt")),
        ),
    ] {
        let (got, _) = all_pages(&format!("{b}/collections/entities/items?{query}"));
        let want: Vec<Value> = export.iter().filter(|f| keep(f)).cloned().collect();
        assert!(!want.is_empty(), "{query} selects something");
        assert_eq!(ids(&got), ids(&want), "{query}");
    }
    // A district by id, name or alias: what `in` answers.
    for district in ["Halle-Neustadt", "neustadt", "Mitte", "230"] {
        let (inside, _) = all_pages(&format!(
            "{b}/collections/entities/items?district={district}"
        ));
        let out = bin(&store)
            .args(["in", district, "--format", "json"])
            .output()
            .unwrap();
        let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut want: Vec<String> = answer
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        want.sort();
        assert!(!want.is_empty(), "{district}");
        assert_eq!(ids(&inside), want, "{district}");
    }
    // One feature, with its links.
    let one = &export[3];
    let id = one["id"].as_str().unwrap();
    let mut single = ok_json(
        &format!("{b}/collections/entities/items/{id}"),
        "application/geo+json",
    );
    let links = single.as_object_mut().unwrap().remove("links").unwrap();
    assert_eq!(&single, one);
    assert!(links.to_string().contains(&format!("/items/{id}")));
    // Districts: every level, filterable by level.
    let (districts, _) = all_pages(&format!("{b}/collections/districts/items"));
    assert!(districts.len() > 20);
    let (level, _) = all_pages(&format!("{b}/collections/districts/items?level=stadtteil"));
    assert!(!level.is_empty() && level.len() < districts.len());
    assert!(
        level
            .iter()
            .all(|d| d["properties"]["level"] == "stadtteil")
    );
    assert!(
        server
            .log
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("\"path\":\"/collections/entities/items\"")),
        "access log on stderr"
    );
}

/// Every answer of the server, crawled: no contact and no internal record
/// appears anywhere; the internal record's own URL is not found.
#[test]
fn nothing_private_is_ever_served() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let server = Server::start(&store);
    let b = &server.base;
    let mut bodies = Vec::new();
    for path in [
        "/",
        "/conformance",
        "/api",
        "/collections",
        "/collections/entities",
    ] {
        bodies.push(get(&format!("{b}{path}")).body);
    }
    let (entities, _) = all_pages(&format!("{b}/collections/entities/items?limit=1000"));
    for f in &entities {
        let id = f["id"].as_str().unwrap();
        bodies.push(get(&format!("{b}/collections/entities/items/{id}")).body);
    }
    bodies.push(serde_json::to_string(&entities).unwrap());
    let (districts, _) = all_pages(&format!("{b}/collections/districts/items"));
    bodies.push(serde_json::to_string(&districts).unwrap());
    let (relations, _) = all_pages(&format!("{b}/collections/relations/items"));
    bodies.push(serde_json::to_string(&relations).unwrap());
    bodies.push(
        get(&format!(
            "{b}/collections/relations/items?f=html&limit=1000"
        ))
        .body,
    );
    assert!(entities.iter().any(|f| f["id"] == "kita-test"));
    for body in &bodies {
        for private in [
            "fixture.contact@example.invalid",
            "Test Fixture Person",
            "+49 345 0000000",
            "geheim-ev",
            "Geheimer Verein",
            "\"internal\"",
        ] {
            assert!(!body.contains(private), "{private} served");
        }
    }
    let hidden = get(&format!("{b}/collections/entities/items/geheim-ev"));
    assert_eq!(hidden.status, 404);
    assert_eq!(hidden.content_type, "application/json");
    assert_eq!(hidden.json()["code"], "NotFound");
}

#[test]
fn bad_requests_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let server = Server::start(&store);
    let b = &server.base;
    for (path, status) in [
        ("/collections/entities/items?bbox=1,2,3", 400),
        ("/collections/entities/items?bbox=a,b,c,d", 400),
        ("/collections/entities/items?bbox=11,52,12,51", 400),
        ("/collections/entities/items?bbox=0,-95,1,0", 400),
        ("/collections/entities/items?limit=0", 400),
        ("/collections/entities/items?limit=-1", 400),
        ("/collections/entities/items?offset=x", 400),
        ("/collections/entities/items?colour=red", 400),
        ("/collections/entities/items?f=xml", 400),
        ("/collections/entities/items?level=stadtteil", 400),
        ("/collections?bbox=1,2,3,4", 400),
        ("/collections/nope/items", 404),
        ("/collections/nope", 404),
        ("/collections/entities/items/no-such-id", 404),
        ("/nowhere", 404),
    ] {
        let a = get(&format!("{b}{path}"));
        assert_eq!(a.status, status, "{path}: {}", a.body);
        assert_eq!(a.content_type, "application/json", "{path}");
        let e = a.json();
        assert!(
            e["code"].is_string() && e["description"].is_string(),
            "{path}"
        );
    }
    // Reading only: writes are not allowed.
    let r = agent()
        .post(&format!("{b}/collections/entities/items"))
        .send("{}")
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    // A huge limit is cut to the most a page holds.
    let page = ok_json(
        &format!("{b}/collections/entities/items?limit=99999999"),
        "application/geo+json",
    );
    assert_eq!(
        page["numberReturned"], page["numberMatched"],
        "one page holds the sample"
    );
}

#[test]
fn a_new_import_is_served_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let server = Server::start(&store);
    let b = &server.base;
    let url = format!("{b}/collections/entities/items/neu-im-netz");
    assert_eq!(get(&url).status, 404);
    let csv = dir.path().join("initiatives.csv");
    std::fs::write(
        &csv,
        "id,name,kind,fields,lat,lon\nneu-im-netz,Neu im Netz e.V.,initiative,bildung,51.47,11.93\n",
    )
    .unwrap();
    bin(&store).arg("import").arg(&csv).assert().success();
    let started = Instant::now();
    loop {
        let a = get(&url);
        if a.status == 200 {
            assert_eq!(a.json()["properties"]["name"], "Neu im Netz e.V.");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the new import is served within 20 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// GDAL's OAPIF driver (QGIS reads the same way) lists the collections and
/// `ogr2ogr` copies the entities into a GeoPackage whose features are those
/// of `export gpkg` (ids, names, points), both read back by GDAL.
#[test]
fn gdal_reads_the_collections_and_copies_the_entities() {
    if std::process::Command::new("ogr2ogr")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no ogr2ogr (apt-get install gdal-bin)");
        return;
    }
    let gdal = |args: &[&std::ffi::OsStr]| {
        let out = std::process::Command::new(args[0])
            .args(&args[1..])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let os = std::ffi::OsStr::new;
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let server = Server::start(&store);
    let source = format!("OAPIF:{}/", server.base);
    let listed = gdal(&[os("ogrinfo"), os("-ro"), os("-q"), os(&source)]);
    for collection in ["entities", "districts", "relations"] {
        assert!(listed.contains(collection), "{listed}");
    }
    // The served entities into a GeoPackage, and the export's GeoPackage.
    let copy = dir.path().join("copy.gpkg");
    gdal(&[
        os("ogr2ogr"),
        os("-f"),
        os("GPKG"),
        copy.as_os_str(),
        os(&source),
        os("entities"),
    ]);
    let exported = dir.path().join("export.gpkg");
    bin(&store)
        .args(["export", "gpkg", "--out"])
        .arg(&exported)
        .assert()
        .success();
    // Each as GeoJSON through GDAL: (id, name, point) per feature.
    let features = |gpkg: &Path, layer: &str| {
        let json = dir.path().join(format!(
            "{layer}-{}.geojson",
            gpkg.file_stem().unwrap().to_string_lossy()
        ));
        gdal(&[
            os("ogr2ogr"),
            os("-f"),
            os("GeoJSON"),
            json.as_os_str(),
            gpkg.as_os_str(),
            os(layer),
        ]);
        let fc: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        let mut got: Vec<(String, String, String)> = fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["properties"]["id"].as_str().unwrap().to_string(),
                    f["properties"]["name"].as_str().unwrap().to_string(),
                    f["geometry"].to_string(),
                )
            })
            .collect();
        got.sort();
        got
    };
    let served = features(&copy, "entities");
    let want = features(&exported, "entities");
    assert!(want.len() > 20, "{want:?}");
    assert_eq!(served, want);
}

/// `/collections/relations`: every relation between two public records,
/// as the store holds it (asked with `query sql`), and none that touches an
/// internal one; a line from the one record's point to the other's, paged,
/// filtered by role and by box like brute force, each one by its id.
#[test]
fn the_relations_are_the_public_ones_as_lines_between_their_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    // A membership of the internal record (never served), one with a
    // field, and a project with a place led by a record with one.
    let project = dir.path().join("projects.csv");
    std::fs::write(
        &project,
        "id,name,fields,lat,lon\nprojekt-im-test,Projekt im Test,bildung,51.4850,11.9700\n",
    )
    .unwrap();
    bin(&store)
        .arg("import")
        .arg(&project)
        .args(["--as", "projects"])
        .assert()
        .success();
    let extra = dir.path().join("links.csv");
    std::fs::write(
        &extra,
        "from,to,role,field,source\n\
         geheim-ev,beirat-digitale-agenda,member,soziales,test\n\
         kita-test,beirat-digitale-agenda,member,bildung,test\n\
         kita-test,projekt-im-test,lead,,test\n",
    )
    .unwrap();
    bin(&store)
        .arg("import")
        .arg(&extra)
        .args(["--as", "relations"])
        .assert()
        .success();
    let export = exported(&store, dir.path());
    let point: std::collections::HashMap<&str, Option<[f64; 2]>> = export
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            let p = (f["geometry"]["type"] == "Point")
                .then(|| [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()]);
            (f["id"].as_str().unwrap(), p)
        })
        .collect();
    let stored = json_any(
        &store,
        &[
            "query",
            "sql",
            "SELECT from_id, to_id, role, field FROM relations",
        ],
    );
    // The store keeps "no field" as an empty text, the features as null.
    let key = |from: &Value, to: &Value, role: &Value, field: &Value| {
        let field = field.as_str().filter(|f| !f.is_empty());
        format!("{from} {to} {role} {field:?}")
    };
    let mut want: Vec<String> = stored
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            point.contains_key(r["from_id"].as_str().unwrap())
                && point.contains_key(r["to_id"].as_str().unwrap())
        })
        .map(|r| key(&r["from_id"], &r["to_id"], &r["role"], &r["field"]))
        .collect();
    want.sort();
    assert!(want.len() > 20, "{want:?}");
    assert!(
        want.iter()
            .any(|k| k.contains("kita-test") && k.contains("bildung")),
        "{want:?}"
    );

    let server = Server::start(&store);
    let b = &server.base;
    let collections = get(&format!("{b}/collections")).json();
    assert!(
        collections["collections"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "relations")
    );
    let (features, _) = all_pages(&format!("{b}/collections/relations/items?limit=7"));
    let mut got: Vec<String> = features
        .iter()
        .map(|f| {
            let p = &f["properties"];
            key(&p["from"], &p["to"], &p["role"], &p["field"])
        })
        .collect();
    got.sort();
    assert_eq!(got, want);
    let all = serde_json::to_string(&features).unwrap();
    assert!(
        !all.contains("geheim-ev") && !all.contains("Geheimer"),
        "an internal record's relation"
    );

    // A line between the two records' points where both have one.
    let mut lines = 0;
    for f in &features {
        let p = &f["properties"];
        let ends = (
            point[p["from"].as_str().unwrap()],
            point[p["to"].as_str().unwrap()],
        );
        if let (Some(a), Some(z)) = ends {
            assert_eq!(f["geometry"]["type"], "LineString", "{f}");
            assert_eq!(f["geometry"]["coordinates"], json!([a, z]), "{f}");
            lines += 1;
        }
        // Each one by its id, the same feature.
        let id = f["id"].as_str().unwrap();
        let one = get(&format!("{b}/collections/relations/items/{id}")).json();
        assert_eq!(one["properties"], f["properties"], "{id}");
    }
    assert!(lines >= 1, "{lines}");

    // Filters like brute force.
    let (members, _) = all_pages(&format!(
        "{b}/collections/relations/items?role=member&limit=50"
    ));
    let brute: Vec<&Value> = features
        .iter()
        .filter(|f| f["properties"]["role"] == "member")
        .collect();
    assert_eq!(members.len(), brute.len());
    assert!(!members.is_empty() && members.len() < features.len());
    let q = [11.90, 51.46, 11.98, 51.49];
    let (boxed, _) = all_pages(&format!(
        "{b}/collections/relations/items?bbox={},{},{},{}&limit=50",
        q[0], q[1], q[2], q[3]
    ));
    let brute = features.iter().filter(|f| meets(f, q)).count();
    assert_eq!(boxed.len(), brute);
    assert!(boxed.len() < features.len());
    // The HTML view: who, in which role, with what.
    let html = get(&format!(
        "{b}/collections/relations/items?f=html&role=lead&limit=100"
    ))
    .body;
    assert!(
        html.contains("<th>Von</th><th>Rolle</th><th>An</th>"),
        "{html}"
    );
    assert!(
        html.contains("<td>Kita Sonnenschein</td><td>lead</td><td>Projekt im Test</td>"),
        "{html}"
    );
    // A filter the relations do not have is refused.
    assert_eq!(
        get(&format!("{b}/collections/relations/items?kind=partner")).status,
        400
    );
}

/// Each question endpoint gives what the command line gives with
/// `--format json`, on a store whose records are all public.
#[test]
fn the_questions_answer_as_the_command_line_does() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("public.gpkg");
    bin(&store)
        .arg("import")
        .arg(root().join("data/halle"))
        .assert()
        .success();
    let server = Server::start(&store);
    let b = &server.base;
    let body = "ag-digitale-agenda-swh-stadtverwaltung";
    let board = format!("/board/{body}/check");
    let board_with = format!("/board/{body}/check?with=hallescher-fc-leuna-chemie-stadion,awo-spi");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["where", "11.9697,51.4828"],
            "/where?target=11.9697,51.4828",
        ),
        (
            vec!["where", "stadtwerke-halle-gmbh"],
            "/where?target=stadtwerke-halle-gmbh",
        ),
        (vec!["in", "Halle-Neustadt"], "/in?district=Halle-Neustadt"),
        (
            vec!["in", "Mitte", "Nord", "--field", "bildung"],
            "/in?district=Mitte&district=Nord&field=bildung",
        ),
        (
            vec!["near", "--at", "11.9697,51.4828", "--within", "1000"],
            "/near?at=11.9697,51.4828&within=1000",
        ),
        (
            vec![
                "near",
                "martin-luther-universitaet-halle-wittenberg",
                "--nearest",
                "5",
            ],
            "/near?target=martin-luther-universitaet-halle-wittenberg&nearest=5",
        ),
        (
            vec![
                "near",
                "Neustadt",
                "--within",
                "500",
                "--kind",
                "initiative",
            ],
            "/near?target=Neustadt&within=500&kind=initiative",
        ),
        (vec!["matrix", "--by", "kind"], "/matrix?by=kind"),
        (
            vec!["matrix", "--level", "stadtteil", "--per-capita"],
            "/matrix?level=stadtteil&per_capita=true",
        ),
        (vec!["gaps"], "/gaps"),
        (
            vec!["gaps", "--level", "stadtteil"],
            "/gaps?level=stadtteil",
        ),
        (vec!["districts"], "/districts"),
        (vec!["network"], "/network"),
        (
            vec!["network", "stadtwerke-halle-gmbh", "--depth", "2"],
            "/network?id=stadtwerke-halle-gmbh&depth=2",
        ),
        (vec!["board", "check", body], board.as_str()),
        (
            vec![
                "board",
                "check",
                body,
                "--with",
                "hallescher-fc-leuna-chemie-stadion",
                "--with",
                "awo-spi",
            ],
            board_with.as_str(),
        ),
    ];
    for (args, path) in cases {
        let want = json_any(&store, &args);
        let got = ok_json(&format!("{b}{path}"), "application/json");
        assert_eq!(got, want, "{path} against {args:?}");
    }
    for (path, status) in [
        ("/where", 400),
        ("/where?target=11.9,99", 400),
        ("/where?target=no-such-record", 404),
        ("/near?at=11.9697,51.4828", 400),
        ("/near?at=11.9697,51.4828&within=-5", 400),
        ("/near?target=Nowhere&within=5", 400),
        ("/in?district=Atlantis", 400),
        ("/in", 400),
        ("/matrix?by=colour", 400),
        ("/matrix?kind=dragon", 400),
        ("/gaps?level=planet", 400),
        ("/network?depth=deep", 400),
        ("/board/no-such-body/check", 404),
        ("/where?target=1,2&colour=red", 400),
    ] {
        let a = get(&format!("{b}{path}"));
        assert_eq!(a.status, status, "{path}: {}", a.body);
        assert!(a.json()["description"].is_string(), "{path}");
    }
}

/// The questions are asked of the public records only: an internal record
/// is unknown to every one of them, and its contact never appears.
#[test]
fn the_questions_know_nothing_internal() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let server = Server::start(&store);
    let b = &server.base;
    assert_eq!(get(&format!("{b}/where?target=geheim-ev")).status, 404);
    assert_eq!(get(&format!("{b}/network?id=geheim-ev")).status, 404);
    // Asked as a place to measure from, it is no entity (so a district name).
    let a = get(&format!("{b}/near?target=geheim-ev&within=100"));
    assert_eq!(a.status, 400);
    assert!(a.body.contains("no district"), "{}", a.body);
    let mut bodies = Vec::new();
    for path in [
        "/near?at=11.9702,51.4801&within=100",
        "/in?district=Mitte",
        "/network",
        "/network?id=martin-luther-universitaet-halle-wittenberg&depth=3",
        "/matrix?by=kind",
        "/districts",
    ] {
        bodies.push(get(&format!("{b}{path}")).body);
    }
    let near = ok_json(
        &format!("{b}/near?at=11.9702,51.4801&within=100"),
        "application/json",
    );
    assert!(
        near.as_array().is_some_and(|a| !a.is_empty()),
        "others are near"
    );
    for body in &bodies {
        for private in [
            "geheim-ev",
            "Geheimer Verein",
            "fixture.contact@example.invalid",
            "Test Fixture Person",
        ] {
            assert!(!body.contains(private), "{private} in {body}");
        }
    }
    // The command line (the internal tool) does know the record.
    let cli = json_any(&store, &["where", "geheim-ev"]);
    assert!(cli.as_array().is_some_and(|a| !a.is_empty()));
}

/// OWSLib (the Python OGC client) and openapi-spec-validator, from the
/// Python that `STADTATLAS_TEST_PYTHON` names (.ci/run makes a venv with
/// both): the API definition validates, the collections are listed, paging
/// reaches every entity, a bbox selects what the export's points say.
#[test]
fn owslib_pages_through_the_entities_and_the_api_validates() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let export = exported(&store, dir.path());
    let server = Server::start(&store);
    let args = [std::ffi::OsStr::new(&server.base)];
    let Some(got) = clients::run("owslib_features.py", &args, Needs::Python) else {
        return;
    };
    assert_eq!(got["api_valid"], true);
    assert_eq!(
        got["collections"],
        json!(["entities", "districts", "relations"])
    );
    assert!(got["conformance"].to_string().contains("conf/core"));
    let want = ids(&export);
    assert_eq!(got["ids"], json!(want));
    assert_eq!(got["pages"], json!(want.len().div_ceil(9)));
    let boxed: Vec<String> = export
        .iter()
        .filter(|f| meets(f, [11.90, 51.46, 11.95, 51.49]))
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got["bbox_ids"], json!(boxed));
}

/// `/map` in headless Chromium: the report's page, served with a policy
/// that allows only its own script and style, runs without a console
/// message (a blocked script or style would log one), draws a marker for
/// every located public record, and holds nothing private.
#[test]
fn the_map_page_runs_in_chromium_under_its_policy() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let export = exported(&store, dir.path());
    let server = Server::start(&store);
    let url = format!("{}/map", server.base);
    let page = get(&url);
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    for private in [
        "fixture.contact@example.invalid",
        "Test Fixture Person",
        "geheim-ev",
        "Geheimer Verein",
    ] {
        assert!(!page.body.contains(private), "{private} on the map page");
    }
    let Some(seen) = chromium::open(&url, &["--dump-dom".to_string()]) else {
        return;
    };
    assert!(
        seen.body.contains("data-ready=\"1\""),
        "script did not run: {}",
        seen.body
    );
    assert!(seen.console.is_empty(), "{:?}", seen.console);
    let markers = seen.number("data-markers").expect("a marker count");
    let outside = seen.number("id=\"outside-frame\" data-count").unwrap_or(0);
    let located = export.iter().filter(|f| !f["geometry"].is_null()).count();
    assert_eq!(markers + outside, located);
}

/// What a person sees of `/map`: a screenshot in headless Chromium, driven
/// by Selenium and read with Pillow (tests/clients/map_in_chromium.py, from
/// the Python that `STADTATLAS_TEST_PYTHON` names). Every marker the page
/// draws for a located public record is on screen, every district too, and
/// the screenshot shows each one's own colour where the browser says it is
/// on top (overlapping markers hide a few).
#[test]
fn a_screenshot_of_the_map_shows_its_districts_and_markers() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let export = exported(&store, dir.path());
    let server = Server::start(&store);
    let shot = dir.path().join("map.png");
    let args = [std::ffi::OsStr::new(&server.base), shot.as_os_str()];
    let Some(seen) = clients::run("map_in_chromium.py", &args, Needs::Chromedriver) else {
        return;
    };
    let count = |key: &str| seen[key].as_u64().unwrap_or_default() as usize;
    assert_eq!(seen["console"], json!([]), "{seen:#}");
    assert_eq!(seen["ready"], "1");
    let page = get(&format!("{}/map", server.base)).body;
    let outside = page
        .split("id=\"outside-frame\" data-count=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map_or(0, |n| n.parse::<usize>().unwrap());
    let located = export.iter().filter(|f| !f["geometry"].is_null()).count();
    assert_eq!(count("markers") + outside, located, "{seen:#}");
    assert!(
        count("markers_on_top") * 10 >= count("markers") * 9,
        "{seen:#}"
    );
    assert_eq!(
        count("markers_in_the_screenshot"),
        count("markers_on_top"),
        "{seen:#}"
    );
    let districts = page.matches("class=\"district\"").count();
    assert!(districts > 10);
    assert_eq!(count("districts"), districts);
    assert_eq!(count("districts_on_top"), districts, "{seen:#}");
    assert_eq!(count("districts_in_the_screenshot"), districts, "{seen:#}");
    // The choropleth has more than one class, the markers their kinds' colours.
    assert!(
        seen["districts_colours"].as_array().unwrap().len() > 1,
        "{seen:#}"
    );
    assert!(!seen["markers_colours"].as_array().unwrap().is_empty());
    assert!(std::fs::read(&shot).unwrap().starts_with(b"\x89PNG"));
    if let Ok(keep) = std::env::var("STADTATLAS_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

/// A district chosen on the served map (a click, or a link to
/// `/map#district=ID`) asks the server who is in it and who is near it: the
/// page lists exactly what `/in` and `/near` answer, under its policy
/// (which lets it ask only its own server), without a console message.
#[test]
fn a_district_chosen_on_the_map_lists_who_is_in_it_and_near_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let server = Server::start(&store);
    let b = &server.base;
    let page = get(&format!("{b}/map")).body;
    let level = page
        .split("Gebietsebene: ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .expect("the page names its level")
        .to_string();
    // A district with records in it and records near it, and one without.
    let ids: Vec<String> = page
        .split("class=\"district\"")
        .skip(1)
        .filter_map(|s| s.split("data-id=\"").nth(1))
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect();
    assert!(ids.len() > 10, "{ids:?}");
    let answers = |id: &str| {
        let inside = get(&format!("{b}/in?level={level}&district={id}")).json();
        let near = get(&format!("{b}/near?level={level}&target={id}&within=500")).json();
        let nearby: Vec<Value> = near
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["distance_m"].as_f64().unwrap() > 0.0)
            .cloned()
            .collect();
        (inside.as_array().unwrap().clone(), nearby)
    };
    let busy = ids
        .iter()
        .find(|id| {
            let (inside, nearby) = answers(id);
            !inside.is_empty() && !nearby.is_empty()
        })
        .expect("a district with records in and near it");
    let empty = ids
        .iter()
        .find(|id| answers(id).0.is_empty())
        .expect("a district without records");
    for id in [busy, empty] {
        let (inside, nearby) = answers(id);
        let url = format!("{b}/map#district={id}");
        let Some(seen) = chromium::open(
            &url,
            &[
                "--dump-dom".to_string(),
                "--virtual-time-budget=10000".to_string(),
            ],
        ) else {
            return;
        };
        assert!(seen.console.is_empty(), "{:?}", seen.console);
        assert!(
            seen.body.contains(&format!("data-asked=\"{id}\"")),
            "{}",
            seen.body
        );
        // Chosen by a link, not by a click: a proposal without a point.
        assert!(
            seen.dom
                .contains("<a id=\"propose-here\" href=\"/register\">"),
            "{}",
            seen.dom
        );
        assert_eq!(seen.number("data-inside"), Some(inside.len()), "{id}");
        assert_eq!(seen.number("data-nearby"), Some(nearby.len()), "{id}");
        for r in inside.iter().chain(&nearby) {
            let name = r["name"].as_str().unwrap();
            let shown = html_escape::encode_text(name).to_string();
            assert!(seen.dom.contains(&shown), "{name} not listed for {id}");
        }
    }
}

/// A click on the served map proposes an entry at the clicked place: the
/// page's own reading of a point (`lonLat` in src/report/page.js, run in
/// headless Chromium on the page's data) gives back each marker's record's
/// coordinates from the marker's position on the map, within a few metres
/// (the drawing rounds positions to 0.1 units, about 2.5 m in Halle).
#[test]
fn the_map_reads_a_clicked_point_back_to_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let server = Server::start(&store);
    let page = get(&format!("{}/map", server.base)).body;
    let data = page
        .split("id=\"atlas-data\"")
        .nth(1)
        .and_then(|s| s.split_once('>'))
        .and_then(|(_, s)| s.split("</script>").next())
        .expect("the page's data");
    let script = std::fs::read_to_string(root().join("src/report/page.js")).unwrap();
    let reading = script
        .split("  function lonLat(x, y) {")
        .nth(1)
        .and_then(|s| s.split("\n  }\n").next())
        .expect("lonLat in page.js");
    let mut markers = Vec::new();
    for m in page.split("<circle class=\"marker\" ").skip(1) {
        let attr = |name: &str| {
            m.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap()
                .to_string()
        };
        markers.push(format!(
            "[{}, {}, {:?}]",
            attr("cx"),
            attr("cy"),
            attr("data-id")
        ));
    }
    assert!(markers.len() > 20);
    let items = get(&format!(
        "{}/collections/entities/items?limit=1000",
        server.base
    ))
    .json();
    let points: serde_json::Map<String, Value> = items["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["geometry"]["type"] == "Point")
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["geometry"]["coordinates"].clone(),
            )
        })
        .collect();
    let harness = dir.path().join("reading.html");
    std::fs::write(
        &harness,
        format!(
            "<!DOCTYPE html><html><body><script>\n\
             var data = {data};\n\
             function lonLat(x, y) {{{reading}\n}}\n\
             var points = {};\n\
             var markers = [{}];\n\
             var worst = 0, read = 0;\n\
             markers.forEach(function (m) {{\n\
               var p = lonLat(m[0], m[1]), q = points[m[2]];\n\
               if (!p || !q) {{ return; }}\n\
               var dx = (p[0] - q[0]) * 111320 * Math.cos(q[1] * Math.PI / 180);\n\
               var dy = (p[1] - q[1]) * 111200;\n\
               worst = Math.max(worst, Math.hypot(dx, dy));\n\
               read += 1;\n\
             }});\n\
             document.body.dataset.read = String(read);\n\
             document.body.dataset.worstCm = String(Math.round(worst * 100));\n\
             </script></body></html>",
            Value::Object(points),
            markers.join(", ")
        ),
    )
    .unwrap();
    let url = format!("file://{}", harness.display());
    let Some(seen) = chromium::open(&url, &["--dump-dom".to_string()]) else {
        return;
    };
    assert!(seen.console.is_empty(), "{:?}", seen.console);
    assert_eq!(
        seen.number("data-read"),
        Some(markers.len()),
        "{}",
        seen.body
    );
    let worst_cm = seen.number("data-worst-cm").expect("a distance");
    assert!(worst_cm < 400, "{worst_cm} cm");
}

/// The HTML views (`f=html`, or a browser's Accept header): every document
/// and page of features as HTML, names as text (a public record named with
/// markup stays text), JSON for clients that do not ask for HTML.
#[test]
fn browsers_get_html_with_every_name_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let server = Server::start(&store);
    let b = &server.base;
    for path in [
        "/",
        "/conformance",
        "/collections",
        "/collections/entities",
        "/collections/entities/items?limit=500",
        "/collections/districts/items",
        "/collections/entities/items/offen-markup",
        // The questions too.
        "/near?at=11.9712,51.4811&within=50",
        "/where?target=11.97,51.48",
        "/matrix",
        "/gaps",
        "/districts",
    ] {
        let sep = if path.contains('?') { '&' } else { '?' };
        let by_parameter = get(&format!("{b}{path}{sep}f=html"));
        let by_header = {
            let mut r = agent()
                .get(&format!("{b}{path}"))
                .header("Accept", "text/html,application/xhtml+xml;q=0.9")
                .call()
                .unwrap();
            (
                r.headers()["content-type"].to_str().unwrap().to_string(),
                r.body_mut().read_to_string().unwrap(),
            )
        };
        for (content_type, body) in [
            (by_parameter.content_type.clone(), by_parameter.body.clone()),
            by_header,
        ] {
            assert_eq!(content_type, "text/html; charset=utf-8", "{path}");
            assert!(body.starts_with("<!DOCTYPE html>"), "{path}");
            assert!(
                !body.contains("<img") && !body.contains("<script"),
                "{path}: {body}"
            );
            if path.contains("entities/items") || path.starts_with("/near") {
                assert!(
                    body.contains("&lt;img src=x onerror=alert(1)&gt; &amp; Söhne"),
                    "{path}"
                );
            }
        }
    }
    // A question's records are a table of the JSON's keys.
    let near = get(&format!("{b}/near?at=11.9712,51.4811&within=50&f=html")).body;
    assert!(near.contains("<th>distance_m</th>"), "{near}");
    // Clients that ask for nothing in particular get JSON.
    assert_eq!(
        get(&format!("{b}/collections")).content_type,
        "application/json"
    );
    assert_eq!(
        get(&format!("{b}/near?at=11.9712,51.4811&within=50")).content_type,
        "application/json"
    );
    assert_eq!(get(&format!("{b}/gaps?f=xml")).status, 400);
    assert_eq!(get(&format!("{b}/api?f=html")).status, 400);
}
