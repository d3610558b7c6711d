//! Likely duplicates: two records within 100 m with similar names, or with
//! the same website. Ids decide identity; this only points at pairs to look at.

use crate::metric::{degree_margin, geodesic, within};
use crate::model::names::fold;
use crate::model::{Entity, LonLat, Meters};
use serde::Serialize;
use std::collections::HashMap;

/// How close two points must be to count as "the same place".
pub const NEAR: Meters = Meters(100.0);
/// Jaro-Winkler similarity of folded names above which names count as similar.
pub const SIMILAR: f64 = 0.9;

/// How many likely-duplicate pairs a listing shows: the strongest ones
/// ([`strongest`]); the count of the rest is said.
pub const SHOWN_PAIRS: usize = 1_000;

/// The `n` strongest pairs (same website first, then by similarity, then
/// by distance), in their original order, and how many were left out.
pub fn strongest(mut pairs: Vec<Duplicate>, n: usize) -> (Vec<Duplicate>, usize) {
    if pairs.len() <= n {
        return (pairs, 0);
    }
    let strength = |d: &Duplicate| match d.reason {
        DuplicateReason::SameWebsite { .. } => (2.0, 0.0),
        DuplicateReason::NearAndSimilar {
            similarity,
            distance_m,
        } => (similarity, -distance_m),
    };
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    order.sort_by(|&x, &y| {
        let (a, b) = (strength(&pairs[x]), strength(&pairs[y]));
        b.0.total_cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(x.cmp(&y))
    });
    let mut keep = vec![false; pairs.len()];
    for &i in &order[..n] {
        keep[i] = true;
    }
    let left_out = pairs.len() - n;
    let mut k = 0;
    pairs.retain(|_| {
        k += 1;
        keep[k - 1]
    });
    (pairs, left_out)
}

/// Why two records look like one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DuplicateReason {
    /// Within 100 m, names similar (distance in metres, similarity 0..1).
    NearAndSimilar { distance_m: f64, similarity: f64 },
    /// The same website.
    SameWebsite { website: String },
}

/// A pair of records (indices into the list given) that may be one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicate {
    pub a: usize,
    pub b: usize,
    pub reason: DuplicateReason,
}

/// A website as compared: lower case, without scheme, `www.` and trailing `/`.
pub fn website_key(url: &str) -> String {
    let lower = url.trim().to_lowercase();
    let no_scheme = lower.split("://").last().unwrap_or(&lower);
    no_scheme
        .trim_start_matches("www.")
        .trim_end_matches('/')
        .to_string()
}

/// How many leading letters of the folded names two records must share to be
/// compared at all. Jaro-Winkler weighs the first four letters most; pairs
/// above [`SIMILAR`] that differ there are typos in the first letters, which
/// this check accepts to miss.
const PREFIX: usize = 4;

/// Two keys of a folded name (ASCII: a letter is a byte), its letters
/// 0..4 and 5..9: records are compared when they share either, so that two
/// letters swapped anywhere ("Kirhcengemeinde Lettin") still meet the
/// original (a swap never touches both). Not the name's end: street names
/// end alike ("…straße 12").
fn name_keys(folded: &[u8]) -> impl Iterator<Item = (bool, &[u8])> {
    let n = folded.len();
    let second = (n > PREFIX + 1).then(|| (true, &folded[PREFIX + 1..n.min(2 * PREFIX + 1)]));
    std::iter::once((false, &folded[..n.min(PREFIX)])).chain(second)
}

/// Words that many names of a register share and that do not say which
/// place is meant (folded: lower case, umlauts written out). Two names are
/// compared by what is left: "Grundschule am Park" and "Grundschule am See"
/// are "park" and "see".
const GENERIC: &[&str] = &[
    "grundschule",
    "gs",
    "schule",
    "gymnasium",
    "gesamtschule",
    "gemeinschaftsschule",
    "sekundarschule",
    "oberschule",
    "berufsschule",
    "foerderschule",
    "kita",
    "kindergarten",
    "kindertagesstaette",
    "kts",
    "hort",
    "krippe",
    "str",
    "strasse",
    "weg",
    "platz",
    "allee",
    "ring",
    "gasse",
    "verein",
    "ev",
    "e",
    "v",
    "gmbh",
    "ggmbh",
    "mbh",
    "ag",
    "kg",
    "ug",
    "co",
    "halle",
    "saale",
    "stadt",
    "der",
    "die",
    "das",
    "des",
    "dem",
    "den",
    "und",
    "am",
    "an",
    "im",
    "in",
    "zu",
    "zum",
    "zur",
    "fuer",
    "von",
    "vom",
    "bei",
    "nr",
    "the",
    "of",
    "and",
];

