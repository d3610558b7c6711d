//! Address spellings folded to comparable keys: `Dr.-Kurt-Fischer-Str. 12 a`
//! and `dr kurt fischer strasse 12A` give the same street key and number.
//!
//! The rules, applied to register and query alike so that they cannot
//! disagree: case; umlauts written out or not (`ü` = `ue`, and `u` through the
//! plain key); `ß` = `ss`; `Straße`/`Strasse`/`Str.`/`str` = `str`; spaces,
//! hyphens and dots ignored; house numbers `12a`, `12 a`, `12-14` (→ 12).

use crate::model::names::name_keys;

/// An address taken apart into the parts a register has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedAddress {
    /// The street's key ([`street_keys`], umlauts written out); empty when
    /// the text names no street.
    pub street: String,
    /// The street's key with umlauts as plain vowels (`ü` = `u`).
    pub street_plain: String,
    /// The house number without its suffix.
    pub number: Option<u32>,
    /// The house-number suffix, lower case (`a` of `12a`).
    pub suffix: Option<String>,
    /// A five-digit German postcode.
    pub postcode: Option<String>,
    /// The place's key: its first word, folded (`halle` of `Halle (Saale)`).
    pub place: Option<String>,
}

/// The two keys of a street name: umlauts written out, and as plain vowels.
/// `Dr.-Kurt-Fischer-Straße` → `drkurtfischerstr`.
pub fn street_keys(name: &str) -> (String, String) {
    let mut keys = name_keys(name).into_iter().map(|k| compact(&k));
    let expanded = keys.next().unwrap_or_default();
    let plain = keys.next().unwrap_or_else(|| expanded.clone());
    (expanded, plain)
}

/// A folded name without spaces, `strasse` shortened to `str` wherever it
/// stands (`Straße der Einheit`, `Leipziger Str.`, `Leipzigerstraße`).
fn compact(folded: &str) -> String {
    folded.replace(' ', "").replace("strasse", "str")
}

/// The key of a place name: its first word, folded (`Halle (Saale)`,
/// `Halle/Saale` and `halle` are one place).
pub fn place_key(name: &str) -> Option<String> {
    name_keys(name)
        .into_iter()
        .next()
        .and_then(|k| k.split(' ').next().map(str::to_string))
        .filter(|k| !k.is_empty())
}

/// A postcode as written (`06108`, `D-06108`), or `None` when it is not five digits.
pub fn postcode(text: &str) -> Option<String> {
    let t = text.trim();
    let t = t
        .strip_prefix("D-")
        .or_else(|| t.strip_prefix("d-"))
        .unwrap_or(t);
    (t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.to_string())
}

/// A postcode column's value: as [`postcode`], and four digits taken for
/// a postcode whose leading zero a number column lost (`6108` → `06108`,
/// as Shapefile and spreadsheet columns of type number store Halle's).
pub fn postcode_column(text: &str) -> Option<String> {
    let t = text.trim();
    let t = t.strip_suffix(".0").unwrap_or(t);
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("0{t}"));
    }
    postcode(t)
}

/// A house number and its suffix: `12` → (12, None); `12a`, `12 a`, `12A`
/// → (12, `a`); `12-14`, `12/1` → (12, None). `None` when the text does not
/// start with a digit.
pub fn house_number(text: &str) -> Option<(u32, Option<String>)> {
    let t = text.trim();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let number: u32 = t[..digits].parse().ok()?;
    let rest = t[digits..].trim_start();
    let letters: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    let after = rest[letters.len()..].chars().next();
    // A suffix is one or two letters standing alone (`12 a`, `12a-c`), not
    // a word (`12 Hinterhaus`).
    let suffix = (!letters.is_empty()
        && letters.chars().count() <= 2
        && after.is_none_or(|c| !c.is_alphanumeric()))
    .then(|| letters.to_lowercase());
    Some((number, suffix))
}

/// A register's suffix column (`hsnrzus`): folded, `None` when empty.
pub fn suffix(text: &str) -> Option<String> {
    let s: String = text
        .trim()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    (!s.is_empty()).then_some(s)
}

