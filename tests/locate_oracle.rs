//! Address matching against an oracle: a seeded random register whose
//! street names differ by at least three edits, and addresses taken from it
//! and respelled by the rules the matcher claims to survive. Each one must
//! land on its own register point (distance 0) at quality `address`; with
//! one typo it lands there at `address_fuzzy` or is not applied, never
//! elsewhere; a number the street lacks gives the street's centre as a
//! brute-force scan computes it.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use stadtatlas::locate::normalise::street_keys;
use stadtatlas::locate::{AddressRecord, Outcome, Register, match_entity};
use stadtatlas::model::{Entity, EntityKind, LonLat, MatchQuality};
use std::path::PathBuf;

const SYLLABLES: &[&str] = &[
    "bär", "lin", "mär", "ker", "hal", "lo", "ren", "stein", "tor", "wein", "berg", "mühl", "ul",
    "rich", "gie", "bi", "frie", "den", "kröll", "witz", "au", "see", "büh", "schlöß", "ni", "le",
    "ben", "dorf", "hei", "wör", "pa", "ko", "fu", "sa",
];
const KINDS: &[&str] = &["straße", " Straße", "weg", "ring", "platz", "-Straße"];
const POSTCODES: &[&str] = &["06108", "06110", "06112", "06114", "06120", "06132"];

struct Street {
    name: String,
    postcode: &'static str,
    numbers: Vec<(u32, Option<&'static str>)>,
}

fn streets(rng: &mut Pcg64, count: usize) -> Vec<Street> {
    let mut out: Vec<Street> = Vec::new();
    let mut keys: Vec<(String, String)> = Vec::new();
    while out.len() < count {
        let mut name: String = (0..rng.random_range(2..=4))
            .map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())])
            .collect();
        name = name
            .chars()
            .next()
            .map(|c| c.to_uppercase().chain(name.chars().skip(1)).collect())
            .unwrap_or(name);
        if rng.random_range(0..8) == 0 {
            name = format!("Dr.-{name}");
        }
        name.push_str(KINDS[rng.random_range(0..KINDS.len())]);
        let (key, plain) = street_keys(&name);
        // Names one or two typos apart would make the typo oracle ambiguous
        // by construction; equal plain keys make plain spellings ambiguous.
        if keys
            .iter()
            .any(|(k, p)| strsim::osa_distance(k, &key) < 3 || *p == plain)
        {
            continue;
        }
        keys.push((key, plain));
        let mut numbers: Vec<(u32, Option<&str>)> =
            (1..=rng.random_range(5..=25)).map(|n| (n, None)).collect();
        for n in 1..=numbers.len() as u32 {
            if rng.random_range(0..6) == 0 {
                numbers.push((n, Some(["a", "b"][rng.random_range(0..2)])));
            }
        }
        numbers.sort();
        numbers.dedup();
        out.push(Street {
            name,
            postcode: POSTCODES[rng.random_range(0..POSTCODES.len())],
            numbers,
        });
    }
    out
}

/// The register, and the point of every (street, number, suffix).
fn register(rng: &mut Pcg64, streets: &[Street]) -> Register {
    let mut records = Vec::new();
    for s in streets {
        for (n, suffix) in &s.numbers {
            records.push(AddressRecord {
                street: s.name.clone(),
                number: n.to_string(),
                suffix: suffix.map(str::to_string),
                postcode: Some(s.postcode.into()),
                place: Some("Halle (Saale)".into()),
                location: LonLat::new(
                    rng.random_range(11.85..12.08),
                    rng.random_range(51.40..51.55),
                )
                .unwrap(),
                file: PathBuf::from("hk.geojson"),
                at: format!("feature {}", records.len() + 1),
            });
        }
    }
    Register::build("hk.geojson".into(), records).unwrap()
}

fn point_of(
    register_records: &[AddressRecord],
    street: &str,
    n: u32,
    suffix: Option<&str>,
) -> (f64, f64) {
    let r = register_records
        .iter()
        .find(|r| r.street == street && r.number == n.to_string() && r.suffix.as_deref() == suffix)
        .unwrap();
    (r.location.lon(), r.location.lat())
}

/// The street name respelled by the rules (all keep the key).
fn respell(rng: &mut Pcg64, name: &str) -> String {
    let mut s = name.to_string();
    for (long, short) in [("Straße", "Str."), ("straße", "str")] {
        if s.ends_with(long) {
            let choices = [
                long.to_string(),
                short.to_string(),
                long.replace('ß', "ss"),
                format!("{short}."),
            ];
            let pick = choices[rng.random_range(0..choices.len())].clone();
            s = format!("{}{pick}", &s[..s.len() - long.len()]);
        }
    }
    if rng.random_range(0..2) == 0 {
        s = s
            .replace('ä', "ae")
            .replace('ö', "oe")
            .replace('ü', "ue")
            .replace('ß', "ss");
    } else if rng.random_range(0..2) == 0 {
        s = s.replace('ä', "a").replace('ö', "o").replace('ü', "u");
    }
    match rng.random_range(0..3) {
        0 => s = s.to_uppercase(),
        1 => s = s.to_lowercase(),
        _ => {}
    }
    if rng.random_range(0..2) == 0 {
        s = s.replace('-', " ");
    }
    s
}

