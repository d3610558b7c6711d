//! Seeded synthetic inventories for the benchmarks.
//!
//! `cargo run --release --example synth -- --out DIR --entities N [--seed 42] [--names register|made-up]`
//! writes into DIR:
//! - `districts.geojson`: the 9 largest Halle Stadtteile of the bundled
//!   (provisional) boundaries, their edges densified to ~3,100 vertices per
//!   district with smooth seeded wiggles. Each edge is wiggled from its own
//!   endpoints, so an edge shared by two districts stays shared and the set
//!   still tiles without gaps or overlaps.
//! - `partners.csv`: N partners, clustered like a city's actors: Gaussian
//!   clusters of random weight and spread around every Stadtteil centre, a
//!   dense one around the Marktplatz, and 8 % spread over the whole city.
//!   With `--names register` (the default) names, addresses and places are
//!   like a city's registers (see `names.rs`): many records per street,
//!   "Grundschule …", "Kita …", "Aachener Str. 12", and a labelled set of
//!   planted duplicates in `duplicates.csv`; `--names made-up` gives the
//!   earlier random words.
//! - `atlas.toml`: the manifest, so `stadtatlas import DIR` reads both.
//!
//! The same seed gives the same bytes.

mod names;

use geo::{Area, Coord, InteriorPoint, LineString, MultiPolygon, Polygon, Validation};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// How many districts the benchmark polygons have.
const DISTRICTS: usize = 9;
/// Vertices wanted over all districts (~3,100 each).
const TOTAL_VERTICES: f64 = 28_000.0;
/// Wiggle amplitude as a share of an edge's length.
const AMPLITUDE: f64 = 0.02;
/// The Marktplatz, the densest cluster.
const MARKTPLATZ: (f64, f64) = (11.9697, 51.4828);
/// Kilometres per degree of latitude.
const KM_PER_DEG: f64 = 111.32;

const FIELDS: [&str; 10] = [
    "bildung",
    "gesundheit",
    "kultur",
    "soziales",
    "sport",
    "umwelt",
    "verkehr",
    "wirtschaft",
    "wissenschaft",
    "verwaltung",
];
const CATEGORIES: [&str; 6] = [
    "association_or_initiative",
    "company",
    "public_authority",
    "school_or_education",
    "cultural_institution",
    "chamber_or_network",
];
const SYLLABLES: [&str; 24] = [
    "ba", "ko", "ri", "te", "lu", "mo", "sa", "ne", "di", "gra", "fel", "tor", "hal", "wen", "bur",
    "lin", "sto", "mar", "ve", "ka", "ro", "zi", "pe", "dor",
];
const FORMS: [&str; 6] = ["e. V.", "GmbH", "gGmbH", "eG", "Initiative", "Stiftung"];

/// A made-up organisation name: two random words and a legal form, so that
/// names differ like a real register's do.
fn name(rng: &mut Pcg64) -> String {
    let mut word = |syllables: usize| {
        let mut w: String = (0..syllables)
            .map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())])
            .collect();
        w[..1].make_ascii_uppercase();
        w
    };
    let (a, b) = (word(2), word(3));
    format!("{a} {b} {}", FORMS[rng.random_range(0..FORMS.len())])
}

struct Args {
    out: PathBuf,
    entities: usize,
    seed: u64,
    /// Register-like names (true) or made-up words.
    register: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let mut entities = None;
    let mut seed = 42;
    let mut register = true;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--entities" => {
                let v = value()?;
                entities = Some(
                    v.parse()
                        .map_err(|_| format!("--entities {v}: not a count"))?,
                );
            }
            "--seed" => {
                let v = value()?;
                seed = v.parse().map_err(|_| format!("--seed {v}: not a number"))?;
            }
            "--names" => {
                register = match value()?.as_str() {
                    "register" => true,
                    "made-up" => false,
                    v => return Err(format!("--names {v}: register or made-up")),
                }
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        out: out.ok_or("--out DIR is required")?,
        entities: entities.ok_or("--entities N is required")?,
        seed,
        register,
    })
}

/// A Stadtteil of the bundled Halle boundaries.
struct Source {
    name: String,
    shape: MultiPolygon<f64>,
}

