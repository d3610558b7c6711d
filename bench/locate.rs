//! Address matching, timed in process: indexing a synthetic register of
//! Hauskoordinaten and matching entities whose addresses are spelled the
//! ways partner lists spell them (abbreviations, umlauts, case, suffixes,
//! postcodes, one typo in ten).
//!
//! `cargo run --release --example bench_locate -- [--addresses 100000]
//! [--entities 10000] [--runs 5] [--write DIR]` prints one JSON line; with
//! `--write`, it also writes DIR/register.csv and DIR/partners.csv for
//! timing the whole `stadtatlas locate` process (`bench/run.py`, suite
//! `locate`).

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use stadtatlas::locate::{AddressRecord, Outcome, Register, match_entity};
use stadtatlas::model::{Entity, EntityKind, LonLat, MatchQuality};
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

const SYLLABLES: &[&str] = &[
    "ber", "lin", "mär", "ker", "hal", "lo", "ren", "stein", "tor", "wein", "berg", "mühl", "ul",
    "rich", "gie", "bichen", "frie", "den", "kröll", "witz", "lin", "den", "au", "see", "büh",
    "schlös", "ser", "nie", "le", "ben", "dorf", "hei", "de", "wör", "mlitz",
];
const KINDS: &[&str] = &[
    "straße", " Straße", "weg", "ring", "platz", "gasse", "allee",
];
const POSTCODES: &[&str] = &[
    "06108", "06110", "06112", "06114", "06116", "06118", "06120", "06122", "06124", "06126",
    "06128", "06130", "06132",
];
/// Addresses per street.
const PER_STREET: u32 = 20;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = arg(&args, "--addresses").map_or(100_000, |v| v.parse().expect("--addresses N"));
    let m: usize = arg(&args, "--entities").map_or(10_000, |v| v.parse().expect("--entities N"));
    let runs: usize = arg(&args, "--runs").map_or(5, |v| v.parse().expect("--runs N"));
    let write = arg(&args, "--write").map(PathBuf::from);

    let mut rng = Pcg64::seed_from_u64(42);
    let (streets, records) = register(&mut rng, n);
    let entities = entities(&mut rng, &records, m);

    let mut index_s = Vec::new();
    let mut register_built = None;
    for _ in 0..runs {
        let input = records.clone();
        let t = Instant::now();
        let r = Register::build("register.csv".into(), input).expect("a valid register");
        index_s.push(t.elapsed().as_secs_f64());
        register_built = Some(r);
    }
    let Some(register) = register_built else {
        eprintln!("--runs must be at least 1");
        std::process::exit(2);
    };
    let registers = [register];
    let mut match_s = Vec::new();
    let mut matches = Vec::new();
    for _ in 0..runs {
        use rayon::prelude::*;
        let t = Instant::now();
        matches = entities
            .par_iter()
            .map(|e| match_entity(e, &registers, MatchQuality::AddressFuzzy))
            .collect::<Vec<_>>();
        match_s.push(t.elapsed().as_secs_f64());
    }
    let mut by_quality: BTreeMap<&str, usize> = BTreeMap::new();
    for q in &matches {
        *by_quality.entry(q.quality.as_str()).or_default() += 1;
    }
    let applied = matches
        .iter()
        .filter(|m| m.outcome == Outcome::Applied)
        .count();
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let line = serde_json::json!({
        "addresses": records.len(),
        "streets": streets,
        "entities": entities.len(),
        "runs": runs,
        "threads": rayon::current_num_threads(),
        "index_s_median": median(&mut index_s),
        "index_s": index_s,
        "match_s_median": median(&mut match_s),
        "match_s": match_s,
        "applied": applied,
        "by_quality": by_quality,
    });
    println!("{line}");
    if let Some(dir) = write {
        write_files(&dir, &records, &entities).expect("writing the files");
    }
}