fn number_text(rng: &mut Pcg64, n: u32, suffix: Option<&str>) -> String {
    match suffix {
        Some(x) => match rng.random_range(0..3) {
            0 => format!("{n}{x}"),
            1 => format!("{n} {x}"),
            _ => format!("{n}{}", x.to_uppercase()),
        },
        None => match rng.random_range(0..3) {
            0 => format!("{n}-{}", n + 2),
            _ => n.to_string(),
        },
    }
}

fn entity(address: String) -> Entity {
    let mut e = Entity::new("e", "E", EntityKind::Partner);
    e.address = Some(address);
    e
}

#[test]
fn respelled_addresses_land_on_their_own_point() {
    let mut rng = Pcg64::seed_from_u64(7);
    let streets = streets(&mut rng, 300);
    let register = register(&mut rng, &streets);
    let records = register.records().to_vec();
    for _ in 0..3000 {
        let s = &streets[rng.random_range(0..streets.len())];
        let (n, suffix) = s.numbers[rng.random_range(0..s.numbers.len())];
        let mut address = format!(
            "{} {}",
            respell(&mut rng, &s.name),
            number_text(&mut rng, n, suffix)
        );
        if rng.random_range(0..2) == 0 {
            address.push_str(&format!(", {} Halle (Saale)", s.postcode));
        }
        let m = match_entity(
            &entity(address.clone()),
            std::slice::from_ref(&register),
            MatchQuality::AddressFuzzy,
        );
        assert_eq!(m.quality, MatchQuality::Address, "{address}: {m:?}");
        assert_eq!(m.outcome, Outcome::Applied, "{address}: {m:?}");
        assert_eq!(
            (m.lon.unwrap(), m.lat.unwrap()),
            point_of(&records, &s.name, n, suffix),
            "{address}"
        );
    }
}

#[test]
fn one_typo_lands_on_the_true_point_or_nowhere() {
    let mut rng = Pcg64::seed_from_u64(11);
    let streets = streets(&mut rng, 300);
    let register = register(&mut rng, &streets);
    let records = register.records().to_vec();
    let (mut right, mut tried) = (0, 0);
    for _ in 0..1000 {
        let s = &streets[rng.random_range(0..streets.len())];
        // One letter replaced, in a name long enough for one edit to stay
        // above the similarity threshold.
        let chars: Vec<char> = s.name.chars().collect();
        if street_keys(&s.name).0.len() < 10 {
            continue;
        }
        let at = rng.random_range(1..chars.len() - 1);
        if !chars[at].is_ascii_lowercase() {
            continue;
        }
        let mut typo = chars.clone();
        typo[at] = if chars[at] == 'x' { 'q' } else { 'x' };
        let typo: String = typo.into_iter().collect();
        let (n, suffix) = s.numbers[rng.random_range(0..s.numbers.len())];
        let address = format!("{typo} {n}{}", suffix.unwrap_or_default());
        let m = match_entity(
            &entity(address.clone()),
            std::slice::from_ref(&register),
            MatchQuality::AddressFuzzy,
        );
        tried += 1;
        if m.outcome == Outcome::Applied {
            assert_eq!(m.quality, MatchQuality::AddressFuzzy, "{address}: {m:?}");
            assert_eq!(
                (m.lon.unwrap(), m.lat.unwrap()),
                point_of(&records, &s.name, n, suffix),
                "{address}"
            );
            right += 1;
        }
    }
    assert!(tried > 300, "{tried}");
    assert!(right * 10 >= tried * 9, "{right} of {tried} located");
}

#[test]
fn a_number_the_street_lacks_gives_the_address_nearest_its_centre() {
    let mut rng = Pcg64::seed_from_u64(13);
    let streets = streets(&mut rng, 100);
    let register = register(&mut rng, &streets);
    let records = register.records().to_vec();
    for s in &streets {
        let m = match_entity(
            &entity(format!("{} 999", s.name)),
            std::slice::from_ref(&register),
            MatchQuality::Street,
        );
        assert_eq!(m.quality, MatchQuality::Street);
        assert_eq!(m.outcome, Outcome::Applied);
        // Brute force: the mean of the street's points, then its nearest address.
        let on: Vec<&AddressRecord> = records.iter().filter(|r| r.street == s.name).collect();
        let k = on.len() as f64;
        let lon = on.iter().map(|r| r.location.lon()).sum::<f64>() / k;
        let lat = on.iter().map(|r| r.location.lat()).sum::<f64>() / k;
        let scale = lat.to_radians().cos();
        let best = on
            .iter()
            .min_by(|a, b| {
                let d = |r: &AddressRecord| {
                    ((r.location.lon() - lon) * scale).powi(2) + (r.location.lat() - lat).powi(2)
                };
                d(a).total_cmp(&d(b))
            })
            .unwrap();
        assert_eq!(
            (m.lon.unwrap(), m.lat.unwrap()),
            (best.location.lon(), best.location.lat()),
            "{}",
            s.name
        );
        // At the default least quality it is reported, not applied.
        let m = match_entity(
            &entity(format!("{} 999", s.name)),
            std::slice::from_ref(&register),
            MatchQuality::AddressFuzzy,
        );
        assert_eq!(m.outcome, Outcome::BelowMinQuality);
        assert!(m.lon.is_none());
    }
}
