//! An address register as read (one [`AddressRecord`] per building address)
//! and as an index ([`Register`]): addresses by street key, by postcode, and
//! the street keys for the similarity fallback.

use super::normalise::{self, street_keys};
use crate::model::{LonLat, Text};
use std::path::PathBuf;

/// Hash maps keyed by street keys; foldhash is several times faster than
/// SipHash on short keys, and a register needs no DoS resistance.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// One address of a register as its file gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressRecord {
    /// The street name as written (`Große Ulrichstraße`).
    pub street: String,
    /// The house number as written (`12`, `12a`).
    pub number: String,
    /// The house-number suffix column, when the register has one (`hsnrzus`).
    pub suffix: Option<String>,
    pub postcode: Option<String>,
    /// Town or municipality (`Halle (Saale)`).
    pub place: Option<String>,
    /// The building's coordinate, WGS84.
    pub location: LonLat,
    /// The register file.
    pub file: PathBuf,
    /// Where in the file: `feature 12`, `line 5`.
    pub at: String,
}

impl AddressRecord {
    /// `Große Ulrichstraße 12a, 06108 Halle (Saale)`.
    pub fn label(&self) -> String {
        let mut s = format!("{} {}", self.street, self.number);
        if let Some(x) = &self.suffix {
            s.push_str(x);
        }
        let postcode = self
            .postcode
            .as_deref()
            .map(|p| normalise::postcode_column(p).unwrap_or_else(|| p.to_string()));
        match (&postcode, &self.place) {
            (Some(p), Some(o)) => s.push_str(&format!(", {p} {o}")),
            (Some(p), None) => s.push_str(&format!(", {p}")),
            (None, Some(o)) => s.push_str(&format!(", {o}")),
            (None, None) => {}
        }
        s
    }
}

/// One register address, normalised.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) street: String,
    pub(super) number: u32,
    pub(super) suffix: Option<String>,
    pub(super) postcode: Option<String>,
    pub(super) place: Option<String>,
    /// Index into [`Register::records`].
    pub(super) record: usize,
}

/// A register ready for matching.
#[derive(Debug, Clone)]
pub struct Register {
    /// The register's name: its file name.
    pub name: String,
    pub(super) records: Vec<AddressRecord>,
    pub(super) entries: Vec<Entry>,
    /// Street key (umlauts written out) → its entries.
    pub(super) by_street: HashMap<String, Vec<u32>>,
    /// Street key with plain vowels → the written-out keys it stands for.
    pub(super) by_plain: HashMap<String, Vec<String>>,
    /// Postcode → its entries.
    pub(super) by_postcode: HashMap<String, Vec<u32>>,
    /// Every street key, shortest first, for the similarity fallback.
    pub(super) streets: Keys,
    /// The same keys with `str` written out as `strasse` (`Stxaße` is one
    /// typo from `strasse`, four from `str`), for the same.
    pub(super) long_streets: Keys,
}

/// Street keys for the similarity fallback: shortest first (it scans a
/// window of lengths), each with its letter counts (to skip names that
/// cannot be similar before computing an edit distance) and the street key
/// it stands for.
#[derive(Debug, Clone, Default)]
pub(super) struct Keys {
    pub(super) keys: Vec<String>,
    pub(super) profiles: Vec<Profile>,
    pub(super) streets: Vec<String>,
}

impl Keys {
    fn new(mut pairs: Vec<(String, String)>) -> Self {
        pairs.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.cmp(b)));
        let profiles = pairs.iter().map(|(k, _)| profile(k)).collect();
        let (keys, streets) = pairs.into_iter().unzip();
        Self {
            keys,
            profiles,
            streets,
        }
    }
}

/// A street key with `str` written out as `strasse`.
pub(super) fn long_form(key: &str) -> String {
    key.replace("str", "strasse")
}

/// How often each of `a`-`z`, `0`-`9` occurs in a street key.
pub(super) type Profile = [u8; 36];

/// The [`Profile`] of a key (keys are folded to `a`-`z`, `0`-`9`).
pub(super) fn profile(key: &str) -> Profile {
    let mut p = [0u8; 36];
    for b in key.bytes() {
        let slot = match b {
            b'a'..=b'z' => (b - b'a') as usize,
            b'0'..=b'9' => 26 + (b - b'0') as usize,
            _ => continue,
        };
        p[slot] = p[slot].saturating_add(1);
    }
    p
}

/// Why a register record cannot be indexed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    #[error("{file}: {at}: the street name \"{street}\" gives no street key")]
    NoStreet {
        file: PathBuf,
        at: String,
        street: String,
    },
    #[error("{file}: {at}: \"{number}\" is not a house number (it must start with a digit)")]
    Number {
        file: PathBuf,
        at: String,
        number: String,
    },
}

