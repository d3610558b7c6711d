//! Official district layers as cities publish them: one file per level, none
//! naming a parent or an id, names in columns such as `BEZ_NAME`, a name
//! repeated across levels ("Mitte"), a district in two parts; and point
//! layers whose names repeat. Answers are checked against a brute-force
//! point-in-polygon scan of each layer on its own.

mod common;

use common::cli::bin;

use geo::{Contains, LineString, MultiPolygon, Point, Polygon};
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// Runs a command that must succeed; returns (stdout, stderr).
fn ok(store: &Path, args: &[&str]) -> (String, String) {
    let out = bin(store).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{args:?}: {stderr}");
    (String::from_utf8_lossy(&out.stdout).to_string(), stderr)
}

fn json_of(store: &Path, args: &[&str]) -> Value {
    let mut all = vec!["-q"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    serde_json::from_str(&ok(store, &all).0).unwrap()
}

/// A grid of 16 × 16 cells over part of Halle whose inner vertices are
/// moved at random, so that boundaries are irregular but shared exactly by
/// neighbouring districts.
struct Grid {
    vertex: Vec<Vec<(f64, f64)>>,
}

const N: usize = 16;

impl Grid {
    fn new(seed: u64) -> Self {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
        let (dx, dy) = (0.2 / N as f64, 0.15 / N as f64);
        let vertex = (0..=N)
            .map(|i| {
                (0..=N)
                    .map(|j| {
                        let inner = |k: usize| k > 0 && k < N;
                        let jx = if inner(i) {
                            rng.random_range(-0.3..0.3) * dx
                        } else {
                            0.0
                        };
                        let jy = if inner(j) {
                            rng.random_range(-0.3..0.3) * dy
                        } else {
                            0.0
                        };
                        (11.85 + i as f64 * dx + jx, 51.40 + j as f64 * dy + jy)
                    })
                    .collect()
            })
            .collect();
        Self { vertex }
    }

    /// The block of cells [i0, i1) × [j0, j1), walking the shared vertices.
    fn block(&self, i0: usize, j0: usize, i1: usize, j1: usize) -> Polygon<f64> {
        let mut ring = Vec::new();
        ring.extend((i0..i1).map(|i| self.vertex[i][j0]));
        ring.extend((j0..j1).map(|j| self.vertex[i1][j]));
        ring.extend((i0 + 1..=i1).rev().map(|i| self.vertex[i][j1]));
        ring.extend((j0 + 1..=j1).rev().map(|j| self.vertex[i0][j]));
        ring.push(self.vertex[i0][j0]);
        Polygon::new(LineString::from(ring), vec![])
    }
}

/// Districts by name.
type Named = Vec<(String, MultiPolygon<f64>)>;

/// One level: (level id, name column, id column, block size in cells (w, h), names).
struct Layer {
    level: &'static str,
    name_column: &'static str,
    id_column: Option<&'static str>,
    size: (usize, usize),
}

const LAYERS: [Layer; 4] = [
    Layer {
        level: "bezirk",
        name_column: "BEZ_NAME",
        id_column: None,
        size: (8, 8),
    },
    Layer {
        level: "prognoseraum",
        name_column: "PGR_NAME",
        id_column: Some("PGR_ID"),
        size: (8, 4),
    },
    Layer {
        level: "bezirksregion",
        name_column: "BZR_NAME",
        id_column: None,
        size: (4, 4),
    },
    Layer {
        level: "planungsraum",
        name_column: "PLR_NAME",
        id_column: Some("PLR_ID"),
        size: (2, 2),
    },
];

/// The layer's districts: name → polygons. The first district of every
/// layer is called "Mitte" (a name repeated across levels, as in Berlin).
fn districts_of(grid: &Grid, layer: &Layer) -> Named {
    let (w, h) = layer.size;
    let mut out = Vec::new();
    for bi in 0..N / w {
        for bj in 0..N / h {
            let k = out.len();
            let name = if k == 0 {
                "Mitte".to_string()
            } else {
                format!("{} {}", layer.level, k + 1)
            };
            let poly = grid.block(bi * w, bj * h, (bi + 1) * w, (bj + 1) * h);
            out.push((name, MultiPolygon(vec![poly])));
        }
    }
    out
}

fn ring_json(p: &Polygon<f64>) -> Value {
    json!([p
        .exterior()
        .coords()
        .map(|c| json!([c.x, c.y]))
        .collect::<Vec<_>>()])
}

/// The layer as a GeoJSON file with official-style columns and no parent.
/// The last district of the finest layer is published in two features.
fn write_layer(dir: &Path, grid: &Grid, layer: &Layer) -> std::path::PathBuf {
    let mut features = Vec::new();
    let list = districts_of(grid, layer);
    let last = list.len() - 1;
    for (k, (name, mp)) in list.iter().enumerate() {
        let mut props = serde_json::Map::new();
        props.insert(layer.name_column.into(), json!(name));
        if let Some(col) = layer.id_column {
            props.insert(col.into(), json!(format!("{:02}{:03}", k / 10, k)));
        }
        props.insert("FLAECHE_HA".into(), json!(123.4));
        let poly = &mp.0[0];
        if layer.level == "planungsraum" && k == last {
            // Split along the middle: two features with the same id and name.
            let (w, h) = layer.size;
            let (bi, bj) = (k / (N / h), k % (N / h));
            let (i0, j0) = (bi * w, bj * h);
            for part in [
                grid.block(i0, j0, i0 + 1, j0 + h),
                grid.block(i0 + 1, j0, i0 + w, j0 + h),
            ] {
                features.push(json!({"type": "Feature", "properties": props.clone(),
                    "geometry": {"type": "Polygon", "coordinates": ring_json(&part)}}));
            }
            continue;
        }
        features.push(json!({"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": ring_json(poly)}}));
    }
    let path = dir.join(format!("{}.geojson", layer.level));
    std::fs::write(
        &path,
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .unwrap();
    path
}

/// Random points inside the grid, as a partner list whose names repeat and
/// which has no id column.
fn write_points(dir: &Path, count: usize) -> (std::path::PathBuf, Vec<(String, Point<f64>)>) {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
    let mut csv = String::from("name,address,lon,lat\n");
    let mut points = Vec::new();
    for k in 0..count {
        let p: Point<f64> = Point::new(
            rng.random_range(11.851..12.049),
            rng.random_range(51.401..51.549),
        );
        let (x, y) = (format!("{:.7}", p.x()), format!("{:.7}", p.y()));
        let name = match k % 3 {
            0 => "Grundschule am Park".to_string(),
            1 => format!("Kita Nr. {}", k % 7),
            _ => format!("Verein {k}"),
        };
        csv.push_str(&format!("{name},Aachener Str. {k},{x},{y}\n"));
        points.push((name, Point::new(x.parse().unwrap(), y.parse().unwrap())));
    }
    let path = dir.join("partners.csv");
    std::fs::write(&path, csv).unwrap();
    (path, points)
}

/// Per point and level: the name of the one district of that layer holding it.
fn brute_force(grid: &Grid, points: &[(String, Point<f64>)]) -> Vec<BTreeMap<String, String>> {
    let layers: Vec<(&str, Named)> = LAYERS
        .iter()
        .map(|l| (l.level, districts_of(grid, l)))
        .collect();
    points
        .iter()
        .map(|(_, p)| {
            layers
                .iter()
                .map(|(level, list)| {
                    let holding: Vec<&String> = list
                        .iter()
                        .filter(|(_, mp)| mp.contains(p))
                        .map(|(n, _)| n)
                        .collect();
                    assert_eq!(holding.len(), 1, "{p:?} at {level}");
                    (level.to_string(), holding[0].clone())
                })
                .collect()
        })
        .collect()
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn independent_level_layers_each_tile_their_own_level() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let grid = Grid::new(3);
    let files: Vec<_> = LAYERS
        .iter()
        .map(|l| write_layer(dir.path(), &grid, l))
        .collect();
    let (partners, points) = write_points(dir.path(), 600);

    // As a planner would: one layer after the other, the coarsest first;
    // the third is placed explicitly, the others by the size of their districts.
    let (_, err) = ok(
        &store,
        &[
            "import",
            path_str(&files[0]),
            "--as",
            "districts",
            "--level",
            "bezirk",
            "--name-column",
            "BEZ_NAME",
        ],
    );
    assert!(err.contains("districts +4"), "{err}");
    let (_, err) = ok(
        &store,
        &[
            "import",
            path_str(&files[1]),
            "--as",
            "districts",
            "--level",
            "prognoseraum",
            "--name-column",
            "PGR_NAME",
            "--id-column",
            "PGR_ID",
        ],
    );
    assert!(
        err.contains("level 'prognoseraum' is new: placed below 'bezirk'"),
        "{err}"
    );
    // Its ids (00000, 00001, …) are only unique within the level, like the
    // Prognoseräume's: they are told apart by the level, not taken over.
    let (_, err) = ok(
        &store,
        &[
            "import",
            path_str(&files[3]),
            "--as",
            "districts",
            "--level",
            "planungsraum",
            "--map",
            "name=PLR_NAME",
            "--map",
            "id=PLR_ID",
        ],
    );
    assert!(
        err.contains("'00001' (planungsraum) → '00001-planungsraum'"),
        "{err}"
    );
    let (_, err) = ok(
        &store,
        &[
            "import",
            path_str(&files[2]),
            "--as",
            "districts",
            "--level",
            "bezirksregion",
            "--name-column",
            "BZR_NAME",
            "--below",
            "prognoseraum",
        ],
    );
    // Bezirk "Mitte" and Bezirksregion "Mitte" have no ids: told apart by level.
    assert!(err.contains("'mitte-bezirksregion'"), "{err}");
    // The split Planungsraum is one district.
    let rows = json_of(&store, &["districts", "--level", "planungsraum"]);
    assert_eq!(rows.as_array().unwrap().len(), 64, "{rows}");
    let (_, err) = ok(&store, &["import", path_str(&partners), "--as", "partners"]);
    assert!(err.contains("share a name"), "{err}");

    let levels: Vec<String> = json_of(&store, &["where", "11.95,51.47"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        levels,
        ["bezirk", "prognoseraum", "bezirksregion", "planungsraum"]
    );

    let expected = brute_force(&grid, &points);
    let listed = json_of(&store, &["list"]);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), points.len());
    let mut found: BTreeMap<(String, String), Vec<BTreeMap<String, String>>> = BTreeMap::new();
    for row in listed {
        let key = (row["lon"].to_string(), row["lat"].to_string());
        let districts: BTreeMap<String, String> = row["districts"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        found.entry(key).or_default().push(districts);
    }
    for ((_, p), want) in points.iter().zip(&expected) {
        let key = (json!(p.x()).to_string(), json!(p.y()).to_string());
        let got = &found[&key];
        assert!(got.contains(want), "{p:?}: {got:?} != {want:?}");
    }
    // Every level's matrix counts every point once.
    for layer in &LAYERS {
        let m = json_of(&store, &["matrix", "--level", layer.level, "--by", "kind"]);
        let total: u64 = m["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["district_id"] != "outside" && r["district_id"] != "city-wide")
            .map(|r| r["total"].as_u64().unwrap())
            .sum();
        assert_eq!(total, points.len() as u64, "{}", layer.level);
    }
    // Parents were derived: a Planungsraum's parent is the Bezirksregion holding it.
    let rows = json_of(&store, &["districts", "--level", "planungsraum"]);
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["parent"].is_string()),
        "{rows}"
    );
}

