//! Geodata as cities deliver it: Esri .prj files with a vertical part,
//! coordinates in the wrong CRS, GeoJSON with null heights, ArcGIS REST
//! answers (Esri JSON), KML, zipped downloads, and GeoPackages that must
//! not be touched. Every fixture is written here, shaped like the real files.

mod common;

use common::cli::bin;

use geo::{GeodesicArea, LineString, MapCoords, MultiPolygon, Polygon};
use serde_json::{Value, json};
use shapefile::dbase::{self, FieldName, FieldValue, Record, TableWriterBuilder};
use stadtatlas::crs::Crs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Runs an import that must succeed; returns what it printed on stderr.
fn imported(store: &Path, file: &Path, args: &[&str]) -> String {
    let out = bin(store)
        .arg("import")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{err}");
    err
}

/// Runs an import that must be refused (exit 2); returns what it printed.
fn refused(store: &Path, file: &Path, args: &[&str]) -> String {
    let out = bin(store)
        .arg("import")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    err
}

fn json_of(store: &Path, args: &[&str]) -> Value {
    let out = bin(store).arg("-q").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn districts(store: &Path) -> Vec<Value> {
    json_of(store, &["districts", "--format", "json"])
        .as_array()
        .unwrap()
        .clone()
}

fn district<'a>(all: &'a [Value], id: &str) -> &'a Value {
    all.iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no district {id} in {all:?}"))
}

/// The ids of the districts containing a lon/lat.
fn districts_at(store: &Path, lon: f64, lat: f64) -> Vec<String> {
    json_of(
        store,
        &["where", &format!("{lon},{lat}"), "--format", "json"],
    )
    .as_array()
    .unwrap()
    .iter()
    .map(|d| d["id"].as_str().unwrap().to_string())
    .collect()
}

fn entity(store: &Path, id: &str) -> Value {
    json_of(store, &["show", id, "--format", "json"])["entity"].clone()
}

fn utm32() -> Crs {
    Crs::epsg(25832).unwrap()
}

/// A square in UTM 32N metres, clockwise (as Esri and Shapefiles want outer
/// rings), from its south-west corner.
fn square(x: f64, y: f64, side: f64) -> Vec<(f64, f64)> {
    vec![
        (x, y),
        (x, y + side),
        (x + side, y + side),
        (x + side, y),
        (x, y),
    ]
}

fn reversed(mut ring: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    ring.reverse();
    ring
}

/// Where a UTM 32N point lies in WGS84.
fn lonlat(x: f64, y: f64) -> (f64, f64) {
    let c = utm32().to_wgs84(geo::coord! {x: x, y: y}).unwrap();
    (c.x, c.y)
}

/// The geodesic area in km² of polygons given in UTM 32N rings (outer
/// first), as the store computes it from the WGS84 geometry.
fn area_km2(polygons: &[Vec<Vec<(f64, f64)>>]) -> f64 {
    let mp = MultiPolygon(
        polygons
            .iter()
            .map(|rings| {
                let ls: Vec<LineString<f64>> =
                    rings.iter().map(|r| LineString::from(r.clone())).collect();
                Polygon::new(ls[0].clone(), ls[1..].to_vec())
            })
            .collect(),
    );
    let wgs = mp.map_coords(|c| utm32().to_wgs84(c).unwrap());
    geo::orient::Orient::orient(&wgs, geo::orient::Direction::Default).geodesic_area_unsigned()
        / 1e6
}

/// The south-west corner of the test districts: the inner city of Halle
/// (Saale) in UTM 32N. The fixture itself is checked to lie there.
const X0: f64 = 704_000.0;
const Y0: f64 = 5_706_000.0;

#[test]
fn the_test_districts_lie_in_halle() {
    let (lon, lat) = lonlat(X0 + 2000.0, Y0 + 2000.0);
    assert!(
        (lon - 11.97).abs() < 0.05 && (lat - 51.48).abs() < 0.05,
        "{lon} {lat}"
    );
}

