//! Likely duplicates: two records within 100 m with similar names, or with
//! the same website. Ids decide identity; this only points at pairs to look at.

use crate::metric::{degree_margin, geodesic, within};
use crate::model::names::fold;
use crate::model::{Entity, LonLat, Meters};
use serde::Serialize;
use smallvec::SmallVec;
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

/// How many leading letters a word and its look-alike must share to be
/// compared at all. Jaro-Winkler weighs the first four letters most; pairs
/// above [`SIMILAR`] that differ there are typos in the first letters, which
/// this check accepts to miss.
const PREFIX: usize = 4;

/// The words two names are compared by: those of the distinctive name (the
/// whole folded name's where every word is generic), one-letter words left
/// out, sorted.
fn compared_words(text: &[u8]) -> SmallVec<[&[u8]; 8]> {
    let mut words: SmallVec<[&[u8]; 8]> =
        text.split(|&c| c == b' ').filter(|w| w.len() > 1).collect();
    words.sort_unstable();
    words
}

/// The keys a record is filed under; only records filed alike are
/// compared. Two names are alike with the same words (in any order), or
/// with one word each that the other lacks, those two alike (see the
/// comparison in [`likely_duplicates`]). So a record is filed, for each of
/// its words, under the others with that word's letters 0..4 and 5..9 (the
/// same words meet there too): two letters swapped anywhere in it
/// ("Kirhcengemeinde Lettin") still leave one of the two runs as it was.
/// "Kleingartenverein Rosengarten" and "Kleingartenverein Weinberg" are
/// filed apart; every name that starts alike is not compared with every
/// other any more. Each key is a hash with the record's `class` (its
/// numbers and kinds); a collision only adds a pair to compare.
fn filed_under(class: u64, text: &[u8], mut file: impl FnMut(u64)) {
    use std::hash::{BuildHasher, Hash, Hasher};
    let words = compared_words(text);
    let state = foldhash::fast::FixedState::with_seed(class);
    if words.is_empty() {
        // Names alike with no word to tell them apart ("Kita", "E. V.").
        file(state.hash_one(0u8));
    }
    for (k, w) in words.iter().enumerate() {
        if k > 0 && words[k - 1] == *w {
            continue;
        }
        let runs = [
            Some(&w[..w.len().min(PREFIX)]),
            (w.len() > PREFIX + 1).then(|| &w[PREFIX + 1..w.len().min(2 * PREFIX + 1)]),
        ];
        for (tag, run) in (1u8..).zip(runs) {
            let Some(run) = run else { continue };
            let mut h = state.build_hasher();
            tag.hash(&mut h);
            run.hash(&mut h);
            words[..k].hash(&mut h);
            words[k + 1..].hash(&mut h);
            file(h.finish());
        }
    }
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
/// kinds (of institution and of street, [`STREETS`]): "Grundschule am
/// Rosengarten" and "Förderschule am Rosengarten" are two schools on one
/// campus, "Kita Bummi" and "Kindertagesstätte Bummi" one.
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

/// Words for a kind of street, each with the kind its spelling stands for,
/// and whether the word also makes a street's name as the end of one word
/// ("Körnerstraße", "Körnerstr.", "Thomasiusgasse"; not "ring": too many
/// words end so, "Hering"). As a word, a kind like those of [`INSTITUTIONS`]:
/// "Bürgerbüro Aachener Platz" and "Bürgerbüro Aachener Weg" are on two
/// streets, "Aachener Str. 12" and "Aachener Straße 12" one house. As an
/// end, see [`other_streets`].
const STREETS: &[(&str, &str, bool)] = &[
    ("strasse", "strasse", true),
    ("str", "strasse", true),
    ("weg", "weg", true),
    ("platz", "platz", true),
    ("allee", "allee", true),
    ("ring", "ring", false),
    ("gasse", "gasse", true),
];

/// A word's stem and kind of street where it is a street's name written as
/// one word with at least three letters before the end ("koernerstr" is
/// "koerner", a "strasse").
fn street_end(word: &[u8]) -> Option<(&[u8], &'static str)> {
    STREETS.iter().filter(|s| s.2).find_map(|(end, kind, _)| {
        let stem = word.strip_suffix(end.as_bytes())?;
        (stem.len() >= 3).then_some((stem, *kind))
    })
}

/// Whether the one word each of two names has that the other lacks names
/// two streets, or a street and what it is named after: "Thomasiusgasse"
/// and "Thomasiusweg", "Meitnerallee" and "Meitner" (a school named after
/// her, not after the street). Words that only look like a street's name
/// by a slip in its end ("Noetherlalee") are left to the measure.
fn other_streets(x: &[u8], y: &[u8]) -> bool {
    match (street_end(x), street_end(y)) {
        (Some((_, kx)), Some((_, ky))) => kx != ky,
        (Some((stem, _)), None) => stem == y,
        (None, Some((stem, _))) => stem == x,
        (None, None) => false,
    }
}

/// The kinds of institution or street a folded name says it is (see
/// [`INSTITUTIONS`], [`STREETS`]).
fn kinds(folded: &[u8]) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = folded
        .split(|&c| c == b' ')
        .filter_map(|word| {
            INSTITUTIONS
                .iter()
                .map(|&(w, kind)| (w, kind))
                .chain(STREETS.iter().map(|&(w, kind, _)| (w, kind)))
                .find(|(w, _)| w.as_bytes() == word)
                .map(|(_, kind)| kind)
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

/// How the words of two names differ (see [`compared_words`]). Names are
/// compared by the words each lacks of the other: Jaro-Winkler rewards a
/// shared beginning, and "Seniorenbegegnungsstätte Lettin" and
/// "Seniorenbegegnungsstätte Neustadt" share a long one but differ in all
/// that says which place is meant.
enum Difference<'a> {
    /// The same words, in any order.
    Same,
    /// Each has exactly one word the other lacks: alike if those are.
    OneWord(&'a [u8], &'a [u8]),
    /// Another place: one says more than the other ("Stadtwerke Halle"
    /// and "Stadtwerke Halle Netz"), or two words or more differ (or a
    /// name is written apart, "Rosen Garten", which this misses).
    Other,
}

/// [`Difference`] of two names' compared texts: their sorted words merged.
fn difference<'a>(a: &'a [u8], b: &'a [u8]) -> Difference<'a> {
    use std::cmp::Ordering;
    let (wa, wb) = (compared_words(a), compared_words(b));
    // The words only one name has, at most one each.
    let (mut only_a, mut only_b): (Option<&[u8]>, Option<&[u8]>) = (None, None);
    let lacked = |slot: &mut Option<&'a [u8]>, word: &'a [u8]| slot.replace(word).is_none();
    let (mut i, mut j) = (0, 0);
    loop {
        let order = match (wa.get(i), wb.get(j)) {
            (None, None) => break,
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
        };
        let first = match order {
            Ordering::Equal => true,
            Ordering::Less => lacked(&mut only_a, wa[i]),
            Ordering::Greater => lacked(&mut only_b, wb[j]),
        };
        if !first {
            return Difference::Other;
        }
        if order.is_le() {
            i += 1;
        }
        if order.is_ge() {
            j += 1;
        }
    }
    match (only_a, only_b) {
        (None, None) => Difference::Same,
        (Some(x), Some(y)) => Difference::OneWord(x, y),
        _ => Difference::Other,
    }
}

/// Whether Jaro-Winkler can reach [`SIMILAR`] on `x` and `y` at all: a
/// bound from the bytes they share, in any order (Jaro's matches are some
/// of those). Jaro is at most (c/|x| + c/|y| + 1)/3 for c shared bytes, and
/// Winkler's bonus for a common beginning of at most 4 letters lifts it to
/// at most 0.6·Jaro + 0.4. It refuses most pairs of neighbours
/// ("Kleingartenverein Rosengarten", "Kleingartenverein Weinberg" differ in
/// "rosengarten" and "weinberg": 5 shared letters of 11 and 8) before the
/// measure itself runs; it never refuses a pair the measure would accept.
fn may_be_similar(x: &[u8], y: &[u8]) -> bool {
    if x.is_empty() || y.is_empty() {
        return x.len() == y.len();
    }
    let mut count = [0u16; 128];
    for &c in x {
        count[usize::from(c & 0x7f)] += 1;
    }
    let mut shared = 0usize;
    for &c in y {
        let k = &mut count[usize::from(c & 0x7f)];
        if *k > 0 {
            *k -= 1;
            shared += 1;
        }
    }
    let c = shared as f64;
    let jaro = (c / x.len() as f64 + c / y.len() as f64 + 1.0) / 3.0;
    // A hair of slack for rounding: the bound must never refuse a pair
    // that the measure, computed in floating point, accepts.
    0.6 * jaro + 0.4 >= SIMILAR - 1e-9
}

/// Jaro-Winkler of two folded names (or what differs of them), or 0 where
/// [`may_be_similar`] rules [`SIMILAR`] out.
fn similarity(x: &[u8], y: &[u8]) -> f64 {
    /// Bytes as `strsim`'s generic measures take them.
    struct Bytes<'a>(&'a [u8]);
    impl<'a> IntoIterator for &Bytes<'a> {
        type Item = &'a u8;
        type IntoIter = std::slice::Iter<'a, u8>;
        fn into_iter(self) -> Self::IntoIter {
            self.0.iter()
        }
    }
    if may_be_similar(x, y) {
        strsim::generic_jaro_winkler(&Bytes(x), &Bytes(y))
    } else {
        0.0
    }
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

/// A name without what it says in parentheses: registers add an
/// abbreviation, a site or another name there ("Leibniz-Institut für
/// Wirtschaftsforschung Halle (IWH)", "Zoologischer Garten Halle
/// (Bergzoo)"), which another source leaves out; a name that only adds
/// words is otherwise another thing. A name that is nothing but an aside
/// stays as it is.
fn without_asides(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.contains('(') {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    if out.trim().is_empty() {
        std::borrow::Cow::Borrowed(name)
    } else {
        std::borrow::Cow::Owned(out)
    }
}

/// What the comparison reads of every record's name, packed: at 10^6
/// records a vector per name and per property was ~200 MB of an import's
/// peak, this is ~45 MB.
struct Compared {
    /// The names' compared texts one after another: the distinctive name,
    /// or the whole folded name where every word is generic. Folded names
    /// are ASCII: compared byte by byte, the same as letter by letter.
    text: Vec<u8>,
    /// Where each record's text ends in `text`.
    ends: Vec<usize>,
    /// Whether a name has only generic words ("Kita").
    generic_only: Vec<bool>,
    /// The numbers and kinds of each name (see [`numbers`], [`kinds`]) as a
    /// number: names with other numbers or other kinds of institution or
    /// street are never alike, so that the addresses of one street are not
    /// all paired with each other.
    class: Vec<u32>,
}

impl Compared {
    fn of<E: Candidate>(entities: &[E]) -> Self {
        use rayon::prelude::*;
        type Class = (Vec<u8>, Vec<&'static str>);
        /// A part's texts, their ends, whether generic only, and classes.
        type Part = (Vec<u8>, Vec<usize>, Vec<bool>, Vec<Class>);
        const PART: usize = 16_384;
        let parts: Vec<Part> = entities
            .par_chunks(PART)
            .map(|chunk| {
                let mut text = Vec::new();
                let (mut lens, mut generic_only, mut classes) =
                    (Vec::new(), Vec::new(), Vec::new());
                for e in chunk {
                    let folded = fold(&without_asides(e.name())).into_bytes();
                    let distinct = distinctive(&folded);
                    classes.push((numbers(&folded), kinds(&folded)));
                    generic_only.push(distinct.is_empty());
                    text.extend_from_slice(if distinct.is_empty() {
                        &folded
                    } else {
                        &distinct
                    });
                    lens.push(text.len());
                }
                (text, lens, generic_only, classes)
            })
            .collect();
        let mut out = Compared {
            text: Vec::new(),
            ends: Vec::with_capacity(entities.len()),
            generic_only: Vec::with_capacity(entities.len()),
            class: Vec::with_capacity(entities.len()),
        };
        let mut numbered: HashMap<Class, u32> = HashMap::new();
        for (text, lens, generic_only, classes) in parts {
            let base = out.text.len();
            out.text.extend_from_slice(&text);
            out.ends.extend(lens.iter().map(|&l| base + l));
            out.generic_only.extend(generic_only);
            for class in classes {
                let next = u32::try_from(numbered.len()).expect("fewer than 2^32 classes");
                out.class.push(*numbered.entry(class).or_insert(next));
            }
        }
        out
    }

    fn text(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
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
    // Only records filed alike are compared (see [`filed_under`]): the work
    // grows with the pairs of look-alikes within 100 m, not with every pair
    // of neighbours in a dense city centre.
    // Folded names are ASCII: compared byte by byte, the same as letter by
    // letter, and cheaper.
    let names = Compared::of(entities);
    let compared = |i: usize| names.text(i);
    let compare = |group: &[(u64, u32)]| {
        let members: Vec<usize> = group.iter().map(|&(_, i)| i as usize).collect();
        let mut found = Vec::new();
        pairs_within(entities, &members, NEAR, |(a, p), (b, q)| {
            // Numbers and kinds first (house numbers along a street
            // differ), then the place on the sphere (it rules out the
            // corners of the rows' rectangle), then the names.
            if !involved(a, b) || names.class[a] != names.class[b] {
                return;
            }
            if !within(p, q, NEAR) {
                return;
            }
            // "Kita" and "Kita Sonnenschein": one says which, the other does not.
            if names.generic_only[a] != names.generic_only[b] {
                return;
            }
            let similarity = match difference(compared(a), compared(b)) {
                Difference::Same => 1.0,
                Difference::Other => return,
                Difference::OneWord(x, y) if other_streets(x, y) => return,
                Difference::OneWord(x, y) => similarity(x, y),
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
    };
    // Filed in passes, by the keys' lowest bits; in a pass, in parts on
    // every core, then moved into one list part by part (each part freed
    // once moved). At 10^6 records all keys at once were ~100 MB of an
    // import's peak; a pass holds a quarter of them, for the cost of
    // filing each record once per pass. A pair met in two passes is
    // found twice and kept once (below).
    const PART: usize = 16_384;
    const PASSES: u64 = 4;
    let mut out: Vec<Duplicate> = Vec::new();
    for pass in 0..PASSES {
        let parts: Vec<Vec<(u64, u32)>> = entities
            .par_chunks(PART)
            .enumerate()
            .map(|(p, chunk)| {
                let mut keys = Vec::new();
                for (i, e) in (p * PART..).zip(chunk) {
                    if e.location().is_some() {
                        let at = u32::try_from(i).expect("fewer than 2^32 records");
                        filed_under(u64::from(names.class[i]), compared(i), |key| {
                            if key % PASSES == pass {
                                keys.push((key, at));
                            }
                        });
                    }
                }
                keys
            })
            .collect();
        let mut filed = Vec::with_capacity(parts.iter().map(Vec::len).sum());
        for part in parts {
            filed.extend(part);
        }
        filed.par_sort_unstable();
        // A record filed twice under one key (a hash collision) would meet itself.
        filed.dedup();
        let groups: Vec<&[(u64, u32)]> = filed
            .chunk_by(|x, y| x.0 == y.0)
            .filter(|g| g.len() > 1 && g.iter().any(|&(_, i)| is_asked(i as usize)))
            .collect();
        out.par_extend(groups.into_par_iter().flat_map_iter(compare));
    }
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
        assert_eq!(pairs_of(&list), vec![(0, 1), (2, 3)]);
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
        assert_eq!(pairs_of(&list), vec![(2, 3)]);
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

    #[test]
    fn one_street_written_two_ways_is_one_street_two_streets_are_two() {
        let list = vec![
            at("a", "Aachener Str. 12", 11.9700, 51.4800),
            at("b", "Aachener Straße 12", 11.9701, 51.4800),
            at("c", "Bürgerbüro Aachener Platz", 11.9600, 51.4800),
            at("d", "Bürgerbüro Aachener Weg", 11.9601, 51.4800),
            at("e", "Körnerstraße 64", 11.9500, 51.4800),
            at("f", "Körnerstr. 64", 11.9501, 51.4800),
            at(
                "g",
                "Stadtbibliothek – Zweigstelle Thomasiusgasse",
                11.9400,
                51.4800,
            ),
            at(
                "h",
                "Stadtbibliothek – Zweigstelle Thomasiusweg",
                11.9401,
                51.4800,
            ),
            at("i", "Grundschule Meitner", 11.9300, 51.4800),
            at("j", "Grundschule Meitnerallee", 11.9301, 51.4800),
            at("k", "Alte Noetherallee 31", 11.9200, 51.4800),
            at("l", "Alte Noetherlalee 31", 11.9201, 51.4800),
        ];
        assert_eq!(pairs_of(&list), vec![(0, 1), (4, 5), (10, 11)]);
    }

    #[test]
    fn what_a_name_says_in_parentheses_is_an_aside() {
        let list = vec![
            at(
                "a",
                "Leibniz-Institut für Wirtschaftsforschung Halle (IWH)",
                11.9650,
                51.4810,
            ),
            at(
                "b",
                "Leibniz-Institut für Wirtschaftsforschung Halle",
                11.9651,
                51.4810,
            ),
            at("c", "Zoologischer Garten Halle (Bergzoo)", 11.9530, 51.5000),
            at("d", "Zoologischer Garten Halle GmbH", 11.9531, 51.5000),
            at("e", "(Neubau)", 11.9400, 51.5000),
            at("f", "Stadtwerke Halle", 11.9300, 51.5000),
            at("g", "Stadtwerke Halle Netz", 11.9301, 51.5000),
        ];
        assert_eq!(pairs_of(&list), vec![(0, 1), (2, 3)]);
        assert_eq!(without_asides("(Neubau)"), "(Neubau)");
        assert_eq!(without_asides("Lutherring (Neustadt) 48"), "Lutherring  48");
    }

    /// The bound before Jaro-Winkler refuses only pairs the measure refuses
    /// too: words and their near misses (letters swapped, dropped, changed,
    /// added), where the measure sits around the threshold.
    #[test]
    fn the_bound_never_refuses_a_pair_the_measure_accepts() {
        let mut seed: u64 = 42;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % n
        };
        let letters = b"aeinrstlgh ou";
        let (mut refused, mut accepted) = (0, 0);
        for _ in 0..200_000 {
            let len = 2 + next(14);
            let x: Vec<u8> = (0..len).map(|_| letters[next(letters.len())]).collect();
            let mut y = x.clone();
            for _ in 0..1 + next(3) {
                let i = next(y.len());
                match next(4) {
                    0 if i + 1 < y.len() => y.swap(i, i + 1),
                    1 if y.len() > 1 => {
                        y.remove(i);
                    }
                    2 => y[i] = letters[next(letters.len())],
                    _ => y.insert(i, letters[next(letters.len())]),
                }
            }
            let jw = strsim::generic_jaro_winkler(&x, &y);
            if may_be_similar(&x, &y) {
                accepted += usize::from(jw >= SIMILAR);
            } else {
                assert!(
                    jw < SIMILAR,
                    "{:?} {:?}: {jw}",
                    String::from_utf8_lossy(&x),
                    String::from_utf8_lossy(&y)
                );
                refused += 1;
            }
        }
        // Both sides of the threshold were met.
        assert!(
            refused > 10_000 && accepted > 10_000,
            "{refused} {accepted}"
        );
        assert!(!may_be_similar(b"rosengarten", b"weinberg"));
    }

    /// The pairs the advice finds in `list`, as index pairs.
    fn pairs_of(list: &[Entity]) -> Vec<(usize, usize)> {
        likely_duplicates(list, None)
            .iter()
            .map(|d| (d.a, d.b))
            .collect()
    }

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