#[test]
fn a_manifest_with_three_levels_as_three_files_gives_the_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    let grid = Grid::new(11);
    for layer in [&LAYERS[0], &LAYERS[2], &LAYERS[3]] {
        write_layer(dir.path(), &grid, layer);
    }
    let (_, points) = write_points(dir.path(), 300);
    std::fs::write(
        dir.path().join("atlas.toml"),
        r#"levels = ["bezirk", "bezirksregion", "planungsraum"]

[[file]]
path = "bezirk.geojson"
as = "districts"
level = "bezirk"
[file.columns]
name = "BEZ_NAME"

[[file]]
path = "bezirksregion.geojson"
as = "districts"
level = "bezirksregion"
[file.columns]
name = "BZR_NAME"

[[file]]
path = "planungsraum.geojson"
as = "districts"
level = "planungsraum"
[file.columns]
name = "PLR_NAME"
id = "PLR_ID"

[[file]]
path = "partners.csv"
as = "partners"
"#,
    )
    .unwrap();
    let store = dir.path().join("s.gpkg");
    ok(&store, &["import", path_str(dir.path())]);
    let expected = brute_force(&grid, &points);
    let listed = json_of(&store, &["list"]);
    let mut seen = 0;
    for row in listed.as_array().unwrap() {
        let (lon, lat) = (row["lon"].as_f64().unwrap(), row["lat"].as_f64().unwrap());
        let k = points
            .iter()
            .position(|(_, p)| p.x() == lon && p.y() == lat)
            .unwrap();
        for level in ["bezirk", "bezirksregion", "planungsraum"] {
            assert_eq!(row["districts"][level], expected[k][level], "{row}");
        }
        seen += 1;
    }
    assert_eq!(seen, points.len());
    // Importing the folder again changes nothing.
    let (_, err) = ok(&store, &["import", path_str(dir.path())]);
    assert!(err.contains("nothing to change"), "{err}");
}

