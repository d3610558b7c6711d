//! A small import into a store that has one is planned against the part of
//! the store around the records it brings. The store it leaves must be the
//! one a whole-store import leaves: the same records, districts, stored
//! assignments (read back through the SQL views) and findings.

mod common;

use common::cli::bin;

use serde_json::Value;
use std::path::{Path, PathBuf};

fn halle() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/halle")
}

fn stderr_of(store: &Path, args: &[&str]) -> String {
    let out = bin(store).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{args:?}: {err}");
    err
}

fn json_of(store: &Path, args: &[&str]) -> Value {
    let out = bin(store)
        .arg("-q")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Everything a user can ask that depends on the stored state.
fn state(store: &Path) -> Vec<Value> {
    vec![
        json_of(store, &["list"]),
        json_of(
            store,
            &["query", "sql", "SELECT * FROM v_entities ORDER BY id"],
        ),
        json_of(store, &["matrix", "--level", "viertel", "--by", "field"]),
        json_of(store, &["check"]),
        // The GeoPackage's extents (a small import grows the stored one).
        json_of(
            store,
            &[
                "query",
                "sql",
                "SELECT table_name, min_x, min_y, max_x, max_y FROM gpkg_contents ORDER BY table_name",
            ],
        ),
    ]
}

#[test]
fn a_small_import_leaves_the_store_a_whole_store_import_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("partner_neu.csv");
    // New records near stored ones (one like the Stadtmuseum, one with the
    // Händel-Haus's website), one outside every district, one city-wide, and
    // a stored record moved from Neustadt to the Altstadt.
    std::fs::write(
        &small,
        "id,name,category,fields,lon,lat,website\n\
         stadtmuseum-halle-ev,Stadtmuseum Halle (Christian-Wolff-Haus) e.V.,cultural_institution,kultur,11.97160,51.48030,\n\
         haendel-freunde,Freundeskreis Händel,association_or_initiative,kultur,11.9670,51.4840,https://www.haendelhaus.de/\n\
         weit-weg,Partner in Leipzig,company,wirtschaft,12.3731,51.3397,\n\
         ueberall,Stadtweites Netz,company,digitale_infrastruktur,,,\n\
         awo-psychiatriezentrum-halle,AWO Psychiatriezentrum Halle,hospital_or_health,gesundheit;soziales,11.9697,51.4828,\n",
    )
    .unwrap();

    let stepwise = dir.path().join("a.gpkg");
    stderr_of(&stepwise, &["import", halle().to_str().unwrap()]);
    // It writes the assignments of the five records it changes, three
    // levels each, not the store's 103 × 3.
    let plan = json_of(
        &stepwise,
        &[
            "import",
            small.to_str().unwrap(),
            "--as",
            "partners",
            "--dry-run",
        ],
    );
    assert_eq!(plan["assignment_rows_written"], 15, "{plan}");
    let err = stderr_of(
        &stepwise,
        &["import", small.to_str().unwrap(), "--as", "partners"],
    );
    assert!(err.contains("entities +4 ~1 =0"), "{err}");
    assert!(
        err.contains("likely duplicate: 'Stadtmuseum Halle (Christian-Wolff-Haus)'"),
        "{err}"
    );
    assert!(err.contains("same website haendelhaus.de"), "{err}");

    // The same records in one import with the manifest: the whole store is read.
    let whole = dir.path().join("b.gpkg");
    stderr_of(&whole, &["import", halle().to_str().unwrap()]);
    // The same file beside relations that are stored already: a batch with
    // relations is planned against the whole store.
    let folder = dir.path().join("mit_relationen");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(&small, folder.join("partner_neu.csv")).unwrap();
    std::fs::copy(halle().join("body_members.csv"), folder.join("members.csv")).unwrap();
    std::fs::write(
        folder.join("atlas.toml"),
        "[[file]]\npath = \"partner_neu.csv\"\nas = \"partners\"\n\n\
         [[file]]\npath = \"members.csv\"\nas = \"relations\"\n",
    )
    .unwrap();
    let whole_err = stderr_of(&whole, &["import", folder.to_str().unwrap()]);
    assert!(
        whole_err.contains("entities +4 ~1 =0; districts +0 ~0 =0; relations +0 =2"),
        "{whole_err}"
    );
    // The same advice, in the same order, from the part of the store around
    // the records (asked tile by tile) as from the whole store.
    let advice = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.contains("likely duplicate") || l.contains("same website"))
            .map(str::to_string)
            .collect()
    };
    assert!(advice(&err).len() >= 2, "{err}");
    assert_eq!(advice(&err), advice(&whole_err));
    let a = state(&stepwise);
    let b = state(&whole);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
}

