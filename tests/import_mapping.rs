//! Column mapping for geodata, ids for point layers whose names repeat,
//! foreign values of our field names, and folders without a manifest.

mod common;

use common::cli::{json_of, run};

use serde_json::{Value, json};
use std::path::Path;

fn square(x: f64, y: f64, d: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]})
}

fn write(path: &Path, features: Vec<Value>) {
    std::fs::write(
        path,
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .unwrap();
}

fn point(x: f64, y: f64, props: Value) -> Value {
    json!({"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [x, y]}})
}

#[test]
fn an_unmapped_name_column_is_refused_with_the_properties_the_file_has() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let file = dir.path().join("stadtteile.geojson");
    write(
        &file,
        vec![
            json!({"type": "Feature", "properties": {"STT_NR": 1, "STT_NAME": "Altstadt", "EW": 5952},
            "geometry": square(11.96, 51.48, 0.01)}),
        ],
    );
    let f = file.to_str().unwrap();
    let (code, err) = run(&store, &["import", f, "--level", "stadtteil"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("no property holds the names")
            && err.contains("its properties are: STT_NR, STT_NAME, EW")
            && err.contains("--name-column"),
        "{err}"
    );
    assert!(!store.exists());
    // A mapping to a column the file lacks names the ones it has.
    let (code, err) = run(
        &store,
        &[
            "import",
            f,
            "--level",
            "stadtteil",
            "--name-column",
            "STT_NAM",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("reads 'name' from property 'STT_NAM', which the file does not have; its properties are: STT_NR, STT_NAME, EW"), "{err}");
    // A field we do not have.
    let (code, err) = run(
        &store,
        &[
            "import",
            f,
            "--level",
            "stadtteil",
            "--map",
            "nmae=STT_NAME",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("'nmae' is not a field stadtatlas reads"),
        "{err}"
    );
    // Mapped, it goes in, with the population and the number kept.
    let (code, err) = run(
        &store,
        &[
            "import",
            f,
            "--level",
            "stadtteil",
            "--map",
            "name=STT_NAME",
            "--population-column",
            "EW",
            "--id-column",
            "STT_NR",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let rows = json_of(&store, &["districts"]);
    assert_eq!(rows[0]["id"], "1", "{rows}");
    assert_eq!(rows[0]["name"], "Altstadt", "{rows}");
    assert_eq!(rows[0]["population"], 5952, "{rows}");
}

#[test]
fn a_point_layer_with_repeated_names_gets_stable_unique_ids_or_uses_its_id_column() {
    let dir = tempfile::tempdir().unwrap();
    let schools = |reversed: bool| {
        let mut f = vec![
            point(
                11.97,
                51.48,
                json!({"SCHULNAME": "Grundschule am Park", "SCHUL_NR": "G-101", "kind": "partner"}),
            ),
            point(
                11.91,
                51.47,
                json!({"SCHULNAME": "Grundschule am Park", "SCHUL_NR": "G-102"}),
            ),
            point(
                11.95,
                51.50,
                json!({"SCHULNAME": "Latina", "SCHUL_NR": "G-103"}),
            ),
            // A MultiPoint of one point, as some exports write every point.
            json!({"type": "Feature", "properties": {"SCHULNAME": "Kita Sonnenschein", "SCHUL_NR": "K-1"},
                "geometry": {"type": "MultiPoint", "coordinates": [[11.96, 51.49]]}}),
        ];
        if reversed {
            f.reverse();
        }
        f
    };
    let ids = |store: &Path| -> Vec<String> {
        let mut ids: Vec<String> = json_of(store, &["list"])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    // Without an id column: derived, unique, the same in either row order.
    let mut seen = Vec::new();
    for reversed in [false, true] {
        let sub = dir.path().join(format!("r{reversed}"));
        std::fs::create_dir(&sub).unwrap();
        let file = sub.join("schulen.geojson");
        write(&file, schools(reversed));
        let store = sub.join("s.gpkg");
        let (code, err) = run(
            &store,
            &[
                "import",
                file.to_str().unwrap(),
                "--as",
                "partners",
                "--name-column",
                "SCHULNAME",
            ],
        );
        assert_eq!(code, Some(0), "{err}");
        assert!(err.contains("2 records share a name"), "{err}");
        seen.push(ids(&store));
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[0].len(), 4);
    assert!(seen[0].contains(&"kita-sonnenschein".to_string()));
    // With the id column: its ids.
    let file = dir.path().join("schulen.geojson");
    write(&file, schools(false));
    let store = dir.path().join("s.gpkg");
    let (code, err) = run(
        &store,
        &[
            "import",
            file.to_str().unwrap(),
            "--as",
            "partners",
            "--name-column",
            "SCHULNAME",
            "--id-column",
            "SCHUL_NR",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(ids(&store), ["G-101", "G-102", "G-103", "K-1"]);
    let kita = json_of(&store, &["show", "K-1"]);
    assert_eq!(kita["entity"]["location"], json!([11.96, 51.49]), "{kita}");
}

#[test]
fn a_foreign_value_under_one_of_our_names_is_kept_not_read_as_ours() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let file = dir.path().join("osm_partners.geojson");
    // OSM: visibility=area is a tag about the map, not our public/internal.
    write(
        &file,
        vec![
            point(
                11.97,
                51.48,
                json!({"name": "Spielplatz Nord", "visibility": "area", "status": "open"}),
            ),
            point(
                11.96,
                51.47,
                json!({"name": "Stadtbibliothek", "visibility": "public"}),
            ),
        ],
    );
    let (code, err) = run(
        &store,
        &["import", file.to_str().unwrap(), "--as", "partners"],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("property 'visibility' = \"area\", which is not a stadtatlas visibility"),
        "{err}"
    );
    let e = json_of(&store, &["show", "spielplatz-nord"]);
    assert_eq!(e["entity"]["visibility"], "public", "{e}");
    let extra = e["entity"]["extra"].to_string();
    assert!(extra.contains("area") && extra.contains("open"), "{e}");
    // Mapped explicitly, a bad value is an error naming the feature.
    let (code, err) = run(
        &store,
        &[
            "import",
            file.to_str().unwrap(),
            "--as",
            "partners",
            "--map",
            "visibility=visibility",
            "--dry-run",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("feature 1: visibility:"), "{err}");
}

#[test]
fn a_folder_without_a_manifest_is_read_with_guessed_roles_and_the_manifest_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("daten");
    std::fs::create_dir(&data).unwrap();
    write(
        &data.join("stadtteile.geojson"),
        vec![
            json!({"type": "Feature", "properties": {"name": "Altstadt"},
            "geometry": square(11.96, 51.47, 0.02)}),
        ],
    );
    std::fs::write(
        data.join("partner.csv"),
        "name,lon,lat\nStadtbibliothek,11.97,51.48\n",
    )
    .unwrap();
    let store = dir.path().join("s.gpkg");
    let (code, err) = run(&store, &["import", data.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("has no atlas.toml: read 2 file(s)"), "{err}");
    assert!(
        err.contains("path = \"stadtteile.geojson\"\nas = \"districts\"\nlevel = \"stadtteile\""),
        "{err}"
    );
    let e = json_of(&store, &["show", "stadtbibliothek"]);
    assert_eq!(e["districts"]["stadtteile"], "Altstadt", "{e}");

    // A file whose role cannot be told: nothing is read, the draft is shown.
    std::fs::write(data.join("liste.csv"), "name\nX\n").unwrap();
    let other = dir.path().join("t.gpkg");
    let (code, err) = run(&other, &["import", data.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("cannot be told from their names") && err.contains("as = \"?\""),
        "{err}"
    );
    assert!(!other.exists());
}

#[test]
fn a_table_with_a_wkt_column_is_a_layer() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    // As QGIS saves a layer "as CSV, geometry AS_WKT"; one row as EWKT.
    let districts = dir.path().join("viertel.csv");
    std::fs::write(
        &districts,
        "WKT;VTL_NAME\n\
         \"POLYGON ((11.96 51.47, 11.98 51.47, 11.98 51.49, 11.96 51.49, 11.96 51.47))\";Altstadt\n\
         \"SRID=4326;POLYGON ((11.98 51.47, 12.00 51.47, 12.00 51.49, 11.98 51.49, 11.98 51.47))\";Ost\n",
    )
    .unwrap();
    let (code, err) = run(
        &store,
        &[
            "import",
            districts.to_str().unwrap(),
            "--as",
            "districts",
            "--level",
            "viertel",
            "--name-column",
            "VTL_NAME",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let partners = dir.path().join("partner.csv");
    std::fs::write(
        &partners,
        "name,geometry\nStadtbibliothek,POINT (11.97 51.48)\nHafen,POINT (11.99 51.48)\nOhne Ort,\n",
    )
    .unwrap();
    let (code, err) = run(
        &store,
        &["import", partners.to_str().unwrap(), "--as", "partners"],
    );
    assert_eq!(code, Some(0), "{err}");
    let e = json_of(&store, &["show", "hafen"]);
    assert_eq!(e["districts"]["viertel"], "Ost", "{e}");
    assert_eq!(
        json_of(&store, &["show", "ohne-ort"])["districts"]["viertel"],
        "city-wide"
    );
    // A broken cell names its line and column.
    std::fs::write(
        &partners,
        "name,geometry\nA,POINT (11.97 51.48)\nB,POINT (11.97\n",
    )
    .unwrap();
    let (code, err) = run(
        &store,
        &["import", partners.to_str().unwrap(), "--as", "partners"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("partner.csv:3: column 'geometry': \"POINT (11.97\" is not WKT"),
        "{err}"
    );
    // A districts table without geometry says what districts need.
    std::fs::write(&districts, "name\nAltstadt\n").unwrap();
    let (code, err) = run(
        &store,
        &[
            "import",
            districts.to_str().unwrap(),
            "--as",
            "districts",
            "--level",
            "viertel",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("has no geometry column") && err.contains("its columns are: name"),
        "{err}"
    );
}

#[test]
fn a_kind_column_of_organisation_types_says_how_to_read_it_as_the_category() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let csv = dir.path().join("akteure.csv");
    std::fs::write(
        &csv,
        "name,kind,lon,lat\nStadtverwaltung,public_authority,11.97,51.48\n",
    )
    .unwrap();
    let (code, err) = run(
        &store,
        &["import", csv.to_str().unwrap(), "--as", "partners"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("it is a category: read the column as one with --map category=kind"),
        "{err}"
    );
    let (code, err) = run(
        &store,
        &[
            "import",
            csv.to_str().unwrap(),
            "--as",
            "partners",
            "--map",
            "category=kind",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        json_of(&store, &["show", "stadtverwaltung"])["entity"]["category"],
        "public_authority"
    );
}