fn halle() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/halle")
}

/// Entity id → its district names per level, from `list`.
fn placed(store: &Path) -> BTreeMap<String, Value> {
    json_of(store, &["list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["districts"].clone(),
            )
        })
        .collect()
}

#[test]
fn an_official_layer_replaces_the_provisional_one_and_every_entity_is_reassigned() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    ok(&store, &["-q", "import", halle().to_str().unwrap()]);
    let before = placed(&store);

    // The Stadtteile as a city's geoportal would publish them: numbered,
    // names in STT_NAME, no parent, not provisional.
    let provisional: Value = serde_json::from_str(
        &std::fs::read_to_string(halle().join("districts_provisional.geojson")).unwrap(),
    )
    .unwrap();
    let features: Vec<Value> = provisional["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["level"] == "stadtteil")
        .enumerate()
        .map(|(k, f)| {
            json!({"type": "Feature", "geometry": f["geometry"],
                "properties": {"STT_NR": format!("{:02}", k + 1), "STT_NAME": f["properties"]["name"],
                    "EW_2020": 1000 + k}})
        })
        .collect();
    let official = dir.path().join("Stadtteile.geojson");
    std::fs::write(
        &official,
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .unwrap();
    let file = official.to_str().unwrap();
    let flags = [
        "--as",
        "districts",
        "--level",
        "stadtteil",
        "--id-column",
        "STT_NR",
        "--name-column",
        "STT_NAME",
        "--population-column",
        "EW_2020",
    ];

    let mut args = vec!["import", file];
    args.extend(flags);
    args.push("--replace");
    let (_, err) = ok(&store, &args);
    assert!(err.contains("districts +22 ~"), "{err}");
    assert!(err.contains("-22"), "{err}");
    assert!(
        err.contains("aliases of replaced districts carried over"),
        "{err}"
    );
    // Halle's Stadtteil "Halle" spans four Stadtbezirke: said, with the shares.
    assert!(
        err.contains("stadtteil 'Halle' (19) does not nest in one stadtbezirk: 29 % in 'Süd'"),
        "{err}"
    );

    let rows = json_of(&store, &["districts", "--level", "stadtteil"]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 22);
    assert!(
        rows.iter().all(|r| r["id"].as_str().unwrap().len() == 2),
        "{rows:?}"
    );
    // Same boundaries, other ids: every entity lies in the district of the same name.
    let after = placed(&store);
    let moved: Vec<_> = before
        .iter()
        .filter(|(id, was)| after.get(*id) != Some(was))
        .map(|(id, was)| format!("{id}: {was} -> {:?}", after.get(id)))
        .collect();
    assert!(moved.is_empty(), "{moved:#?}");
    // Projects that name "Halle-Neustadt" still find it.
    let inside = json_of(&store, &["in", "Halle-Neustadt"]);
    assert!(!inside.as_array().unwrap().is_empty());
    // Importing the same layer again changes nothing.
    let (_, err) = ok(&store, &args);
    assert!(err.contains("nothing to change"), "{err}");
}

/// Halle's Marktplatz and a point in Neustadt in another CRS (x, y).
fn projected(code: &str, points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    use proj4rs::proj::Proj;
    let from = Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs").unwrap();
    let to = Proj::from_proj_string(code).unwrap();
    points
        .iter()
        .map(|&(lon, lat)| {
            let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
            proj4rs::transform::transform(&from, &to, &mut p).unwrap();
            (p.0, p.1)
        })
        .collect()
}

#[test]
fn coordinates_read_in_the_wrong_utm_zone_are_refused_with_the_likely_cause() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    ok(&store, &["-q", "import", halle().to_str().unwrap()]);
    let before = common::cli::state(&store);
    let utm33 = projected(
        "+proj=utm +zone=33 +ellps=GRS80 +units=m +no_defs",
        &[(11.9697, 51.4828), (11.91, 51.47)],
    );
    let csv = dir.path().join("partner_utm33.csv");
    std::fs::write(
        &csv,
        format!(
            "name;rechtswert;hochwert\nMarktplatz-Akteur;{:.2};{:.2}\nNeustadt-Akteur;{:.2};{:.2}\n",
            utm33[0].0, utm33[0].1, utm33[1].0, utm33[1].1
        ),
    )
    .unwrap();
    let file = csv.to_str().unwrap();
    // Read as zone 32, they land some 400 km west of Halle.
    let out = bin(&store)
        .args(["import", file, "--as", "partners", "--crs", "EPSG:25832"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "2 of 2 features lie more than 50 km from the store's districts (read as EPSG:25832)"
        ) && err.contains("Most likely the CRS is wrong"),
        "{err}"
    );
    assert_eq!(common::cli::state(&store), before);
    // Read in their own zone, they are where they belong.
    ok(
        &store,
        &[
            "-q",
            "import",
            file,
            "--as",
            "partners",
            "--crs",
            "EPSG:25833",
        ],
    );
    let e = json_of(&store, &["show", "marktplatz-akteur"]);
    assert_eq!(e["districts"]["stadtbezirk"], "Mitte (provisional)", "{e}");
}

