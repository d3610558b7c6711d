//! Finding one address in one register: the exact street key first, then
//! its plain-vowel key, then similar street names; the house number with its
//! suffix, then without; postcode and place to tell equal candidates apart;
//! the street's or postcode's centre when the number or street is unknown.

use super::normalise::ParsedAddress;
use super::register::{Entry, Keys, Register, long_form, profile};
use crate::model::{Lang, LonLat, MatchQuality, Text};
use serde::Serialize;
use std::collections::BTreeMap;

/// Least similarity (normalised edit distance of the street keys, 0..1) for a street name to count as a spelling of a register street:
/// one typo in a name of seven letters or more.
pub const SIMILAR: f64 = 0.85;

/// Register streets less similar than the best one by at most this much are
/// candidates too, so that two near-equal names are never decided by a hair.
const TIE: f64 = 0.02;

/// A place an address may stand at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// WGS84.
    pub lon: f64,
    pub lat: f64,
    /// The register address, or the street or postcode whose centre this is
    /// (`Am Markt, 06108 (centre of 12 addresses)`; JSON has the English).
    pub address: Text,
    /// Where in the register: `hk.geojson: feature 12`.
    pub at: String,
}

/// What one register says about one address.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub quality: MatchQuality,
    /// One: a match; several: ambiguous (never applied); none with
    /// [`MatchQuality::None`].
    pub candidates: Vec<Candidate>,
}

impl Found {
    fn none() -> Self {
        Self {
            quality: MatchQuality::None,
            candidates: Vec::new(),
        }
    }

    /// True when several places fit equally well.
    pub fn is_ambiguous(&self) -> bool {
        self.candidates.len() > 1
    }
}

impl Register {
    /// Where `q` stands according to this register.
    pub fn find(&self, q: &ParsedAddress) -> Found {
        if !q.street.is_empty() {
            if self.by_street.contains_key(&q.street) {
                return self.on_streets(&[q.street.as_str()], false, q);
            }
            if let Some(keys) = self.by_plain.get(&q.street_plain) {
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                return self.on_streets(&keys, false, q);
            }
            let similar = self.similar_streets(&q.street);
            if !similar.is_empty() {
                return self.on_streets(&similar, true, q);
            }
        }
        match q.postcode.as_ref().and_then(|p| self.by_postcode.get(p)) {
            Some(entries) => Found {
                quality: MatchQuality::Postcode,
                candidates: vec![{
                    let postcode = q.postcode.as_deref().unwrap_or_default();
                    self.centre(
                        entries,
                        crate::text!("postcode {postcode}", "Postleitzahl {postcode}"),
                    )
                }],
            },
            None => Found::none(),
        }
    }