/// ETRS89 / UTM 32N as ArcGIS writes it, with a false easting `fe`.
fn esri_utm32(fe: &str) -> String {
    format!(
        r#"PROJCS["ETRS_1989_UTM_Zone_32N",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",{fe}],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",9.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#
    )
}

/// The height system German municipalities add, as Esri writes it.
const DHHN2016: &str = r#"VERTCS["DHHN2016_Height",VDATUM["Deutsches_Haupthoehennetz_2016"],PARAMETER["Vertical_Shift",0.0],PARAMETER["Direction",1.0],UNIT["Meter",1.0]]"#;

/// A district of a test Shapefile: id, name, outer ring in metres.
type ShapefileRow = (&'static str, &'static str, Vec<(f64, f64)>);

/// A polygon Shapefile (`.shp`, `.shx`, `.dbf`) of districts `(id, name,
/// ring)` in Windows-1252 with language driver 0x57 and no `.cpg`, as
/// older ArcGIS exports are.
fn districts_shapefile(path: &Path, rows: &[ShapefileRow]) {
    let table = TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
        encoding_rs::WINDOWS_1252,
    ))
    .add_character_field(FieldName::try_from("ID").unwrap(), 10)
    .add_character_field(FieldName::try_from("NAME").unwrap(), 40);
    {
        let mut w = shapefile::Writer::from_path(path, table).unwrap();
        for (id, name, ring) in rows {
            let points = ring
                .iter()
                .map(|&(x, y)| shapefile::Point::new(x, y))
                .collect();
            let polygon =
                shapefile::Polygon::with_rings(vec![shapefile::PolygonRing::Outer(points)]);
            let mut record = Record::default();
            record.insert("ID".into(), FieldValue::Character(Some(id.to_string())));
            record.insert("NAME".into(), FieldValue::Character(Some(name.to_string())));
            w.write_shape_and_record(&polygon, &record).unwrap();
        }
    }
    let dbf = path.with_extension("dbf");
    let mut bytes = std::fs::read(&dbf).unwrap();
    bytes[29] = 0x57;
    std::fs::write(&dbf, bytes).unwrap();
}

/// Two districts in UTM 32N with the eastings shifted by `shift` (the
/// difference between the file's false easting and UTM's 500,000).
fn two_districts(shift: f64) -> Vec<ShapefileRow> {
    let moved = |ring: Vec<(f64, f64)>| ring.into_iter().map(|(x, y)| (x + shift, y)).collect();
    vec![
        ("s1", "Südstadt", moved(square(X0, Y0, 2000.0))),
        ("f1", "Fünfhausen", moved(square(X0 + 2000.0, Y0, 2000.0))),
    ]
}

#[test]
fn a_prj_with_vertcs_and_a_gauss_krueger_false_easting_lands_in_halle() {
    // Regression: "its .prj cannot be used: ... WKT parse error" for every
    // .prj with Esri's VERTCS after the PROJCS.
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("Stadtteile.shp");
    districts_shapefile(&shp, &two_districts(2_000_000.0));
    std::fs::write(
        shp.with_extension("prj"),
        format!("{},{DHHN2016}", esri_utm32("2500000.0")),
    )
    .unwrap();
    let store = dir.path().join("s.gpkg");
    let err = imported(&store, &shp, &["--as", "districts", "--level", "stadtteil"]);
    assert!(
        err.contains("the .prj's height system \"DHHN2016_Height\" is ignored"),
        "{err}"
    );
    let (lon, lat) = lonlat(X0 + 1000.0, Y0 + 1000.0);
    assert_eq!(districts_at(&store, lon, lat), ["s1"]);
    let (lon, lat) = lonlat(X0 + 3000.0, Y0 + 1000.0);
    assert_eq!(districts_at(&store, lon, lat), ["f1"]);
    let all = districts(&store);
    assert_eq!(district(&all, "s1")["name"], "Südstadt");
    let area = district(&all, "f1")["area_km2"].as_f64().unwrap();
    let expected = area_km2(&[vec![square(X0 + 2000.0, Y0, 2000.0)]]);
    assert!((area - expected).abs() < 1e-6, "{area} {expected}");
}