/// A row of a test Shapefile: its attributes and its ring in metres.
type Row = (Vec<String>, Vec<(f64, f64)>);

/// A polygon Shapefile in ETRS89 / UTM 32N with an Esri `.prj` (with the
/// height system German municipalities add) and a Latin-1 `.dbf`: one row
/// per `(attributes, ring in metres)`, attributes as (column, text).
fn shapefile(path: &Path, columns: &[&str], rows: &[Row]) {
    use shapefile::dbase::{self, FieldName, FieldValue, Record, TableWriterBuilder};
    let mut table = TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
        encoding_rs::WINDOWS_1252,
    ));
    for c in columns {
        table = table.add_character_field(FieldName::try_from(*c).unwrap(), 40);
    }
    {
        let mut w = shapefile::Writer::from_path(path, table).unwrap();
        for (values, ring) in rows {
            let points = ring
                .iter()
                .map(|&(x, y)| shapefile::Point::new(x, y))
                .collect();
            let polygon =
                shapefile::Polygon::with_rings(vec![shapefile::PolygonRing::Outer(points)]);
            let mut record = Record::default();
            for (c, v) in columns.iter().zip(values) {
                record.insert(c.to_string(), FieldValue::Character(Some(v.clone())));
            }
            w.write_shape_and_record(&polygon, &record).unwrap();
        }
    }
    std::fs::write(
        path.with_extension("prj"),
        r#"PROJCS["ETRS_1989_UTM_Zone_32N",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",9.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]],VERTCS["DHHN2016_Height",VDATUM["Deutsches_Haupthoehennetz_2016"],PARAMETER["Vertical_Shift",0.0],PARAMETER["Direction",1.0],UNIT["Meter",1.0]]"#,
    )
    .unwrap();
}