fn halle_stadtteile() -> Vec<Source> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/halle/districts_provisional.geojson");
    let text = std::fs::read_to_string(&path).expect("data/halle/districts_provisional.geojson");
    let collection: geojson::FeatureCollection = text.parse().expect("valid GeoJSON");
    collection
        .features
        .into_iter()
        .filter(|f| f.property("level").and_then(|l| l.as_str()) == Some("stadtteil"))
        .map(|f| {
            let name = f
                .property("name")
                .and_then(|n| n.as_str())
                .unwrap_or("?")
                .to_string();
            let geometry: geo::Geometry<f64> = f
                .geometry
                .expect("districts have geometry")
                .try_into()
                .expect("polygonal");
            let shape = match geometry {
                geo::Geometry::MultiPolygon(mp) => mp,
                geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
                other => panic!("{name}: unexpected {other:?}"),
            };
            Source { name, shape }
        })
        .collect()
}

/// Local isotropic plane around Halle: x scaled by cos(latitude), in km.
fn to_km(c: Coord<f64>) -> Coord<f64> {
    let k = MARKTPLATZ.1.to_radians().cos();
    Coord {
        x: c.x * KM_PER_DEG * k,
        y: c.y * KM_PER_DEG,
    }
}

fn from_km(c: Coord<f64>) -> Coord<f64> {
    let k = MARKTPLATZ.1.to_radians().cos();
    Coord {
        x: c.x / (KM_PER_DEG * k),
        y: c.y / KM_PER_DEG,
    }
}

/// The interior points of an edge, wiggled; depends only on the edge and the seed.
fn wiggle(a: Coord<f64>, b: Coord<f64>, step_km: f64, seed: u64) -> Vec<Coord<f64>> {
    // Generate in a canonical direction so both districts of an edge agree.
    let key = |c: Coord<f64>| (c.x.to_bits(), c.y.to_bits());
    let reversed = key(a) > key(b);
    let (p, q) = if reversed { (b, a) } else { (a, b) };
    let mut hasher = DefaultHasher::new();
    (seed, key(p), key(q)).hash(&mut hasher);
    let mut rng = Pcg64::seed_from_u64(hasher.finish());

    let (pk, qk) = (to_km(p), to_km(q));
    let d = qk - pk;
    let len = d.x.hypot(d.y);
    let pieces = (len / step_km).ceil().max(1.0) as usize;
    let normal = Coord {
        x: -d.y / len,
        y: d.x / len,
    };
    // A sum of sines with random phases: smooth, and a graph over the edge,
    // so the wiggled edge cannot cross itself.
    let waves: Vec<(f64, f64, f64)> = (1..=6)
        .map(|k| {
            let k = f64::from(k);
            (
                rng.random_range(-1.0..1.0) / k,
                k * 2.0 + rng.random_range(0.0..1.0),
                rng.random_range(0.0..std::f64::consts::TAU),
            )
        })
        .collect();
    let mut inner: Vec<Coord<f64>> = (1..pieces)
        .map(|i| {
            let t = i as f64 / pieces as f64;
            let noise: f64 = waves
                .iter()
                .map(|(a, f, phase)| a * (std::f64::consts::TAU * f * t + phase).sin())
                .sum();
            let offset = AMPLITUDE * len * (std::f64::consts::PI * t).sin() * noise / 2.5;
            from_km(pk + d * t + normal * offset)
        })
        .collect();
    if reversed {
        inner.reverse();
    }
    inner
}

fn densify_ring(ring: &LineString<f64>, step_km: f64, seed: u64) -> LineString<f64> {
    let mut out = Vec::new();
    for line in ring.lines() {
        out.push(line.start);
        out.extend(wiggle(line.start, line.end, step_km, seed));
    }
    out.push(ring.0[0]);
    LineString::new(out)
}

fn perimeter_km(shape: &MultiPolygon<f64>) -> f64 {
    shape
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.lines())
        .map(|l| {
            let d = to_km(l.end) - to_km(l.start);
            d.x.hypot(d.y)
        })
        .sum()
}

fn detailed_districts(seed: u64) -> Vec<Source> {
    let mut all = halle_stadtteile();
    all.sort_by(|a, b| b.shape.unsigned_area().total_cmp(&a.shape.unsigned_area()));
    all.truncate(DISTRICTS);
    let perimeter: f64 = all.iter().map(|s| perimeter_km(&s.shape)).sum();
    let step_km = perimeter / TOTAL_VERTICES;
    all.into_iter()
        .map(|s| {
            let shape = MultiPolygon::new(
                s.shape
                    .iter()
                    .map(|p| {
                        Polygon::new(
                            densify_ring(p.exterior(), step_km, seed),
                            p.interiors()
                                .iter()
                                .map(|r| densify_ring(r, step_km, seed))
                                .collect(),
                        )
                    })
                    .collect(),
            );
            assert!(
                shape.is_valid(),
                "{}: densified polygon is invalid; lower AMPLITUDE",
                s.name
            );
            Source {
                name: s.name,
                shape,
            }
        })
        .collect()
}