/// Takes a free-text address apart: `Große Ulrichstr. 12a, 06108 Halle (Saale)`,
/// `Marktplatz, 1, 06108` (columns joined by a mapping), `Am Markt 1 Halle`,
/// `06108 Halle, Marktplatz 1`.
///
/// The postcode is the first five-digit word, the place what follows it (or
/// what follows the house number after a comma); the house number is the
/// first word starting with a digit that is not an ordinal (`17.` of
/// `Straße des 17. Juni`); the street is what stands before it.
pub fn parse(text: &str) -> ParsedAddress {
    let tokens = tokens(text);
    let postcode_at = tokens.iter().position(|t| postcode(t).is_some());
    let before = &tokens[..postcode_at.unwrap_or(tokens.len())];
    // `06108 Halle, Marktplatz 1`: postcode and place first, the street
    // after the comma that ends the place.
    if let Some(p) = postcode_at
        && before.iter().all(|w| w == ",")
        && let Some(comma) = tokens[p + 1..].iter().position(|w| w == ",")
    {
        let place = tokens[p + 1..p + 1 + comma].join(" ");
        let mut inner = parse(&tokens[p + 2 + comma..].join(" "));
        inner.postcode = postcode(&tokens[p]);
        if inner.place.is_none() {
            inner.place = place_key(&place);
        }
        return inner;
    }
    let mut place_words: Vec<&str> = postcode_at
        .map(|p| tokens[p + 1..].iter().map(String::as_str).collect())
        .unwrap_or_default();
    let number_at = before.iter().position(|t| {
        t.starts_with(|c: char| c.is_ascii_digit())
            && !(t.ends_with('.') && t[..t.len() - 1].bytes().all(|b| b.is_ascii_digit()))
    });
    let (street_words, number, suffix) = match number_at {
        Some(n) => {
            let mut number_text = before[n].clone();
            let mut rest = &before[n + 1..];
            // `12 a`: a lone letter or two after the number is its suffix.
            if let Some(next) = rest.first()
                && next.chars().count() <= 2
                && next.chars().all(char::is_alphabetic)
            {
                number_text.push_str(next);
                rest = &rest[1..];
            }
            if postcode_at.is_none() {
                // `Am Markt 1, Halle`: what follows the number is the place.
                place_words = rest
                    .iter()
                    .map(String::as_str)
                    .filter(|w| *w != ",")
                    .collect();
            }
            let (number, suffix) = house_number(&number_text).unzip();
            (street_before(&before[..n]), number, suffix.flatten())
        }
        None => (before, None, None),
    };
    // Without a number, a comma ends the street (`Marktplatz, Halle`).
    let street_words = match number_at {
        Some(_) => street_words,
        None => {
            let end = street_words
                .iter()
                .position(|w| w == ",")
                .unwrap_or(street_words.len());
            &street_words[..end]
        }
    };
    let street_text = street_words
        .iter()
        .map(String::as_str)
        .filter(|w| *w != ",")
        .collect::<Vec<_>>()
        .join(" ");
    let (street, street_plain) = street_keys(&street_text);
    let place: Vec<&str> = place_words.into_iter().filter(|w| *w != ",").collect();
    ParsedAddress {
        street,
        street_plain,
        number,
        suffix,
        postcode: postcode_at.and_then(|p| postcode(&tokens[p])),
        place: place_key(&place.join(" ")),
    }
}

/// The street's words before a house number: those after the last comma
/// (`Stadtwerke Halle, Bornknechtstraße 5`: a name line before the street),
/// or, when the comma stands right before the number (`Marktplatz, 1`: a
/// street and a number column joined), those of the part before it.
fn street_before(words: &[String]) -> &[String] {
    let commas: Vec<usize> = words
        .iter()
        .enumerate()
        .filter(|(_, w)| *w == ",")
        .map(|(i, _)| i)
        .collect();
    match commas.as_slice() {
        [] => words,
        [.., last] if *last + 1 < words.len() => &words[last + 1..],
        [.., before, last] => &words[before + 1..*last],
        [last] => &words[..*last],
    }
}