#[test]
fn forcing_utm32_on_gauss_krueger_eastings_is_refused_with_the_cause() {
    // Regression: with --crs EPSG:25832 forced on eastings written with a
    // false easting of 2,500,000, the districts were stored at 33.9° E,
    // 51.3° N, in Ukraine.
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("Stadtteile.shp");
    districts_shapefile(&shp, &two_districts(2_000_000.0));
    let store = dir.path().join("s.gpkg");
    let err = refused(
        &store,
        &shp,
        &[
            "--as",
            "districts",
            "--level",
            "stadtteil",
            "--crs",
            "EPSG:25832",
        ],
    );
    let expected = format!(
        "{}: coordinates read as EPSG:25832 land outside where that CRS is used \
         (2° E to 18° E, 35° N to 85° N): the first, x 2704000, y 5706000, lands at 38.47799,47.57471 (lon,lat).",
        shp.display()
    );
    assert!(err.contains(&expected), "{err}");
    assert!(
        err.contains(
            "Likely cause: the eastings were written with a false easting of 2500000, not the \
             500000 of EPSG:25832; with 2000000 subtracted it lands at 11.9"
        ),
        "{err}"
    );
    assert!(err.contains("(1 problem)"), "one issue for the file: {err}");
    assert!(!store.exists(), "nothing written");
    // The same mistake in a GeoJSON of partners, and UTM without any CRS:
    // each named with its cure.
    let geojson = dir.path().join("partners.geojson");
    let point = |x: f64| {
        json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"name": "Verein"},
            "geometry": {"type": "Point", "coordinates": [x, Y0 + 10.0]}}]})
    };
    std::fs::write(&geojson, point(X0 + 2_000_000.0).to_string()).unwrap();
    let err = refused(
        &store,
        &geojson,
        &["--as", "partners", "--crs", "EPSG:25832"],
    );
    assert!(err.contains("false easting of 2500000"), "{err}");
    std::fs::write(&geojson, point(X0).to_string()).unwrap();
    let err = refused(&store, &geojson, &["--as", "partners"]);
    assert!(
        err.contains("coordinates are not WGS84 lon/lat")
            && err.contains("import with --crs EPSG:25832"),
        "{err}"
    );
    // WGS84 partners far from Germany are fine.
    let sf = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"name": "Partnerstadt-Büro"},
        "geometry": {"type": "Point", "coordinates": [-122.42, 37.77]}}]});
    std::fs::write(&geojson, sf.to_string()).unwrap();
    imported(&store, &geojson, &["--as", "partners"]);
}

#[test]
fn geojson_positions_with_null_or_extra_ordinates_are_read() {
    // Regression: "[11.97, 51.48, null]" (a missing height) and [x, y, z, m]
    // were refused by the geojson parser for the whole file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("partners.geojson");
    let ring = json!([
        [11.96, 51.47, 80.5, 0],
        [11.96, 51.48, null],
        [11.97, 51.48, 81, 1],
        [11.97, 51.47, 80, 2],
        [11.96, 51.47, 80.5, 0]
    ]);
    std::fs::write(
        &file,
        json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "Höhenlos"},
             "geometry": {"type": "Point", "coordinates": [11.9697, 51.4828, null]}},
            {"type": "Feature", "properties": {"name": "Gemessen"},
             "geometry": {"type": "Polygon", "coordinates": [ring]}}
        ]})
        .to_string(),
    )
    .unwrap();
    let store = dir.path().join("s.gpkg");
    imported(&store, &file, &["--as", "partners"]);
    assert_eq!(
        entity(&store, "hoehenlos")["location"],
        json!([11.9697, 51.4828])
    );
    // A position without x stays an error, naming the feature and the value.
    std::fs::write(
        &file,
        json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "A"},
             "geometry": {"type": "Point", "coordinates": [11.9, 51.4]}},
            {"type": "Feature", "properties": {"name": "B"},
             "geometry": {"type": "Point", "coordinates": [null, 51.4828]}}
        ]})
        .to_string(),
    )
    .unwrap();
    let err = refused(&dir.path().join("t.gpkg"), &file, &["--as", "partners"]);
    assert!(
        err.contains(&format!(
            "{}: feature 2: position [null,51.4828] has no number for x or y",
            file.display()
        )),
        "{err}"
    );
    assert!(err.contains("(1 problem)"), "{err}");
}