/// Generic words that name a kind of institution, each with the word its
/// other spellings stand for. Two names count as alike only with the same
/// kinds: "Grundschule am Rosengarten" and "Förderschule am Rosengarten" are
/// two schools on one campus; "Kita Bummi" and "Kindertagesstätte Bummi" one.
const INSTITUTIONS: &[(&str, &str)] = &[
    ("grundschule", "grundschule"),
    ("gs", "grundschule"),
    ("kita", "kita"),
    ("kindertagesstaette", "kita"),
    ("kts", "kita"),
    ("kindergarten", "kita"),
    ("hort", "hort"),
    ("krippe", "krippe"),
    ("schule", "schule"),
    ("gymnasium", "gymnasium"),
    ("gesamtschule", "gesamtschule"),
    ("gemeinschaftsschule", "gemeinschaftsschule"),
    ("sekundarschule", "sekundarschule"),
    ("oberschule", "oberschule"),
    ("berufsschule", "berufsschule"),
    ("foerderschule", "foerderschule"),
];

/// The kinds of institution a folded name says it is (see [`INSTITUTIONS`]).
fn institutions(folded: &[u8]) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = folded
        .split(|&c| c == b' ')
        .filter_map(|word| {
            INSTITUTIONS
                .iter()
                .find(|(w, _)| w.as_bytes() == word)
                .map(|(_, kind)| *kind)
        })
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// A folded name without its [`GENERIC`] words.
fn distinctive(folded: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(folded.len());
    for word in folded.split(|&c| c == b' ') {
        if word.is_empty() || GENERIC.iter().any(|g| g.as_bytes() == word) {
            continue;
        }
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(word);
    }
    out
}

/// The words of each name that the other lacks (one-letter words left out),
/// joined by spaces. Names are compared by these: Jaro-Winkler rewards a
/// shared beginning, and "Seniorenbegegnungsstätte Lettin" and
/// "Seniorenbegegnungsstätte Neustadt" share a long one but differ in all
/// that says which place is meant.
fn differing_words(a: &[u8], b: &[u8]) -> (Vec<u8>, Vec<u8>) {
    fn words(s: &[u8]) -> Vec<&[u8]> {
        s.split(|&c| c == b' ').filter(|w| w.len() > 1).collect()
    }
    let (wa, wb) = (words(a), words(b));
    let rest = |mine: &[&[u8]], theirs: &[&[u8]]| {
        let mut left: Vec<&[u8]> = theirs.to_vec();
        let mut out: Vec<u8> = Vec::new();
        for w in mine {
            if let Some(k) = left.iter().position(|x| *x == *w) {
                left.swap_remove(k);
                continue;
            }
            if !out.is_empty() {
                out.push(b' ');
            }
            out.extend_from_slice(w);
        }
        out
    };
    (rest(&wa, &wb), rest(&wb, &wa))
}

