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
    // Most names are ASCII: nothing to write out or transliterate (a third
    // of the likely-duplicate check of a million records went there).
    let ascii = if name.is_ascii() {
        std::borrow::Cow::Borrowed(name)
    } else {
        std::borrow::Cow::Owned(transliterate(name, expand_umlauts))
    };
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
    out.make_ascii_lowercase();
    out
}

/// `name` in ASCII: lowercased first, so that `Ä` is written out as `ae` too.
fn transliterate(name: &str, expand_umlauts: bool) -> String {
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
    deunicode::deunicode(&expanded)
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
        assert_eq!(fold("ÄRZTEHAUS Süd"), "aerztehaus sued");
        assert_eq!(name_keys("ÄRZTEHAUS"), ["aerztehaus", "arztehaus"]);
        // ASCII names take a shorter way to the same forms.
        assert_eq!(fold("  Händel-Haus (HALLE) "), "haendel haus halle");
        assert_eq!(fold("  Handel-Haus (HALLE) "), "handel haus halle");
        assert_eq!(
            name_keys("Stadtwerke_Halle GmbH"),
            ["stadtwerke halle gmbh"]
        );
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