impl RecordError {
    /// The register file and where in it (`line 5`, `feature 12`).
    pub fn place(&self) -> (&PathBuf, &str) {
        match self {
            RecordError::NoStreet { file, at, .. } | RecordError::Number { file, at, .. } => {
                (file, at)
            }
        }
    }

    /// What is wrong, in English and German, without the file and place
    /// that `Display` puts before it.
    pub fn text(&self) -> Text {
        match self {
            RecordError::NoStreet { street, .. } => crate::text!(
                "the street name \"{street}\" gives no street key",
                "der Straßenname \"{street}\" ergibt keinen Straßenschlüssel"
            ),
            RecordError::Number { number, .. } => crate::text!(
                "\"{number}\" is not a house number (it must start with a digit)",
                "\"{number}\" ist keine Hausnummer (sie muss mit einer Ziffer beginnen)"
            ),
        }
    }
}

impl Register {
    /// Indexes a register's records. Every record must have a street and a
    /// house number; the errors name each one that has not.
    ///
    /// # Errors
    /// Every [`RecordError`], in file order.
    pub fn build(name: String, records: Vec<AddressRecord>) -> Result<Self, Vec<RecordError>> {
        let mut errors = Vec::new();
        let mut entries = Vec::with_capacity(records.len());
        let mut by_street: HashMap<String, Vec<u32>> = HashMap::default();
        let mut by_plain: HashMap<String, Vec<String>> = HashMap::default();
        let mut by_postcode: HashMap<String, Vec<u32>> = HashMap::default();
        // A register names each street thousands of times: its keys are
        // worked out once per spelling.
        let mut keys: HashMap<&str, (String, String)> = HashMap::default();
        for (i, r) in records.iter().enumerate() {
            let (street, plain) = keys
                .entry(r.street.as_str())
                .or_insert_with(|| street_keys(&r.street))
                .clone();
            if street.is_empty() {
                errors.push(RecordError::NoStreet {
                    file: r.file.clone(),
                    at: r.at.clone(),
                    street: r.street.clone(),
                });
                continue;
            }
            let Some((number, inline_suffix)) = normalise::house_number(&r.number) else {
                errors.push(RecordError::Number {
                    file: r.file.clone(),
                    at: r.at.clone(),
                    number: r.number.clone(),
                });
                continue;
            };
            let suffix = r
                .suffix
                .as_deref()
                .and_then(normalise::suffix)
                .or(inline_suffix);
            let at = entries.len() as u32;
            let postcode = r.postcode.as_deref().and_then(normalise::postcode_column);
            if let Some(p) = &postcode {
                by_postcode.entry(p.clone()).or_default().push(at);
            }
            let list = by_street.entry(street.clone()).or_default();
            if list.is_empty() {
                let known = by_plain.entry(plain).or_default();
                if !known.contains(&street) {
                    known.push(street.clone());
                }
            }
            list.push(at);
            entries.push(Entry {
                street,
                number,
                suffix,
                postcode,
                place: r.place.as_deref().and_then(normalise::place_key),
                record: i,
            });
        }
        drop(keys);
        if !errors.is_empty() {
            return Err(errors);
        }
        let streets = Keys::new(by_street.keys().map(|k| (k.clone(), k.clone())).collect());
        let long_streets = Keys::new(
            by_street
                .keys()
                .filter(|k| k.contains("str"))
                .map(|k| (long_form(k), k.clone()))
                .collect(),
        );
        Ok(Self {
            name,
            records,
            entries,
            by_street,
            by_plain,
            by_postcode,
            streets,
            long_streets,
        })
    }

    /// How many addresses the register holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the register holds no address.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The register's addresses as read.
    pub fn records(&self) -> &[AddressRecord] {
        &self.records
    }

    /// How many distinct streets (by key) it holds.
    pub fn street_count(&self) -> usize {
        self.streets.keys.len()
    }

    pub(super) fn record_of(&self, entry: u32) -> &AddressRecord {
        &self.records[self.entries[entry as usize].record]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_error_says_after_its_place_what_display_says() {
        for e in [
            RecordError::NoStreet {
                file: PathBuf::from("hk.csv"),
                at: "line 5".into(),
                street: "--".into(),
            },
            RecordError::Number {
                file: PathBuf::from("hk.csv"),
                at: "line 6".into(),
                number: "a12".into(),
            },
        ] {
            let (file, at) = e.place();
            assert_eq!(
                e.to_string(),
                format!("{}: {at}: {}", file.display(), e.text().en())
            );
        }
    }
}