    /// The register streets most similar to `key`, at least [`SIMILAR`]:
    /// `1 - d / longer length`, `d` the optimal-string-alignment distance
    /// (an edit is a letter inserted, deleted, replaced or two swapped),
    /// between the keys or between their forms with `str` written out.
    fn similar_streets(&self, key: &str) -> Vec<&str> {
        let mut scored = similar(&self.streets, key);
        scored.extend(similar(&self.long_streets, &long_form(key)));
        let best = scored.iter().map(|(s, _)| *s).fold(0.0, f64::max);
        let mut keys: Vec<&str> = scored
            .into_iter()
            .filter(|(s, _)| *s >= best - TIE)
            .map(|(_, k)| k)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// The address on one of these streets, or the street's centre.
    fn on_streets(&self, keys: &[&str], fuzzy: bool, q: &ParsedAddress) -> Found {
        let entries: Vec<u32> = keys
            .iter()
            .flat_map(|k| self.by_street.get(*k).into_iter().flatten().copied())
            .collect();
        let entry = |i: u32| &self.entries[i as usize];
        if let Some(n) = q.number {
            let same: Vec<u32> = entries
                .iter()
                .copied()
                .filter(|&i| entry(i).number == n)
                .collect();
            if !same.is_empty() {
                let exact: Vec<u32> = same
                    .iter()
                    .copied()
                    .filter(|&i| entry(i).suffix == q.suffix)
                    .collect();
                let bare: Vec<u32> = same
                    .iter()
                    .copied()
                    .filter(|&i| entry(i).suffix.is_none())
                    .collect();
                // `12c` not in the register: the main building `12`;
                // `12` not in it: one of `12a`, `12b`, or ambiguous.
                let (chosen, mut quality) = if !exact.is_empty() {
                    let q = if fuzzy {
                        MatchQuality::AddressFuzzy
                    } else {
                        MatchQuality::Address
                    };
                    (exact, q)
                } else if !bare.is_empty() {
                    (bare, MatchQuality::AddressFuzzy)
                } else {
                    (same, MatchQuality::AddressFuzzy)
                };
                let chosen = self.tie_break(chosen, q);
                if quality == MatchQuality::Address
                    && q.postcode.is_some()
                    && chosen
                        .iter()
                        .all(|&i| entry(i).postcode.is_some() && entry(i).postcode != q.postcode)
                {
                    // The register puts the address in another postcode.
                    quality = MatchQuality::AddressFuzzy;
                }
                let mut candidates: Vec<Candidate> =
                    chosen.iter().map(|&i| self.candidate(i)).collect();
                dedup_places(&mut candidates);
                return Found {
                    quality,
                    candidates,
                };
            }
        }
        // The number is not on the street: the street's centre, one per
        // (street, postcode), since a name can recur in parts of a city.
        let mut groups: BTreeMap<(&str, Option<&str>), Vec<u32>> = BTreeMap::new();
        for &i in &entries {
            let e = entry(i);
            groups
                .entry((e.street.as_str(), e.postcode.as_deref()))
                .or_default()
                .push(i);
        }
        let mut groups: Vec<Vec<u32>> = groups.into_values().collect();
        if let Some(p) = &q.postcode
            && groups
                .iter()
                .any(|g| entry(g[0]).postcode.as_ref() == Some(p))
        {
            groups.retain(|g| entry(g[0]).postcode.as_ref() == Some(p));
        }
        if let Some(place) = &q.place
            && groups
                .iter()
                .any(|g| g.iter().any(|&i| entry(i).place.as_ref() == Some(place)))
        {
            groups.retain(|g| g.iter().any(|&i| entry(i).place.as_ref() == Some(place)));
        }
        let candidates = groups
            .iter()
            .map(|g| {
                let e = entry(g[0]);
                let street = &self.record_of(g[0]).street;
                let label = match &e.postcode {
                    Some(p) => format!("{street}, {p}"),
                    None => street.clone(),
                };
                self.centre(g, Text::new(label.clone(), label))
            })
            .collect();
        Found {
            quality: MatchQuality::Street,
            candidates,
        }
    }

    /// Of equal candidates, those in the query's postcode, then in its place
    /// (each only when some are).
    fn tie_break(&self, mut chosen: Vec<u32>, q: &ParsedAddress) -> Vec<u32> {
        let entry = |i: &u32| -> &Entry { &self.entries[*i as usize] };
        if chosen.len() > 1 {
            if let Some(p) = &q.postcode
                && chosen.iter().any(|i| entry(i).postcode.as_ref() == Some(p))
            {
                chosen.retain(|i| entry(i).postcode.as_ref() == Some(p));
            }
            if let Some(place) = &q.place
                && chosen
                    .iter()
                    .any(|i| entry(i).place.as_ref() == Some(place))
            {
                chosen.retain(|i| entry(i).place.as_ref() == Some(place));
            }
        }
        chosen
    }

    fn candidate(&self, entry: u32) -> Candidate {
        let r = self.record_of(entry);
        Candidate {
            lon: r.location.lon(),
            lat: r.location.lat(),
            // A register's own words: the same in both languages.
            address: {
                let label = r.label();
                Text::new(label.clone(), label)
            },
            at: format!("{}: {}", self.name, r.at),
        }
    }

    /// The address nearest the mean of `entries`: a centre that lies on the
    /// street (the mean of a curved street need not).
    fn centre(&self, entries: &[u32], what: Text) -> Candidate {
        let points: Vec<LonLat> = entries
            .iter()
            .map(|&i| self.record_of(i).location)
            .collect();
        let n = points.len().max(1) as f64;
        let lon = points.iter().map(|p| p.lon()).sum::<f64>() / n;
        let lat = points.iter().map(|p| p.lat()).sum::<f64>() / n;
        // Squared distance with longitude scaled to metres' proportion at
        // this latitude; only the order matters.
        let scale = lat.to_radians().cos();
        let d = |p: &LonLat| ((p.lon() - lon) * scale).powi(2) + (p.lat() - lat).powi(2);
        let nearest = entries
            .iter()
            .zip(&points)
            .min_by(|a, b| d(a.1).total_cmp(&d(b.1)))
            .map_or(entries[0], |(&i, _)| i);
        let mut c = self.candidate(nearest);
        let n = entries.len();
        c.address = Text::new(
            format!("{what} (centre of {n} addresses)"),
            format!("{} (Mittelpunkt von {n} Adressen)", what.in_lang(Lang::De)),
        );
        c
    }
}

/// The keys of `list` at least [`SIMILAR`] to `key`, with their score and
/// the street key each stands for.
fn similar<'a>(list: &'a Keys, key: &str) -> Vec<(f64, &'a str)> {
    let len = key.len() as f64;
    let (lo, hi) = (
        (len * SIMILAR).floor() as usize,
        (len / SIMILAR).ceil() as usize,
    );
    let start = list.keys.partition_point(|s| s.len() < lo);
    let end = list.keys.partition_point(|s| s.len() <= hi);
    let wanted = profile(key);
    let mut scored = Vec::new();
    for k in start..end {
        let s = &list.keys[k];
        let longer = key.len().max(s.len());
        let allowed = ((1.0 - SIMILAR) * longer as f64 + 1e-9).floor() as usize;
        // Each edit changes the letter counts by at most two, so half their
        // difference bounds the distance from below.
        let differ: usize = wanted
            .iter()
            .zip(&list.profiles[k])
            .map(|(a, b)| a.abs_diff(*b) as usize)
            .sum();
        if differ.div_ceil(2) > allowed {
            continue;
        }
        let score = 1.0 - strsim::osa_distance(key, s) as f64 / longer as f64;
        if score >= SIMILAR {
            scored.push((score, list.streets[k].as_str()));
        }
    }
    scored
}

/// Candidates at the same coordinate are one place (a register that lists
/// an address twice).
fn dedup_places(candidates: &mut Vec<Candidate>) {
    let mut seen: Vec<(f64, f64)> = Vec::new();
    candidates.retain(|c| {
        let fresh = !seen.contains(&(c.lon, c.lat));
        seen.push((c.lon, c.lat));
        fresh
    });
}