/// Words of an address, commas as words of their own; `Str.12` is split
/// after the dot.
fn tokens(text: &str) -> Vec<String> {
    let mut spaced = String::with_capacity(text.len() + 8);
    let mut prev = ' ';
    for c in text.chars() {
        match c {
            ',' | ';' | '\n' => spaced.push_str(" , "),
            c if c.is_ascii_digit() && prev == '.' => {
                spaced.push(' ');
                spaced.push(c);
            }
            c => spaced.push(c),
        }
        prev = c;
    }
    // `17.` of `Straße des 17. Juni` keeps its dot: an ordinal, not a number.
    spaced.split_whitespace().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(
        text: &str,
    ) -> (
        String,
        Option<u32>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) {
        let a = parse(text);
        (a.street, a.number, a.suffix, a.postcode, a.place)
    }

    #[test]
    fn street_spellings_share_one_key() {
        let key = street_keys("Dr.-Kurt-Fischer-Straße").0;
        for s in [
            "Dr.-Kurt-Fischer-Str.",
            "Dr. Kurt Fischer Strasse",
            "dr kurt-fischer-str",
            "DR.-KURT-FISCHER-STRASSE",
        ] {
            assert_eq!(street_keys(s).0, key, "{s}");
        }
        assert_eq!(street_keys("Große Märkerstraße").0, "grossemaerkerstr");
        assert_eq!(street_keys("Grosse Maerkerstr.").0, "grossemaerkerstr");
        assert_eq!(street_keys("Große Märkerstraße").1, "grossemarkerstr");
        assert_eq!(street_keys("Grosse Markerstr").1, "grossemarkerstr");
    }

    #[test]
    fn house_numbers_lose_suffixes_and_ranges() {
        assert_eq!(house_number("12"), Some((12, None)));
        assert_eq!(house_number("12a"), Some((12, Some("a".into()))));
        assert_eq!(house_number("12 A"), Some((12, Some("a".into()))));
        assert_eq!(house_number("12-14"), Some((12, None)));
        assert_eq!(house_number("12 - 14"), Some((12, None)));
        assert_eq!(house_number("12/1"), Some((12, None)));
        assert_eq!(house_number("12 Hinterhaus"), Some((12, None)));
        assert_eq!(house_number("a12"), None);
        assert_eq!(postcode_column("6108"), Some("06108".into()));
        assert_eq!(postcode_column("06108"), Some("06108".into()));
        assert_eq!(postcode_column("610"), None);
    }

    #[test]
    fn addresses_come_apart() {
        assert_eq!(
            p("Große Ulrichstr. 12a, 06108 Halle (Saale)"),
            (
                "grosseulrichstr".into(),
                Some(12),
                Some("a".into()),
                Some("06108".into()),
                Some("halle".into())
            )
        );
        assert_eq!(
            p("Marktplatz, 1, 06108"),
            (
                "marktplatz".into(),
                Some(1),
                None,
                Some("06108".into()),
                None
            )
        );
        assert_eq!(
            p("Straße des 17. Juni 12 b"),
            (
                "strdes17juni".into(),
                Some(12),
                Some("b".into()),
                None,
                None
            )
        );
        assert_eq!(
            p("Am Markt 1, Halle"),
            ("ammarkt".into(), Some(1), None, None, Some("halle".into()))
        );
        assert_eq!(
            p("Leipziger Str.12-14"),
            ("leipzigerstr".into(), Some(12), None, None, None)
        );
        assert_eq!(
            p("Hallorenring, 06108 Halle"),
            (
                "hallorenring".into(),
                None,
                None,
                Some("06108".into()),
                Some("halle".into())
            )
        );
        assert_eq!(p("06120 Halle").0, "");
        assert_eq!(
            p("06108 Halle (Saale), Große Ulrichstraße 12a"),
            (
                "grosseulrichstr".into(),
                Some(12),
                Some("a".into()),
                Some("06108".into()),
                Some("halle".into())
            )
        );
        assert_eq!(
            p("Stadtwerke Halle GmbH, Bornknechtstraße 5, 06108 Halle"),
            (
                "bornknechtstr".into(),
                Some(5),
                None,
                Some("06108".into()),
                Some("halle".into())
            )
        );
        assert_eq!(
            p("Stadtwerke, Marktplatz, 1, 06108").0,
            "marktplatz".to_string()
        );
    }
}
