//! Cell values: numbers with a decimal comma, lists, dates, coordinates.

use crate::model::{LonLat, Text};

/// Parses a number; accepts a decimal comma (`51,48`).
pub fn number(cell: &str) -> Option<f64> {
    let t = cell.trim();
    t.parse::<f64>()
        .ok()
        .or_else(|| {
            if t.contains(',') && !t.contains('.') {
                t.replace(',', ".").parse().ok()
            } else {
                None
            }
        })
        .filter(|v: &f64| v.is_finite())
}

/// Splits a multi-valued cell on `;` or `|`; trims; drops empties.
pub fn list(cell: &str) -> Vec<String> {
    cell.split([';', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Parses `YYYY-MM-DD` or German `DD.MM.YYYY`.
pub fn date(cell: &str) -> Option<chrono::NaiveDate> {
    let t = cell.trim();
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .ok()
}

/// Accepts a year (`2021`), a year-month or an ISO date as a start or end.
pub fn period_bound(cell: &str) -> Option<String> {
    let t = cell.trim();
    let year_ok = |y: &str| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit());
    let ok = match t.len() {
        4 => year_ok(t),
        // `get`, not slicing: byte 4 may fall inside a multi-byte character
        // (found by the csv fuzz target).
        7 => {
            t.get(..4).is_some_and(year_ok)
                && chrono::NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").is_ok()
        }
        _ => date(t).is_some(),
    };
    ok.then(|| match date(t) {
        Some(d) => d.to_string(),
        None => t.to_string(),
    })
}

/// Validates a coordinate pair, with a hint when it looks swapped.
pub fn lon_lat(lon: f64, lat: f64) -> Result<LonLat, Text> {
    LonLat::new(lon, lat).map_err(|e| {
        let e = e.text();
        let (en, de) = (e.en(), e.in_lang(crate::model::Lang::De));
        if LonLat::new(lat, lon).is_ok() {
            crate::text!(
                "{en} (are lat and lon swapped?)",
                "{de} (sind lat und lon vertauscht?)"
            )
        } else if lon.abs() > 1000.0 || lat.abs() > 1000.0 {
            crate::text!(
                "{en} (these look like projected metres; give the CRS, e.g. --crs EPSG:25832)",
                "{de} (das sieht nach projizierten Metern aus; geben Sie das Koordinatenreferenzsystem an, z. B. \
                 --crs EPSG:25832)"
            )
        } else {
            e
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_comma_and_rejects() {
        assert_eq!(number("51,48"), Some(51.48));
        assert_eq!(number(" 11.97 "), Some(11.97));
        assert_eq!(number("5l.48"), None);
        assert_eq!(number("1,234.5"), None);
        assert_eq!(number("NaN"), None);
    }

    #[test]
    fn lists_and_periods() {
        assert_eq!(
            list("bildung; kultur|sport;;"),
            vec!["bildung", "kultur", "sport"]
        );
        assert_eq!(period_bound("2021").as_deref(), Some("2021"));
        assert_eq!(period_bound("31.12.2027").as_deref(), Some("2027-12-31"));
        assert_eq!(period_bound("soon"), None);
        // Regression: seven bytes with a two-byte character across byte 4.
        assert_eq!(period_bound("202\u{e4}-1"), None);
    }

    #[test]
    fn swapped_coordinates_get_a_hint() {
        let e = lon_lat(11.9, 95.0).unwrap_err();
        assert_eq!(
            e.en(),
            "latitude 95 is outside -90..90 (are lat and lon swapped?)"
        );
        assert_eq!(
            e.in_lang(crate::model::Lang::De),
            "Breitengrad 95 liegt außerhalb von -90..90 (sind lat und lon vertauscht?)"
        );
    }
}