/// `n` addresses on streets of [`PER_STREET`] numbers, every street name
/// distinct by the matching rules.
fn register(rng: &mut Pcg64, n: usize) -> (usize, Vec<AddressRecord>) {
    let mut seen = HashSet::new();
    let mut records = Vec::with_capacity(n);
    let mut streets = 0;
    while records.len() < n {
        let syllables = rng.random_range(2..=4);
        let mut name: String = (0..syllables)
            .map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())])
            .collect();
        if let Some(first) = name.chars().next() {
            name = first.to_uppercase().chain(name.chars().skip(1)).collect();
        }
        name.push_str(KINDS[rng.random_range(0..KINDS.len())]);
        if !seen.insert(stadtatlas::locate::normalise::street_keys(&name).0) {
            continue;
        }
        streets += 1;
        let postcode = POSTCODES[rng.random_range(0..POSTCODES.len())];
        let (lon, lat) = (
            rng.random_range(11.85..12.08),
            rng.random_range(51.40..51.55),
        );
        for k in 1..=PER_STREET {
            if records.len() == n {
                break;
            }
            let suffix = (k % 7 == 0).then(|| "a".to_string());
            records.push(AddressRecord {
                street: name.clone(),
                number: k.to_string(),
                suffix,
                postcode: Some(postcode.into()),
                place: Some("Halle (Saale)".into()),
                location: LonLat::new(lon + 0.0002 * k as f64, lat + 0.0001 * k as f64)
                    .expect("in range"),
                file: PathBuf::from("register.csv"),
                at: format!("line {}", records.len() + 2),
            });
        }
    }
    (streets, records)
}

/// `m` partners at register addresses, spelled as partner lists spell them.
fn entities(rng: &mut Pcg64, records: &[AddressRecord], m: usize) -> Vec<Entity> {
    (0..m)
        .map(|i| {
            let r = &records[rng.random_range(0..records.len())];
            let mut street = r.street.clone();
            match rng.random_range(0..6) {
                0 => street = street.replace("straße", "str.").replace("Straße", "Str."),
                1 => street = street.to_uppercase(),
                2 => {
                    street = street
                        .replace('ä', "ae")
                        .replace('ö', "oe")
                        .replace('ü', "ue")
                        .replace('ß', "ss")
                }
                3 => street = street.replace('ä', "a").replace('ö', "o").replace('ü', "u"),
                _ => {}
            }
            if rng.random_range(0..10) == 0 {
                // One typo: a letter in the middle doubled.
                let chars: Vec<char> = street.chars().collect();
                let at = chars.len() / 2;
                street = chars[..at]
                    .iter()
                    .chain(std::iter::once(&chars[at]))
                    .chain(&chars[at..])
                    .collect();
            }
            let mut address = format!(
                "{street} {}{}",
                r.number,
                r.suffix.as_deref().unwrap_or_default()
            );
            if rng.random_range(0..2) == 0 {
                address.push_str(&format!(
                    ", {} Halle (Saale)",
                    r.postcode.as_deref().unwrap_or_default()
                ));
            }
            let mut e = Entity::new(
                format!("p{i:06}"),
                format!("Partner {i}"),
                EntityKind::Partner,
            );
            e.address = Some(address);
            e
        })
        .collect()
}

fn write_files(
    dir: &std::path::Path,
    records: &[AddressRecord],
    entities: &[Entity],
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut reg = std::io::BufWriter::new(std::fs::File::create(dir.join("register.csv"))?);
    writeln!(reg, "strname;hsnr;hsnrzus;plz;ort;lon;lat")?;
    for r in records {
        writeln!(
            reg,
            "{};{};{};{};{};{};{}",
            r.street,
            r.number,
            r.suffix.as_deref().unwrap_or_default(),
            r.postcode.as_deref().unwrap_or_default(),
            r.place.as_deref().unwrap_or_default(),
            r.location.lon(),
            r.location.lat()
        )?;
    }
    reg.flush()?;
    let mut w = csv::Writer::from_path(dir.join("partners.csv"))?;
    w.write_record(["id", "name", "address"])?;
    for e in entities {
        w.write_record([
            e.id.as_str(),
            e.name.as_str(),
            e.address.as_deref().unwrap_or_default(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
