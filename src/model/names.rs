//! Name keys: how people type district and organisation names.
//!
//! `Nördliche Innenstadt`, `noerdliche innenstadt` and `NORDLICHE INNENSTADT`
//! all mean the same place; [`name_keys`] gives the forms a name is known by.

/// Lowercase, German umlauts written out (`ö` → `oe`, `ß` → `ss`), everything
/// else transliterated to ASCII, runs of other characters folded to one space.
pub fn fold(name: &str) -> String {
    fold_with(name, true)
}

/// The keys a name matches: the umlaut-expanding form and the plain ASCII form
/// (`nordliche innenstadt`), since both spellings occur in the wild.
pub fn name_keys(name: &str) -> Vec<String> {
    let mut keys = vec![fold_with(name, true), fold_with(name, false)];
    keys.dedup();
    keys
}

fn fold_with(name: &str, expand_umlauts: bool) -> String {
    let mut expanded = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match (c, expand_umlauts) {
            ('ä', true) => expanded.push_str("ae"),
            ('ö', true) => expanded.push_str("oe"),
            ('ü', true) => expanded.push_str("ue"),
            ('ß', _) => expanded.push_str("ss"),
            _ => expanded.push(c),
        }
    }
    let ascii = deunicode::deunicode(&expanded).to_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for word in ascii.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A stable id derived from a name: `Martin-Luther-Universität` → `martin-luther-universitaet`.
pub fn slug(name: &str) -> String {
    fold(name).replace(' ', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn umlauts_match_both_ways() {
        assert!(name_keys("Nördliche Innenstadt").contains(&"noerdliche innenstadt".to_string()));
        assert!(name_keys("Nördliche Innenstadt").contains(&"nordliche innenstadt".to_string()));
        assert_eq!(fold("noerdliche  INNENSTADT"), "noerdliche innenstadt");
        assert_eq!(fold("Straße"), "strasse");
    }

    #[test]
    fn slugs_are_stable_ascii() {
        assert_eq!(
            slug("Stadt Halle (Saale) – Stadtverwaltung (Ratshof)"),
            "stadt-halle-saale-stadtverwaltung-ratshof"
        );
        assert_eq!(
            slug("Giebichenstein-Gymnasium „Thomas Müntzer“"),
            "giebichenstein-gymnasium-thomas-muentzer"
        );
        assert_eq!(slug("1&1 Versatel"), "1-1-versatel");
    }
}