/// Two folded names are alike only with the same numbers in the same order.
/// Names that differ only in a number name different things: the houses of
/// one street ("Aachener Str. 12", "Aachener Str. 14"), numbered schools and
/// day-care centres ("Kita Nr. 3", "Kita Nr. 4"); Jaro-Winkler finds them
/// similar, and a real register has thousands of such pairs.
///
/// The numbers of a folded name, in order, each without leading zeros
/// ("07" and "7" are the same number), separated by spaces.
fn numbers(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for run in s
        .split(|c| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
    {
        let start = run.iter().position(|&c| c != b'0').unwrap_or(run.len());
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(&run[start..]);
        if start == run.len() {
            out.push(b'0');
        }
    }
    out
}

/// What the duplicate advice reads of a record: its name, point and
/// website. A question over a whole store keeps only these
/// ([`NameAndPlace`]) instead of every record.
pub trait Candidate: Sync {
    fn name(&self) -> &str;
    fn location(&self) -> Option<LonLat>;
    fn website(&self) -> Option<&str>;
}

impl Candidate for Entity {
    fn name(&self) -> &str {
        &self.name
    }
    fn location(&self) -> Option<LonLat> {
        self.location
    }
    fn website(&self) -> Option<&str> {
        self.website.as_deref()
    }
}

impl<T: Candidate> Candidate for &T {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn location(&self) -> Option<LonLat> {
        (**self).location()
    }
    fn website(&self) -> Option<&str> {
        (**self).website()
    }
}

/// A record as the duplicate advice and its findings need it.
#[derive(Debug, Clone, PartialEq)]
pub struct NameAndPlace {
    pub id: String,
    pub name: String,
    pub location: Option<LonLat>,
    pub website: Option<String>,
}

impl NameAndPlace {
    pub fn of(e: &Entity) -> Self {
        Self {
            id: e.id.clone(),
            name: e.name.clone(),
            location: e.location,
            website: e.website.clone(),
        }
    }
}

impl Candidate for NameAndPlace {
    fn name(&self) -> &str {
        &self.name
    }
    fn location(&self) -> Option<LonLat> {
        self.location
    }
    fn website(&self) -> Option<&str> {
        self.website.as_deref()
    }
}

/// Likely duplicate pairs. With `only`, just the pairs that involve one of
/// those indices (the records an import brings).
pub fn likely_duplicates<E: Candidate>(entities: &[E], only: Option<&[usize]>) -> Vec<Duplicate> {
    use rayon::prelude::*;
    let asked: Option<Vec<bool>> = only.map(|o| {
        let mut mask = vec![false; entities.len()];
        for &i in o {
            mask[i] = true;
        }
        mask
    });
    let is_asked = |i: usize| asked.as_ref().is_none_or(|m| m[i]);
    let involved = |a: usize, b: usize| is_asked(a) || is_asked(b);
    // Similar names share most of their letters, so only records whose
    // distinctive names share one of two short runs of letters are compared
    // (see [`name_keys`]): the work grows with the pairs of look-alikes within 100 m, not with
    // every pair of neighbours in a dense city centre.
    // Folded names are ASCII: compared byte by byte, the same as letter by
    // letter, and cheaper.
    let folded: Vec<Vec<u8>> = entities
        .par_iter()
        .map(|e| fold(e.name()).into_bytes())
        .collect();
    let distinct: Vec<Vec<u8>> = folded.par_iter().map(|f| distinctive(f)).collect();
    let kinds: Vec<Vec<&str>> = folded.par_iter().map(|f| institutions(f)).collect();
    let numbered: Vec<Vec<u8>> = folded.par_iter().map(|f| numbers(f)).collect();
    // Names with other numbers or other kinds of institution are never
    // alike: records are grouped apart by a hash of both (the pairs are
    // compared exactly below), so that the addresses of one street are not
    // all paired with each other.
    let class: Vec<u64> = numbered
        .par_iter()
        .zip(&kinds)
        .map(|(n, k)| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (n, k).hash(&mut h);
            h.finish()
        })
        .collect();
    // Grouped by what says which place is meant: "Grundschule Reichardt"
    // and "GS Reichardt" start alike once the generic words are gone.
    let mut groups: HashMap<(u64, bool, &[u8]), Vec<usize>> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        if e.location().is_some() {
            let key = if distinct[i].is_empty() {
                &folded[i]
            } else {
                &distinct[i]
            };
            for (starts, run) in name_keys(key) {
                groups.entry((class[i], starts, run)).or_default().push(i);
            }
        }
    }
    let mut out: Vec<Duplicate> = groups
        .into_par_iter()
        .flat_map_iter(|(_, members)| {
            let mut found = Vec::new();
            pairs_within(entities, &members, NEAR, |(a, p), (b, q)| {
                // Numbers and kinds of institution first (compared bytes:
                // house numbers along a street differ), then the place on
                // the sphere (it rules out the corners of the rows'
                // rectangle), then the names.
                if !involved(a, b) || numbered[a] != numbered[b] || kinds[a] != kinds[b] {
                    return;
                }
                if !within(p, q, NEAR) {
                    return;
                }
                let similarity = match (distinct[a].is_empty(), distinct[b].is_empty()) {
                    (false, false) => match differing_words(&distinct[a], &distinct[b]) {
                        (x, y) if x.is_empty() && y.is_empty() => 1.0,
                        // "Stadtwerke Halle" and "Stadtwerke Halle Netz":
                        // one says more than the other.
                        (x, y) if x.is_empty() || y.is_empty() => return,
                        (x, y) => strsim::generic_jaro_winkler(&x, &y),
                    },
                    (true, true) => strsim::generic_jaro_winkler(&folded[a], &folded[b]),
                    // "Kita" and "Kita Sonnenschein": one says which, the other does not.
                    _ => return,
                };
                if similarity >= SIMILAR {
                    found.push(Duplicate {
                        a: a.min(b),
                        b: a.max(b),
                        reason: DuplicateReason::NearAndSimilar {
                            distance_m: geodesic(p, q).get(),
                            similarity,
                        },
                    });
                }
            });
            found
        })
        .collect();
    let mut by_site: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        if let Some(w) = e.website().filter(|w| !w.trim().is_empty()) {
            by_site.entry(website_key(w)).or_default().push(i);
        }
    }
    let mut sites: Vec<(String, Vec<usize>)> =
        by_site.into_iter().filter(|(_, v)| v.len() > 1).collect();
    sites.sort();
    for (site, idx) in sites {
        for (k, &a) in idx.iter().enumerate() {
            for &b in &idx[k + 1..] {
                if involved(a, b) {
                    out.push(Duplicate {
                        a,
                        b,
                        reason: DuplicateReason::SameWebsite {
                            website: site.clone(),
                        },
                    });
                }
            }
        }
    }
    out.sort_by_key(|x| (x.a, x.b));
    out.dedup_by(|x, y| {
        x.a == y.a
            && x.b == y.b
            && std::mem::discriminant(&x.reason) == std::mem::discriminant(&y.reason)
    });
    out
}