fn write_districts(path: &Path, districts: &[Source]) -> std::io::Result<usize> {
    let mut vertices = 0;
    let features: Vec<geojson::Feature> = districts
        .iter()
        .enumerate()
        .map(|(i, d)| {
            vertices += d.shape.iter().map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()).sum::<usize>();
            let mut properties = geojson::JsonObject::new();
            properties.insert("id".into(), format!("g{}", i + 1).into());
            properties.insert("name".into(), format!("{} (detailliert)", d.name).into());
            properties.insert("level".into(), "gebiet".into());
            properties.insert("provisional".into(), true.into());
            properties.insert(
                "method".into(),
                "synthetic: bundled provisional Halle Stadtteil, edges densified with seeded wiggles (bench/synth.rs)".into(),
            );
            geojson::Feature {
                geometry: Some(geojson::Geometry::new(geojson::GeometryValue::from(&d.shape))),
                properties: Some(properties),
                ..Default::default()
            }
        })
        .collect();
    let collection = geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    };
    std::fs::write(path, collection.to_string())?;
    Ok(vertices)
}

/// A standard normal sample (Box–Muller).
fn normal(rng: &mut Pcg64) -> f64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    let v: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

struct Cluster {
    centre: Coord<f64>,
    sigma_km: f64,
    weight: f64,
}

fn clusters(rng: &mut Pcg64) -> Vec<Cluster> {
    let mut out: Vec<Cluster> = halle_stadtteile()
        .iter()
        .filter_map(|s| s.shape.interior_point())
        .map(|p| Cluster {
            centre: p.0,
            sigma_km: rng.random_range(0.3..1.2),
            // Heavy-tailed weights: a few busy districts, many quiet ones.
            weight: 1.0 / rng.random_range(0.05f64..1.0),
        })
        .collect();
    let total: f64 = out.iter().map(|c| c.weight).sum();
    out.push(Cluster {
        centre: Coord {
            x: MARKTPLATZ.0,
            y: MARKTPLATZ.1,
        },
        sigma_km: 0.5,
        weight: total * 0.3,
    });
    out
}

/// Draws a point (lon/lat) from the city's clusters, 8 % anywhere in it.
fn draw(rng: &mut Pcg64, clusters: &[Cluster]) -> Coord<f64> {
    let total: f64 = clusters.iter().map(|c| c.weight).sum();
    // Halle's extent (VG250 city boundary, rounded outwards).
    let (min, max) = (Coord { x: 11.84, y: 51.38 }, Coord { x: 12.08, y: 51.55 });
    if rng.random_bool(0.08) {
        return Coord {
            x: rng.random_range(min.x..max.x),
            y: rng.random_range(min.y..max.y),
        };
    }
    let mut pick = rng.random_range(0.0..total);
    let cluster = clusters
        .iter()
        .find(|c| {
            pick -= c.weight;
            pick < 0.0
        })
        .unwrap_or(&clusters[clusters.len() - 1]);
    let offset = Coord {
        x: normal(rng),
        y: normal(rng),
    } * cluster.sigma_km;
    from_km(to_km(cluster.centre) + offset)
}

fn draw_fields<'a>(rng: &mut Pcg64) -> Vec<&'a str> {
    let mut fields: Vec<&str> = FIELDS
        .iter()
        .copied()
        .filter(|_| rng.random_bool(0.18))
        .collect();
    if fields.is_empty() {
        fields.push(FIELDS[rng.random_range(0..FIELDS.len())]);
    }
    fields
}

/// Quotes a CSV value when it needs it.
fn csv(v: &str) -> std::borrow::Cow<'_, str> {
    if v.contains([',', '"', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\"")).into()
    } else {
        v.into()
    }
}