/// A rectangle in UTM 32N metres, clockwise as Shapefiles want outer rings.
fn rect_utm(x: f64, y: f64, w: f64, h: f64) -> Vec<(f64, f64)> {
    vec![(x, y), (x, y + h), (x + w, y + h), (x + w, y), (x, y)]
}

#[test]
fn the_readmes_manifest_for_official_layers_imports_three_shapefiles() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme.find("### Official district layers").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let manifest = &section[start..start + section[start..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("atlas.toml"), manifest).unwrap();
    // Halle's inner city in UTM 32N: two Stadtbezirke of 4 × 4 km, each two
    // Stadtteile of 2 × 4 km, each two Stadtviertel of 2 × 2 km.
    let (x0, y0) = (704_000.0, 5_704_000.0);
    let bezirke: Vec<_> = (0..2)
        .map(|b| {
            (
                vec![format!("{}", b + 1), ["Mitte", "Süd"][b].to_string()],
                rect_utm(x0 + 4000.0 * b as f64, y0, 4000.0, 4000.0),
            )
        })
        .collect();
    let teile: Vec<_> = (0..4)
        .map(|t| {
            (
                vec![
                    format!("{}", 10 + t),
                    format!("Stadtteil {}", 10 + t),
                    format!("{}", 1000 * (t + 1)),
                ],
                rect_utm(x0 + 2000.0 * t as f64, y0, 2000.0, 4000.0),
            )
        })
        .collect();
    let viertel: Vec<_> = (0..8)
        .map(|v| {
            (
                vec![
                    format!("{}", 100 + v),
                    format!("Viertel {}", 100 + v),
                    format!("{}", 10 + v / 2),
                ],
                rect_utm(
                    x0 + 2000.0 * (v / 2) as f64,
                    y0 + 2000.0 * (v % 2) as f64,
                    2000.0,
                    2000.0,
                ),
            )
        })
        .collect();
    shapefile(
        &dir.path().join("Stadtbezirke.shp"),
        &["SBZ_NR", "SBZ_NAME"],
        &bezirke,
    );
    shapefile(
        &dir.path().join("Stadtteile.shp"),
        &["STT_NR", "STT_NAME", "EW_2020"],
        &teile,
    );
    shapefile(
        &dir.path().join("Stadtviertel.shp"),
        &["SVT_NR", "SVT_NAME", "STT_NR"],
        &viertel,
    );
    let store = dir.path().join("s.gpkg");
    let (_, err) = ok(&store, &["import", path_str(dir.path())]);
    assert!(err.contains("districts +14"), "{err}");
    assert!(
        err.contains("height system \"DHHN2016_Height\" is ignored"),
        "{err}"
    );
    let rows = json_of(&store, &["districts"]);
    let rows = rows.as_array().unwrap();
    let get = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id}: {rows:?}"))
    };
    assert_eq!(get("2")["name"], "Süd");
    assert_eq!(get("11")["population"], 2000);
    // Parents: Stadtteile from the geometry, Stadtviertel from their STT_NR column.
    assert_eq!(get("11")["parent"], "1");
    assert_eq!(get("12")["parent"], "2");
    assert_eq!(get("105")["parent"], "12");
    let levels: Vec<Value> = json_of(&store, &["where", "11.97,51.47"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].clone())
        .collect();
    assert_eq!(
        levels,
        [json!("stadtbezirk"), json!("stadtteil"), json!("viertel")]
    );
}