fn esri_rings(rings: &[Vec<(f64, f64)>]) -> Value {
    json!(
        rings
            .iter()
            .map(|r| r.iter().map(|&(x, y)| json!([x, y])).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    )
}

#[test]
fn esri_json_polygons_with_a_hole_and_two_parts_land_in_halle_with_their_areas() {
    let dir = tempfile::tempdir().unwrap();
    let outer = square(X0, Y0, 4000.0);
    let hole = reversed(square(X0 + 1000.0, Y0 + 1000.0, 1000.0));
    let part_a = square(X0 + 5000.0, Y0, 1000.0);
    let part_b = square(X0 + 5000.0, Y0 + 2000.0, 1000.0);
    // As ArcGIS REST answers `query?f=json`; the two-part district lists
    // its parts, the first district its hole before its outer ring.
    let answer = json!({
        "displayFieldName": "NAME",
        "fieldAliases": {"OBJECTID": "OBJECTID", "NAME": "Name", "EW": "Einwohner"},
        "geometryType": "esriGeometryPolygon",
        "spatialReference": {"wkid": 25832, "latestWkid": 25832},
        "fields": [
            {"name": "OBJECTID", "type": "esriFieldTypeOID", "alias": "OBJECTID"},
            {"name": "NAME", "type": "esriFieldTypeString", "alias": "Name", "length": 50},
            {"name": "EW", "type": "esriFieldTypeInteger", "alias": "Einwohner"}
        ],
        "features": [
            {"attributes": {"OBJECTID": 1, "id": "e1", "NAME": "Altstadt mit Park", "population": 5952},
             "geometry": {"rings": esri_rings(&[hole.clone(), outer.clone()])}},
            {"attributes": {"OBJECTID": 2, "id": "e2", "NAME": "Zwei Inseln", "population": null},
             "geometry": {"rings": esri_rings(&[part_a.clone(), part_b.clone()])}}
        ]
    });
    let file = dir.path().join("stadtteile.json");
    std::fs::write(&file, answer.to_string()).unwrap();
    let store = dir.path().join("s.gpkg");
    imported(
        &store,
        &file,
        &["--as", "districts", "--level", "stadtteil"],
    );
    let all = districts(&store);
    let e1 = district(&all, "e1");
    assert_eq!(e1["name"], "Altstadt mit Park");
    assert_eq!(e1["population"], 5952);
    let expected = area_km2(&[vec![outer.clone(), hole.clone()]]);
    let got = e1["area_km2"].as_f64().unwrap();
    assert!(
        (got - expected).abs() < 1e-6 && (got - 15.0).abs() < 0.01,
        "{got} {expected}"
    );
    let expected = area_km2(&[vec![part_a.clone()], vec![part_b.clone()]]);
    let got = district(&all, "e2")["area_km2"].as_f64().unwrap();
    assert!(
        (got - expected).abs() < 1e-6 && (got - 2.0).abs() < 0.01,
        "{got} {expected}"
    );
    // In Halle, with the hole left out and both parts kept.
    let at = |x: f64, y: f64| {
        let (lon, lat) = lonlat(x, y);
        districts_at(&store, lon, lat)
    };
    assert_eq!(at(X0 + 500.0, Y0 + 500.0), ["e1"]);
    assert_eq!(at(X0 + 1500.0, Y0 + 1500.0), ["outside"], "the hole");
    assert_eq!(at(X0 + 5500.0, Y0 + 500.0), ["e2"]);
    assert_eq!(at(X0 + 5500.0, Y0 + 2500.0), ["e2"]);
    // A --crs that contradicts the spatialReference is refused.
    let err = refused(
        &dir.path().join("t.gpkg"),
        &file,
        &[
            "--as",
            "districts",
            "--level",
            "stadtteil",
            "--crs",
            "EPSG:25833",
        ],
    );
    assert!(
        err.contains("declares spatialReference {\"wkid\":25832,\"latestWkid\":25832} (EPSG:25832) but --crs EPSG:25833 was given; remove one"),
        "{err}"
    );
}

#[test]
fn esri_json_points_in_web_mercator_with_a_cut_answer() {
    let dir = tempfile::tempdir().unwrap();
    // Web Mercator as ArcGIS Online writes it (wkid 102100).
    let mercator = |lon: f64, lat: f64| {
        let r = 6_378_137.0;
        let (lon, lat) = (lon.to_radians(), lat.to_radians());
        (
            r * lon,
            r * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
        )
    };
    let (x, y) = mercator(11.9697, 51.4828);
    let answer = json!({
        "geometryType": "esriGeometryPoint",
        "spatialReference": {"wkid": 102100, "latestWkid": 3857},
        "fields": [{"name": "name", "type": "esriFieldTypeString"}],
        "features": [
            {"attributes": {"name": "Stadtteilbüro Mitte", "kategorie": "association_or_initiative"},
             "geometry": {"x": x, "y": y}},
            {"attributes": {"name": "Ohne Ort"}, "geometry": null}
        ],
        "exceededTransferLimit": true
    });
    let file = dir.path().join("akteure.json");
    std::fs::write(&file, answer.to_string()).unwrap();
    let store = dir.path().join("s.gpkg");
    let err = imported(&store, &file, &["--as", "partners"]);
    assert!(err.contains("the server cut this answer short"), "{err}");
    let e = entity(&store, "stadtteilbuero-mitte");
    let (lon, lat) = (
        e["location"][0].as_f64().unwrap(),
        e["location"][1].as_f64().unwrap(),
    );
    assert!(
        (lon - 11.9697).abs() < 1e-7 && (lat - 51.4828).abs() < 1e-7,
        "{lon} {lat}"
    );
    assert_eq!(e["category"], "association_or_initiative");
    assert!(entity(&store, "ohne-ort")["location"].is_null());
}

#[test]
fn kml_placemarks_in_folders_with_extended_data_and_a_hole() {
    let dir = tempfile::tempdir().unwrap();
    // As Google My Maps and uMap export: a Document, Folders, ExtendedData.
    let partners = r##"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>Akteure Halle</name>
    <Schema name="akteure" id="akteure"><SimpleField name="website" type="string"/></Schema>
    <Folder>
      <name>Initiativen</name>
      <Placemark>
        <name>Nachbarschaftsgarten Glaucha</name>
        <description><![CDATA[Gärtnern <b>für alle</b>]]></description>
        <ExtendedData>
          <Data name="kategorie"><value>association_or_initiative</value></Data>
          <SchemaData schemaUrl="#akteure"><SimpleData name="website">https://example.org/garten</SimpleData></SchemaData>
        </ExtendedData>
        <Point><coordinates>11.9702,51.4731,0</coordinates></Point>
      </Placemark>
    </Folder>
    <Placemark><name>Café &amp; Co</name><Point><coordinates>11.9697,51.4828</coordinates></Point></Placemark>
  </Document>
</kml>"##;
    let file = dir.path().join("akteure.kml");
    std::fs::write(&file, partners).unwrap();
    let store = dir.path().join("s.gpkg");
    imported(&store, &file, &["--as", "partners"]);
    let e = entity(&store, "nachbarschaftsgarten-glaucha");
    assert_eq!(e["location"], json!([11.9702, 51.4731]));
    assert_eq!(e["description"], "Gärtnern <b>für alle</b>");
    assert_eq!(e["category"], "association_or_initiative");
    assert_eq!(e["website"], "https://example.org/garten");
    assert_eq!(entity(&store, "cafe-co")["name"], "Café & Co");
    // Districts: a polygon with a hole, and a MultiGeometry of two.
    let ring = |r: &[(f64, f64)]| {
        r.iter()
            .map(|(x, y)| format!("{x},{y},0"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let outer = [
        (11.95, 51.47),
        (11.99, 51.47),
        (11.99, 51.50),
        (11.95, 51.50),
        (11.95, 51.47),
    ];
    let hole = [
        (11.96, 51.48),
        (11.96, 51.49),
        (11.97, 51.49),
        (11.97, 51.48),
        (11.96, 51.48),
    ];
    let a = [
        (12.00, 51.47),
        (12.01, 51.47),
        (12.01, 51.48),
        (12.00, 51.48),
        (12.00, 51.47),
    ];
    let b = [
        (12.02, 51.47),
        (12.03, 51.47),
        (12.03, 51.48),
        (12.02, 51.48),
        (12.02, 51.47),
    ];
    let polygon = |rings: &[&[(f64, f64)]]| {
        let inner: String = rings[1..]
            .iter()
            .map(|r| format!("<innerBoundaryIs><LinearRing><coordinates>{}</coordinates></LinearRing></innerBoundaryIs>", ring(r)))
            .collect();
        format!(
            "<Polygon><outerBoundaryIs><LinearRing><coordinates>{}</coordinates></LinearRing></outerBoundaryIs>{inner}</Polygon>",
            ring(rings[0])
        )
    };
    let kml = format!(
        r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>Stadtteile</name>
<Placemark><name>Mit Teich</name><ExtendedData><Data name="id"><value>k1</value></Data></ExtendedData>{}</Placemark>
<Placemark><name>Zweiteilig</name><ExtendedData><Data name="id"><value>k2</value></Data></ExtendedData><MultiGeometry>{}{}</MultiGeometry></Placemark>
</Folder></Document></kml>"#,
        polygon(&[&outer, &hole]),
        polygon(&[&a]),
        polygon(&[&b])
    );
    let file = dir.path().join("stadtteile.kml");
    std::fs::write(&file, kml).unwrap();
    imported(
        &store,
        &file,
        &["--as", "districts", "--level", "stadtteil"],
    );
    let all = districts(&store);
    let geodesic = |polys: &[Vec<&[(f64, f64)]>]| {
        MultiPolygon(
            polys
                .iter()
                .map(|rings| {
                    let ls: Vec<LineString<f64>> =
                        rings.iter().map(|r| LineString::from(r.to_vec())).collect();
                    Polygon::new(ls[0].clone(), ls[1..].to_vec())
                })
                .collect(),
        )
        .geodesic_area_unsigned()
            / 1e6
    };
    let k1 = district(&all, "k1")["area_km2"].as_f64().unwrap();
    let expected = geodesic(&[vec![&outer, &hole]]);
    assert!((k1 - expected).abs() < 1e-6, "{k1} {expected}");
    let k2 = district(&all, "k2")["area_km2"].as_f64().unwrap();
    let expected = geodesic(&[vec![&a], vec![&b]]);
    assert!((k2 - expected).abs() < 1e-6, "{k2} {expected}");
    assert_eq!(
        districts_at(&store, 11.965, 51.485),
        ["outside"],
        "the hole"
    );
    assert_eq!(districts_at(&store, 11.955, 51.475), ["k1"]);
    // The same as a KMZ, beside its icon, as Google Earth saves it.
    let kmz = dir.path().join("Akteure.kmz");
    zip(
        &kmz,
        &[
            (
                "doc.kml",
                partners
                    .replace("Café &amp; Co", "Café im KMZ")
                    .into_bytes(),
            ),
            ("files/icon.png", vec![0x89, b'P', b'N', b'G']),
        ],
    );
    imported(&store, &kmz, &["--as", "partners"]);
    assert_eq!(
        entity(&store, "cafe-im-kmz")["location"],
        json!([11.9697, 51.4828])
    );
    // A file cut off inside a Placemark is refused, naming the file.
    let cut = dir.path().join("cut.kml");
    std::fs::write(&cut, &partners[..partners.find("<Point>").unwrap() + 20]).unwrap();
    let err = refused(&dir.path().join("t.gpkg"), &cut, &["--as", "partners"]);
    assert!(
        err.contains(&format!(
            "{}: not KML: ends inside <coordinates>: the file is cut off",
            cut.display()
        )),
        "{err}"
    );
}

/// A zip archive at `path` with `(name, bytes)` members.
fn zip(path: &Path, members: &[(&str, Vec<u8>)]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in members {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

/// The files of a Shapefile as zip members under `folder/`.
fn shapefile_members(shp: &Path, folder: &str) -> Vec<(String, Vec<u8>)> {
    ["shp", "shx", "dbf", "prj"]
        .iter()
        .filter_map(|ext| {
            let file = shp.with_extension(ext);
            let bytes = std::fs::read(&file).ok()?;
            let name = file.file_name()?.to_string_lossy().to_string();
            Some((format!("{folder}{name}"), bytes))
        })
        .collect()
}

#[test]
fn a_zipped_shapefile_from_a_geoportal_is_read_with_its_umlauts() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let shp = work.join("Stadtteile.shp");
    districts_shapefile(&shp, &two_districts(0.0));
    std::fs::write(
        shp.with_extension("prj"),
        format!("{}{DHHN2016}", esri_utm32("500000.0")),
    )
    .unwrap();
    let mut members = shapefile_members(&shp, "Stadtteile_Halle/");
    // Old exports write some parts in upper case.
    for (name, _) in &mut members {
        if name.ends_with(".dbf") || name.ends_with(".shx") {
            *name = name.replace("Stadtteile.", "STADTTEILE.").to_uppercase();
        }
    }
    members.push((
        "Stadtteile_Halle/Lizenz_dl-de-by-2-0.txt".into(),
        b"Datenlizenz Deutschland".to_vec(),
    ));
    members.push((
        "__MACOSX/Stadtteile_Halle/._Stadtteile.shp".into(),
        vec![0; 10],
    ));
    let archive = dir.path().join("Stadtteile.zip");
    let borrowed: Vec<(&str, Vec<u8>)> = members
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    zip(&archive, &borrowed);
    let store = dir.path().join("s.gpkg");
    imported(
        &store,
        &archive,
        &["--as", "districts", "--level", "stadtteil"],
    );
    let all = districts(&store);
    assert_eq!(district(&all, "s1")["name"], "Südstadt");
    assert_eq!(district(&all, "f1")["name"], "Fünfhausen");
    let (lon, lat) = lonlat(X0 + 1000.0, Y0 + 1000.0);
    assert_eq!(districts_at(&store, lon, lat), ["s1"]);
    // Problems name the member inside the archive.
    let err = refused(&dir.path().join("t.gpkg"), &archive, &["--as", "districts"]);
    assert!(
        err.contains(&format!(
            "{}: no feature names its level",
            archive.join("Stadtteile_Halle/Stadtteile.shp").display()
        )),
        "{err}"
    );
    // A CSV beside it: two data files, the user chooses with --layer.
    let mut with_csv = borrowed.clone();
    with_csv.push((
        "Akteure.csv",
        "name;lat;lon\nVerein im Zip;51,4828;11,9697\n"
            .as_bytes()
            .to_vec(),
    ));
    let both = dir.path().join("Download.zip");
    zip(&both, &with_csv);
    let err = refused(&dir.path().join("t.gpkg"), &both, &["--as", "partners"]);
    assert!(
        err.contains("holds 2 data files: Stadtteile_Halle/Stadtteile.shp, Akteure.csv; choose one with --layer NAME"),
        "{err}"
    );
    imported(&store, &both, &["--as", "partners", "--layer", "Akteure"]);
    assert_eq!(
        entity(&store, "verein-im-zip")["location"],
        json!([11.9697, 51.4828])
    );
}

#[test]
fn a_zip_member_that_leaves_the_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    let archive = inner.join("evil.zip");
    zip(&archive, &[("../evil.shp", b"not a shapefile".to_vec())]);
    let err = refused(&dir.path().join("s.gpkg"), &archive, &["--as", "districts"]);
    assert!(
        err.contains(&format!(
            "{}: member \"../evil.shp\" would be written outside the archive's folder (an absolute path or \"..\"); the archive is refused",
            archive.display()
        )),
        "{err}"
    );
    assert!(!dir.path().join("evil.shp").exists());
    assert!(!std::env::temp_dir().join("evil.shp").exists());
}

fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names
}

#[test]
fn an_input_geopackage_is_opened_without_writing_beside_it() {
    // Regression: reading a WAL-mode GeoPackage left `-wal` and `-shm`
    // files beside the user's file.
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.gpkg");
    let geojson = dir.path().join("d.geojson");
    std::fs::write(
        &geojson,
        json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"id": "g1", "name": "Giebichenstein", "level": "stadtteil"},
            "geometry": {"type": "Polygon", "coordinates": [[[11.95, 51.49], [11.96, 51.49],
                [11.96, 51.50], [11.95, 51.50], [11.95, 51.49]]]}}]})
        .to_string(),
    )
    .unwrap();
    imported(&source, &geojson, &["--as", "districts"]);
    let folder = dir.path().join("user");
    std::fs::create_dir(&folder).unwrap();
    let input = folder.join("Stadtteile.gpkg");
    bin(&source)
        .args(["export", "gpkg", "--out"])
        .arg(&input)
        .assert()
        .success();
    {
        let conn = rusqlite::Connection::open(&input).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
    let header = std::fs::read(&input).unwrap();
    assert_eq!((header[18], header[19]), (2, 2), "a WAL-mode file");
    let before = listing(&folder);
    assert_eq!(
        before,
        std::slice::from_ref(&input),
        "closing removed -wal and -shm"
    );
    let store = dir.path().join("s.gpkg");
    imported(
        &store,
        &input,
        &["--as", "districts", "--layer", "districts"],
    );
    assert_eq!(listing(&folder), before);
    assert_eq!(std::fs::read(&input).unwrap(), header);
    assert_eq!(district(&districts(&store), "g1")["name"], "Giebichenstein");
    // Open in another program, with a change still in its -wal: that change
    // is read.
    let other = rusqlite::Connection::open(&input).unwrap();
    other
        .execute_batch(
            "PRAGMA wal_autocheckpoint=0; UPDATE districts SET name = 'Giebichenstein-Nord';",
        )
        .unwrap();
    let wal = folder.join("Stadtteile.gpkg-wal");
    assert!(wal.exists());
    let fresh = dir.path().join("fresh.gpkg");
    imported(
        &fresh,
        &input,
        &["--as", "districts", "--layer", "districts"],
    );
    assert_eq!(
        district(&districts(&fresh), "g1")["name"],
        "Giebichenstein-Nord"
    );
    drop(other);
}