fn write_partners(path: &Path, n: usize, rng: &mut Pcg64, register: bool) -> std::io::Result<()> {
    let clusters = clusters(rng);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    if !register {
        writeln!(out, "id,name,kind,category,fields,lon,lat,source")?;
        let mut line = String::new();
        for i in 1..=n {
            let at = draw(rng, &clusters);
            let fields = draw_fields(rng);
            line.clear();
            write!(
                line,
                "p{i:07},{},partner,{},{},{:.6},{:.6},synthetic (bench/synth.rs)",
                name(rng),
                CATEGORIES[rng.random_range(0..CATEGORIES.len())],
                fields.join(";"),
                at.x,
                at.y
            )
            .expect("writing to a String");
            writeln!(out, "{line}")?;
        }
        return out.flush();
    }
    let streets = names::streets((n / 30).max(20), rng, |rng| to_km(draw(rng, &clusters)));
    let mut truth = BufWriter::new(std::fs::File::create(
        path.with_file_name("duplicates.csv"),
    )?);
    writeln!(truth, "a,b")?;
    writeln!(out, "id,name,kind,category,fields,address,lon,lat,source")?;
    let mut line = String::new();
    // Each address once: two records at one address with one name would be
    // duplicates nobody planted.
    let mut used = std::collections::HashSet::new();
    let mut nearby = names::Nearby::default();
    let mut i = 0;
    while i < n {
        i += 1;
        let (street, number) = loop {
            let s = rng.random_range(0..streets.len());
            let number = rng.random_range(1..=streets[s].numbers());
            if used.insert((s, number)) {
                break (&streets[s], number);
            }
        };
        let at_km = street.at(number, rng);
        // A name nobody nearby has (a register has few such pairs, and
        // those are the duplicates to find): drawn again when it has.
        let (name, category) = (0..20)
            .map(|_| names::record_name(rng, street, number))
            .find(|(name, _)| !nearby.taken(at_km, name))
            .unwrap_or_else(|| names::record_name(rng, street, number));
        nearby.add(at_km, &name);
        let at = from_km(at_km);
        let fields = draw_fields(rng).join(";");
        let address = format!("{} {number}", street.name);
        let mut record = |id: &str, name: &str, at: Coord<f64>| {
            line.clear();
            write!(
                line,
                "{id},{},partner,{category},{fields},{},{:.6},{:.6},synthetic (bench/synth.rs)",
                csv(name),
                csv(&address),
                at.x,
                at.y
            )
            .expect("writing to a String");
            writeln!(out, "{line}")
        };
        let id = format!("p{i:07}");
        record(&id, &name, at)?;
        // One in 2,000 is there twice, a few metres apart, written another way.
        if i < n && rng.random_bool(0.0005) {
            i += 1;
            let twin = format!("p{i:07}");
            let shift = Coord {
                x: rng.random_range(-0.02..0.02),
                y: rng.random_range(-0.02..0.02),
            };
            let near = from_km(to_km(at) + shift);
            record(&twin, &names::variant(&name, rng), near)?;
            writeln!(truth, "{id},{twin}")?;
        }
    }
    truth.flush()?;
    out.flush()
}

const MANIFEST: &str = r#"# Synthetic benchmark inventory written by bench/synth.rs; not real data.
title = "Synthetic benchmark inventory (seeded; not real data)"
levels = ["gebiet"]
default_level = "gebiet"

[[file]]
path = "districts.geojson"
as = "districts"
source = "synthetic: densified bundled provisional Halle Stadtteile (bench/synth.rs)"

[[file]]
path = "partners.csv"
as = "partners"
source = "synthetic (bench/synth.rs)"
"#;

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "error: {e}\nusage: synth --out DIR --entities N [--seed 42] [--names register|made-up]"
            );
            std::process::exit(2);
        }
    };
    let run = || -> std::io::Result<()> {
        std::fs::create_dir_all(&args.out)?;
        let districts = detailed_districts(args.seed);
        let vertices = write_districts(&args.out.join("districts.geojson"), &districts)?;
        let mut rng = Pcg64::seed_from_u64(args.seed);
        write_partners(
            &args.out.join("partners.csv"),
            args.entities,
            &mut rng,
            args.register,
        )?;
        std::fs::write(args.out.join("atlas.toml"), MANIFEST)?;
        eprintln!(
            "wrote {} districts ({vertices} vertices) and {} partners to {}",
            districts.len(),
            args.entities,
            args.out.display()
        );
        Ok(())
    };
    if let Err(e) = run() {
        eprintln!("error: writing to {}: {e}", args.out.display());
        std::process::exit(2);
    }
}