/// Halle's provisional Stadtteile written by GDAL in every format it and we
/// share, as official portals produce them (Shapefile with heights in
/// EPSG:25832 and a Latin-1 .cpg, a GeoPackage with two layers, GeoJSON with
/// an old-style crs member, KML, zipped): each imports with the same
/// districts and areas as the source. Skipped where GDAL is missing (CI
/// installs it).
#[test]
fn files_written_by_gdal_import_with_the_same_districts_and_areas() {
    let ogr2ogr = Path::new("/usr/bin/ogr2ogr");
    if !ogr2ogr.exists() {
        eprintln!("skipped: /usr/bin/ogr2ogr (gdal-bin) is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let provisional: Value = serde_json::from_str(
        &std::fs::read_to_string(halle().join("districts_provisional.geojson")).unwrap(),
    )
    .unwrap();
    let features: Vec<Value> = provisional["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["level"] == "stadtteil")
        .enumerate()
        .map(|(k, f)| {
            json!({"type": "Feature", "geometry": f["geometry"],
                "properties": {"STT_NR": format!("{}", k + 1), "STT_NAME": f["properties"]["name"]}})
        })
        .collect();
    let source = dir.path().join("source.geojson");
    std::fs::write(
        &source,
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .unwrap();
    let gdal = |args: &[&str]| {
        let out = std::process::Command::new(ogr2ogr)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ogr2ogr {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let at = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let src = at("source.geojson");
    gdal(&[
        "-f",
        "ESRI Shapefile",
        "-dim",
        "XYZ",
        "-t_srs",
        "EPSG:25832",
        "-lco",
        "ENCODING=ISO-8859-1",
        &at("st_z.shp"),
        &src,
    ]);
    gdal(&[
        "-f",
        "GPKG",
        "-dim",
        "XYZ",
        "-t_srs",
        "EPSG:25832",
        "-nln",
        "stadtteile",
        &at("st.gpkg"),
        &src,
    ]);
    gdal(&[
        "-f",
        "GPKG",
        "-update",
        "-nln",
        "andere",
        &at("st.gpkg"),
        &src,
    ]);
    gdal(&[
        "-f",
        "GeoJSON",
        "-t_srs",
        "EPSG:25832",
        "-lco",
        "RFC7946=NO",
        &at("st_25832.geojson"),
        &src,
    ]);
    gdal(&["-f", "KML", &at("st.kml"), &src]);
    gdal(&["-f", "GeoJSON", "-dim", "XYZ", &at("st_z.geojson"), &src]);
    gdal(&[
        "-f",
        "CSV",
        "-lco",
        "GEOMETRY=AS_WKT",
        "-t_srs",
        "EPSG:25832",
        &at("st_wkt.csv"),
        &src,
    ]);
    {
        let file = std::fs::File::create(dir.path().join("st_shp.zip")).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
            zip.start_file(
                format!("Stadtteile/st_z.{ext}"),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            std::io::Write::write_all(
                &mut zip,
                &std::fs::read(dir.path().join(format!("st_z.{ext}"))).unwrap(),
            )
            .unwrap();
        }
        zip.finish().unwrap();
    }
    let summary = |store: &Path| -> Vec<(String, String, i64)> {
        json_of(store, &["districts"])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_string(),
                    r["name"].as_str().unwrap().to_string(),
                    // Hectares: the same to 1 m² per ha after a round trip through UTM.
                    (r["area_km2"].as_f64().unwrap() * 1e4).round() as i64,
                )
            })
            .collect()
    };
    let import = |file: &str, extra: &[&str]| {
        let store = dir.path().join(format!("{file}.gpkg"));
        let mut args = vec![
            "-q",
            "import",
            file,
            "--as",
            "districts",
            "--level",
            "stadtteil",
            "--name-column",
            "STT_NAME",
            "--id-column",
            "STT_NR",
        ];
        args.extend_from_slice(extra);
        ok(&store, &args);
        summary(&store)
    };
    let expected = import(&src, &[]);
    assert_eq!(expected.len(), 22);
    for (file, extra) in [
        ("st_z.shp", &[][..]),
        ("st.gpkg", &["--layer", "stadtteile"][..]),
        ("st_25832.geojson", &[][..]),
        ("st.kml", &[][..]),
        ("st_z.geojson", &[][..]),
        ("st_shp.zip", &[][..]),
        ("st_wkt.csv", &["--crs", "EPSG:25832"][..]),
    ] {
        assert_eq!(import(&at(file), extra), expected, "{file}");
    }
}