fn located<E: Candidate>(entities: &[E], i: usize) -> LonLat {
    entities[i]
        .location()
        .expect("only records with a point are paired")
}

/// Every unordered pair of `members` (located records) that may lie within
/// `near` of each other, once; a superset, for the exact tests after.
///
/// The records are sorted into rows of latitude `near` tall (by
/// [`degree_margin`]), and by longitude within a row: two records within
/// `near` lie in one row or in neighbouring ones, and their longitudes
/// differ by at most the margin at the higher latitude of the two rows.
/// So each record is paired with those after it in its own row, and with
/// those in the next row whose longitude is within the margin (a binary
/// search) — a sort and two scans, instead of a spatial index queried
/// around every record, which also meets every pair twice.
fn pairs_within<E: Candidate>(
    entities: &[E],
    members: &[usize],
    near: Meters,
    mut visit: impl FnMut((usize, LonLat), (usize, LonLat)),
) {
    let (_, row_height) = degree_margin(0.0, near);
    // (row, point, index), points kept beside their index: the pairs then
    // need no look-up in the (large) entities.
    let mut points: Vec<(i64, LonLat, usize)> = members
        .iter()
        .map(|&i| {
            let p = located(entities, i);
            ((p.lat() / row_height).floor() as i64, p, i)
        })
        .collect();
    points.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(x.1.lon().total_cmp(&y.1.lon())));
    let rows: Vec<&[(i64, LonLat, usize)]> = points.chunk_by(|x, y| x.0 == y.0).collect();
    for (r, this) in rows.iter().enumerate() {
        let row = this[0].0;
        let next: &[_] = match rows.get(r + 1) {
            Some(next) if next[0].0 == row + 1 => next,
            _ => &[],
        };
        // The highest latitude (in magnitude) of both rows.
        let edge = (row as f64 * row_height)
            .abs()
            .max(((row + 2) as f64 * row_height).abs());
        let (margin, _) = degree_margin(edge, near);
        for (k, &(_, p, a)) in this.iter().enumerate() {
            let lon = p.lon();
            let from = next.partition_point(|q| q.1.lon() < lon - margin);
            let same_row = this[k + 1..].iter();
            let next_row = next[from..].iter();
            for &(_, q, b) in same_row
                .take_while(|q| q.1.lon() - lon <= margin)
                .chain(next_row.take_while(|q| q.1.lon() - lon <= margin))
            {
                visit((a, p), (b, q));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_numbers(a: &[u8], b: &[u8]) -> bool {
        numbers(a) == numbers(b)
    }

    #[test]
    fn names_that_differ_in_a_number_are_different_things() {
        let f = |s: &str| fold(s).into_bytes();
        assert!(!same_numbers(
            &f("Aachener Str. 12"),
            &f("Aachener Str. 14")
        ));
        assert!(!same_numbers(&f("Kita Nr. 3"), &f("Kita Nr. 4")));
        assert!(!same_numbers(&f("Haus 1"), &f("Haus")));
        assert!(same_numbers(&f("Grundschule 7"), &f("Grundschule Nr. 07")));
        assert!(same_numbers(
            &f("Stadtwerke Halle"),
            &f("Stadtwerke Halle GmbH")
        ));
    }

    #[test]
    fn only_the_strongest_pairs_are_kept() {
        let pair = |a: usize, similarity: f64, distance_m: f64| Duplicate {
            a,
            b: a + 1,
            reason: DuplicateReason::NearAndSimilar {
                similarity,
                distance_m,
            },
        };
        let pairs = vec![
            pair(0, 0.91, 10.0),
            pair(2, 0.99, 50.0),
            pair(4, 0.99, 5.0),
            pair(6, 0.95, 1.0),
        ];
        let (kept, left_out) = strongest(pairs.clone(), 2);
        assert_eq!(left_out, 2);
        assert_eq!(kept, vec![pairs[1].clone(), pairs[2].clone()]);
        assert_eq!(strongest(pairs.clone(), 9), (pairs, 0));
    }

    #[test]
    fn a_generic_word_written_short_is_still_the_same_place() {
        let list = vec![
            at("a", "Grundschule Reichardt", 11.9700, 51.4800),
            at("b", "GS Reichardt", 11.9701, 51.4800),
            at("c", "Kindertagesstätte Sonnenschein", 11.9600, 51.4800),
            at("d", "Kita Sonnenschein", 11.9601, 51.4800),
        ];
        let pairs: Vec<(usize, usize)> = likely_duplicates(&list, None)
            .iter()
            .map(|d| (d.a, d.b))
            .collect();
        assert_eq!(pairs, vec![(0, 1), (2, 3)]);
    }

    #[test]
    fn a_long_shared_word_does_not_make_two_places_one() {
        let list = vec![
            at("a", "Seniorenbegegnungsstätte Lettin", 11.9700, 51.4800),
            at("b", "Seniorenbegegnungsstätte Neustadt", 11.9701, 51.4800),
            at("c", "Ev. Kirchengemeinde Lettin", 11.9600, 51.4800),
            at("d", "Ev. Kirhcengemeinde Lettin", 11.9601, 51.4800),
            at("e", "Stadtwerke Halle", 11.9500, 51.4800),
            at("f", "Stadtwerke Halle Netz", 11.9501, 51.4800),
        ];
        let pairs: Vec<(usize, usize)> = likely_duplicates(&list, None)
            .iter()
            .map(|d| (d.a, d.b))
            .collect();
        assert_eq!(pairs, vec![(2, 3)]);
    }

    #[test]
    fn two_kinds_of_school_on_one_campus_are_two_places() {
        let list = vec![
            at("a", "Grundschule Am Rosengarten", 11.9700, 51.4800),
            at("b", "Förderschule Am Rosengarten", 11.9701, 51.4800),
            at("c", "Hort Traumland", 11.9600, 51.4800),
            at("d", "Kita Traumland", 11.9601, 51.4800),
        ];
        assert!(likely_duplicates(&list, None).is_empty());
    }

    #[test]
    fn generic_words_do_not_make_names_similar() {
        let near = |a: &str, b: &str| {
            let es = vec![at("a", a, 11.9714, 51.4803), at("b", b, 11.9716, 51.4804)];
            !likely_duplicates(&es, None).is_empty()
        };
        assert!(!near("Grundschule am Park", "Grundschule am See"));
        assert!(!near("Kita Sonnenschein", "Kita Regenbogen"));
        assert!(!near("Kita", "Kita Sonnenschein"));
        assert!(!near("Aachener Str. 12", "Aachener Str. 14"));
        assert!(near("Stadtwerke Halle GmbH", "Stadtwerke Halle"));
        assert!(near("Grundschule am Park", "Grundschule Am Park"));
        assert!(near("Kita Sonnenschein e.V.", "Kita Sonnenschein"));
        assert!(near(
            "Martin-Luther-Universität",
            "Martin Luther Universitaet Halle"
        ));
    }
    use crate::model::{EntityKind, LonLat};

    fn at(id: &str, name: &str, lon: f64, lat: f64) -> Entity {
        let mut e = Entity::new(id, name, EntityKind::Partner);
        e.location = Some(LonLat::new(lon, lat).unwrap());
        e
    }

    #[test]
    fn near_and_similar_or_same_site() {
        let mut es = vec![
            at("a", "Stadtmuseum Halle", 11.9714, 51.4803),
            at("b", "Stadtmuseum Halle (Saale)", 11.9716, 51.4804), // ~17 m, similar
            at("c", "Händel-Haus", 11.9715, 51.4803),               // near, different name
            at("d", "Stadtmuseum Halle", 11.99, 51.49),             // same name, 1.5 km away
        ];
        es[2].website = Some("https://www.haendelhaus.de/".into());
        es[3].website = Some("http://haendelhaus.de".into());
        let d = likely_duplicates(&es, None);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            matches!(d[0].reason, DuplicateReason::NearAndSimilar { distance_m, .. } if distance_m < 20.0)
        );
        assert_eq!((d[0].a, d[0].b), (0, 1));
        assert_eq!((d[1].a, d[1].b), (2, 3));
        // Only the pairs involving a given record.
        assert_eq!(likely_duplicates(&es, Some(&[3])).len(), 1);
        assert_eq!(likely_duplicates(&es, Some(&[1])).len(), 1);
    }
    /// Against every pair, measured: the row sweep offers each pair within
    /// `NEAR` (and none twice), in clusters denser than a city centre, across
    /// row edges and at high latitudes where a degree of longitude is short.
    #[test]
    fn the_row_sweep_offers_every_close_pair_once() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(11);
        for (lon, lat, spread) in [(11.97, 51.48, 0.004), (0.0, 0.0, 0.01), (25.0, 78.2, 0.02)] {
            let es: Vec<Entity> = (0..1500)
                .map(|i| {
                    let (x, y): (f64, f64) = (rng.random(), rng.random());
                    at(
                        &i.to_string(),
                        "x",
                        lon + x * spread,
                        lat + y * spread / 2.0,
                    )
                })
                .collect();
            let refs: Vec<&Entity> = es.iter().collect();
            let members: Vec<usize> = (0..es.len()).collect();
            let mut offered = std::collections::BTreeSet::new();
            pairs_within(&refs, &members, NEAR, |(a, p), (b, q)| {
                assert_eq!((p, q), (located(&refs, a), located(&refs, b)));
                assert!(offered.insert((a.min(b), a.max(b))), "{a}, {b} twice");
            });
            let mut close = 0;
            for a in 0..es.len() {
                for b in a + 1..es.len() {
                    if geodesic(located(&refs, a), located(&refs, b)).get() <= NEAR.get() {
                        close += 1;
                        assert!(offered.contains(&(a, b)), "{a}, {b} not offered at {lat}");
                    }
                }
            }
            assert!(
                close > 1000,
                "{close} close pairs: the test needs dense points"
            );
        }
    }
}