/// The README's flow: the district layer first, then the partner list. The
/// partners are the store's first entities, written as into a new store; the
/// store must be the one a single import of both leaves.
#[test]
fn a_first_partner_list_into_a_store_with_districts_is_one_import_of_both() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("both");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(
        halle().join("districts_provisional.geojson"),
        folder.join("districts.geojson"),
    )
    .unwrap();
    let mut csv = String::from("id,name,category,fields,lon,lat\n");
    for i in 0..3_000 {
        let (x, y) = (
            11.88 + (i % 60) as f64 * 0.003,
            51.42 + (i / 60) as f64 * 0.002,
        );
        let fields = ["bildung", "kultur;sport", "soziales;umwelt"][i % 3];
        csv.push_str(&format!("p{i},Kita {i},education,{fields},{x:.5},{y:.5}\n"));
    }
    // One without a point: city-wide.
    csv.push_str("ueberall,Stadtweites Netz,company,digitale_infrastruktur,,\n");
    std::fs::write(folder.join("partners.csv"), &csv).unwrap();
    let levels = "levels = [\"stadtbezirk\", \"stadtteil\", \"viertel\"]\n\
                  default_level = \"stadtteil\"\n\n";
    let districts = "[[file]]\npath = \"districts.geojson\"\nas = \"districts\"\n";
    let partners = "\n[[file]]\npath = \"partners.csv\"\nas = \"partners\"\n";
    std::fs::write(
        folder.join("atlas.toml"),
        format!("{levels}{districts}{partners}"),
    )
    .unwrap();
    let one = dir.path().join("one.gpkg");
    stderr_of(&one, &["import", folder.to_str().unwrap()]);

    let first = dir.path().join("districts_first");
    std::fs::create_dir(&first).unwrap();
    std::fs::copy(
        folder.join("districts.geojson"),
        first.join("districts.geojson"),
    )
    .unwrap();
    std::fs::write(first.join("atlas.toml"), format!("{levels}{districts}")).unwrap();
    let two = dir.path().join("two.gpkg");
    stderr_of(&two, &["import", first.to_str().unwrap()]);
    stderr_of(
        &two,
        &[
            "import",
            folder.join("partners.csv").to_str().unwrap(),
            "--as",
            "partners",
        ],
    );
    let (a, b) = (state(&one), state(&two));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    // Its keys and triggers are back: a later small import moves a record.
    std::fs::write(
        dir.path().join("moved.csv"),
        "id,name,category,fields,lon,lat\np7,Kita 7,education,bildung,11.9697,51.4828\n",
    )
    .unwrap();
    for store in [&one, &two] {
        let moved = dir.path().join("moved.csv");
        stderr_of(
            store,
            &["import", moved.to_str().unwrap(), "--as", "partners"],
        );
    }
    let (a, b) = (state(&one), state(&two));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    let indexes = json_of(
        &two,
        &[
            "query",
            "sql",
            "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND name LIKE 'entit%' ORDER BY name",
        ],
    );
    let one_indexes = json_of(
        &one,
        &[
            "query",
            "sql",
            "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND name LIKE 'entit%' ORDER BY name",
        ],
    );
    assert_eq!(indexes, one_indexes);
}
