//! Whether a geodata file's coordinates land where its CRS is used, and if
//! not, the likely cause.
//!
//! A wrong CRS rarely fails to transform: forcing EPSG:25832 on eastings
//! written with a false easting of 2,500,000 puts Köln in Ukraine without a
//! word. Every geodata reader transforms through a [`Placement`], which
//! remembers the first coordinate outside the CRS's area of use; the file is
//! then refused with one issue that tries the usual mistakes on that raw
//! coordinate (another CRS, swapped axes, a zone number or another false
//! easting in front of the easting) and says which one puts it in Germany.
//! WGS84 files are refused only for positions that are not lon/lat at all:
//! partners may be anywhere.

use super::Issue;
use crate::crs::{AreaOfUse, Crs};
use crate::model::{Lang, Text};
use geo::{Coord, MapCoords};
use std::path::Path;

/// Germany with a margin: where a corrected coordinate of this tool's data
/// (a German city's) should land for the correction to be believed.
const GERMANY: AreaOfUse = AreaOfUse {
    west: 5.0,
    south: 47.0,
    east: 16.0,
    north: 55.5,
};

/// False eastings seen in German data: UTM's and Gauss-Krüger zones 2 to 5
/// (UTM with the zone number in front is a cause of its own).
const FALSE_EASTINGS: &[f64] = &[
    500_000.0,
    2_500_000.0,
    3_500_000.0,
    4_500_000.0,
    5_500_000.0,
];

/// At most this many causes are named.
const MAX_CAUSES: usize = 3;

/// The first coordinate that left the area of use.
#[derive(Debug, Clone, Copy)]
struct Outside {
    raw: Coord<f64>,
    /// Where it landed; `None` when it could not be transformed at all.
    landed: Option<Coord<f64>>,
}

/// Transforms a file's geometries to WGS84 and checks where they land.
pub struct Placement<'a> {
    crs: &'a Crs,
    area: Option<AreaOfUse>,
    first_outside: Option<Outside>,
}

impl<'a> Placement<'a> {
    pub fn new(crs: &'a Crs) -> Self {
        Self {
            crs,
            area: crs.area_of_use(),
            first_outside: None,
        }
    }

    /// One geometry in WGS84. A coordinate that cannot be transformed is an
    /// error here, and is also remembered for [`Placement::check`].
    ///
    /// # Errors
    /// The transformation's message.
    pub fn transform(&mut self, g: geo::Geometry<f64>) -> Result<geo::Geometry<f64>, Text> {
        let (crs, area) = (self.crs, self.area);
        // try_map_coords wants a `Copy` closure: the first outside point
        // is kept in a Cell it borrows.
        let outside = std::cell::Cell::new(None);
        let seen = &outside;
        let result = g.try_map_coords(|c| {
            let out = crs.to_wgs84(c);
            if seen.get().is_none() {
                match &out {
                    Ok(w) if area.is_some_and(|a| !a.contains(*w)) => seen.set(Some(Outside {
                        raw: c,
                        landed: Some(*w),
                    })),
                    Ok(_) => {}
                    Err(_) => seen.set(Some(Outside {
                        raw: c,
                        landed: None,
                    })),
                }
            }
            out
        });
        if self.first_outside.is_none() {
            self.first_outside = outside.get();
        }
        result.map_err(|e| e.text())
    }

    /// After the whole file: `true` when every coordinate landed inside the
    /// CRS's area of use; else one issue naming the file, the CRS, the first
    /// offending coordinate and the likely cause, and `false`.
    pub fn check(self, path: &Path, issues: &mut Vec<Issue>) -> bool {
        let Some(outside) = self.first_outside else {
            return true;
        };
        issues.push(Issue::file(path, message(self.crs, self.area, outside)));
        false
    }
}

/// An area of use in German (`5.87° O bis 15.04° O, 47.27° N bis 55.06° N`).
fn area_de(area: &AreaOfUse) -> String {
    let ew = |v: f64| format!("{}° {}", v.abs(), if v < 0.0 { 'W' } else { 'O' });
    let ns = |v: f64| format!("{}° {}", v.abs(), if v < 0.0 { 'S' } else { 'N' });
    format!(
        "{} bis {}, {} bis {}",
        ew(area.west),
        ew(area.east),
        ns(area.south),
        ns(area.north)
    )
}

fn message(crs: &Crs, area: Option<AreaOfUse>, outside: Outside) -> Text {
    let Outside { raw, landed } = outside;
    let m = match (landed, area) {
        (Some(_), _) if crs.is_wgs84() => crate::text!(
            "coordinates are not WGS84 lon/lat, as this file is read: the first is x {}, y {}, \
             which is no longitude and latitude.",
            "die Koordinaten sind nicht WGS84 lon/lat, obwohl die Datei so gelesen wird: die erste ist x {}, y {}, \
             das ist keine geographische Länge und Breite.",
            raw.x,
            raw.y
        ),
        (Some(w), Some(area)) => Text::new(
            format!(
                "coordinates read as {} land outside where that CRS is used ({area}): the first, \
                 x {}, y {}, lands at {:.5},{:.5} (lon,lat).",
                crs.label(),
                raw.x,
                raw.y,
                w.x,
                w.y
            ),
            format!(
                "als {} gelesene Koordinaten liegen außerhalb des Gebiets, in dem dieses Koordinatenreferenzsystem verwendet wird ({}): \
                 die erste, x {}, y {}, liegt bei {:.5},{:.5} (lon,lat).",
                crs.label(),
                area_de(&area),
                raw.x,
                raw.y,
                w.x,
                w.y
            ),
        ),
        _ => crate::text!(
            "coordinates cannot be read as {}: the first, x {}, y {}, cannot be transformed to lon/lat.",
            "die Koordinaten können nicht als {} gelesen werden: die erste, x {}, y {}, lässt sich nicht in lon/lat transformieren.",
            crs.label(),
            raw.x,
            raw.y
        ),
    };
    let causes = causes(crs, raw);
    if causes.is_empty() {
        Text::new(
            format!(
                "{} No other supported CRS (EPSG:4326, 25832, 25833, 3035, 3857, 31468), axis order \
                 or false easting puts it in Germany: check which CRS the file was exported in and \
                 give it with --crs, or fix the file's .prj or crs member.",
                m.en()
            ),
            format!(
                "{} Kein anderes unterstütztes Koordinatenreferenzsystem (EPSG:4326, 25832, 25833, 3035, 3857, 31468), keine andere \
                 Achsenreihenfolge und kein anderes False Easting bringt sie nach Deutschland: prüfen Sie, in welchem Koordinatenreferenzsystem \
                 die Datei exportiert wurde, und geben Sie es mit --crs an, oder korrigieren Sie die .prj-Datei oder das \
                 crs-Element der Datei.",
                m.in_lang(Lang::De)
            ),
        )
    } else {
        let joined = Text::join(&causes, &crate::text!("; or: ", "; oder: "));
        Text::new(
            format!("{} Likely cause: {}.", m.en(), joined.en()),
            format!(
                "{} Wahrscheinliche Ursache: {}.",
                m.in_lang(Lang::De),
                joined.in_lang(Lang::De)
            ),
        )
    }
}

/// Where `raw` lands read as EPSG `code`, if there, in Germany.
fn in_germany(crs: &Crs, raw: Coord<f64>) -> Option<Coord<f64>> {
    crs.to_wgs84(raw).ok().filter(|w| GERMANY.contains(*w))
}

fn at(w: Coord<f64>) -> String {
    format!("{:.5},{:.5}", w.x, w.y)
}

/// What, tried on the raw coordinate, puts it in Germany: each a sentence
/// with the advice.
fn causes(crs: &Crs, raw: Coord<f64>) -> Vec<Text> {
    let epsg: Vec<Crs> = Crs::supported()
        .filter_map(|code| Crs::epsg(code).ok())
        .collect();
    let mut found = Vec::new();
    // A zone number in front of a UTM easting (32710180 for UTM 32).
    let zone = (raw.x / 1e6).floor();
    if let Some(utm) = epsg.iter().find(|c| {
        c.code()
            .is_some_and(|code| f64::from(code) == 25800.0 + zone)
    }) {
        let x = raw.x - zone * 1e6;
        if let Some(w) = in_germany(utm, Coord { x, y: raw.y }) {
            found.push(crate::text!(
                "the eastings carry the UTM zone number {zone} in front ({} is easting {x} \
                 in zone {zone}); without it, as {}, it lands at {} in Germany: remove the \
                 prefix and import with --crs {}, or give a .prj with \
                 PARAMETER[\"False_Easting\",{zone}500000.0]",
                "den Rechtswerten ist die UTM-Zonennummer {zone} vorangestellt ({} ist der Rechtswert {x} \
                 in Zone {zone}); ohne sie liegt der Punkt als {} bei {} in Deutschland: entfernen Sie das \
                 Präfix und importieren Sie mit --crs {}, oder geben Sie eine .prj mit \
                 PARAMETER[\"False_Easting\",{zone}500000.0] an",
                raw.x,
                utm.label(),
                at(w),
                utm.label()
            ));
        }
    }
    // Another false easting than the CRS's (Gauss-Krüger's 2,500,000 read as UTM).
    if let Some(fe) = crs.false_easting() {
        for &other in FALSE_EASTINGS.iter().filter(|&&other| other != fe) {
            let shifted = Coord {
                x: raw.x - (other - fe),
                y: raw.y,
            };
            if shifted.x > 0.0
                && let Some(w) = in_germany(crs, shifted)
            {
                found.push(crate::text!(
                    "the eastings were written with a false easting of {other}, not the {fe} of \
                     {}; with {} subtracted it lands at {} in Germany: fix the .prj \
                     (PARAMETER[\"False_Easting\",{other:.1}]) or subtract {} from the eastings",
                    "die Rechtswerte wurden mit einem False Easting von {other} geschrieben, nicht mit dem {fe} von \
                     {}; mit {} abgezogen liegt der Punkt bei {} in Deutschland: korrigieren Sie die .prj \
                     (PARAMETER[\"False_Easting\",{other:.1}]) oder ziehen Sie {} von den Rechtswerten ab",
                    crs.label(),
                    other - fe,
                    at(w),
                    other - fe
                ));
                break;
            }
        }
    }
    // Another supported CRS, as written and with the axes swapped.
    for other in epsg.iter().filter(|c| c.code() != crs.code()) {
        if let Some(w) = in_germany(other, raw) {
            found.push(crate::text!(
                "the file is in {0}: as {0} it lands at {1} in Germany; import with --crs {0} \
                 (or fix the file's .prj or crs member)",
                "die Datei ist in {0}: als {0} liegt der Punkt bei {1} in Deutschland; importieren Sie mit --crs {0} \
                 (oder korrigieren Sie die .prj-Datei oder das crs-Element der Datei)",
                other.label(),
                at(w)
            ));
        }
    }
    let swapped = Coord { x: raw.y, y: raw.x };
    for other in std::iter::once(crs).chain(epsg.iter().filter(|c| c.code() != crs.code())) {
        if let Some(w) = in_germany(other, swapped) {
            let (also, also_de) = if other.code() != crs.code() || crs.code().is_none() {
                (
                    format!(" and import with --crs {}", other.label()),
                    format!(" und importieren Sie mit --crs {}", other.label()),
                )
            } else {
                (String::new(), String::new())
            };
            found.push(Text::new(
                format!(
                    "x and y are swapped: read as y, x in {} it lands at {} in Germany; swap \
                     them (x is the easting or longitude){also}",
                    other.label(),
                    at(w)
                ),
                format!(
                    "x und y sind vertauscht: als y, x in {} gelesen liegt der Punkt bei {} in Deutschland; \
                     vertauschen Sie sie (x ist der Rechtswert oder die Länge){also_de}",
                    other.label(),
                    at(w)
                ),
            ));
            break;
        }
    }
    found.truncate(MAX_CAUSES);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference point of tests/fixtures/crs_reference.csv in UTM 32N.
    const X: f64 = 710180.482;
    const Y: f64 = 5708210.708;

    fn refused(crs: &Crs, raw: Coord<f64>) -> String {
        refused_text(crs, raw).en().to_string()
    }

    fn refused_text(crs: &Crs, raw: Coord<f64>) -> Text {
        let mut p = Placement::new(crs);
        let _ = p.transform(geo::Geometry::Point(raw.into()));
        let mut issues = Vec::new();
        assert!(!p.check(Path::new("f.shp"), &mut issues));
        assert_eq!(issues.len(), 1);
        issues[0].message.clone()
    }

    #[test]
    fn coordinates_inside_the_area_pass() {
        let crs = Crs::epsg(25832).unwrap();
        let mut p = Placement::new(&crs);
        let g = p
            .transform(geo::Geometry::Point(geo::point! {x: X, y: Y}))
            .unwrap();
        assert!(matches!(g, geo::Geometry::Point(_)));
        assert!(p.check(Path::new("f.shp"), &mut Vec::new()));
        // WGS84 anywhere in the world is fine.
        let wgs = Crs::epsg(4326).unwrap();
        let mut p = Placement::new(&wgs);
        p.transform(geo::Geometry::Point(geo::point! {x: -122.4, y: 37.8}))
            .unwrap();
        assert!(p.check(Path::new("f.geojson"), &mut Vec::new()));
    }

    #[test]
    fn a_gauss_krueger_false_easting_read_as_utm_is_named() {
        let m = refused(&Crs::epsg(25832).unwrap(), Coord { x: X + 2e6, y: Y });
        assert!(
            m.contains("false easting of 2500000, not the 500000 of EPSG:25832"),
            "{m}"
        );
        assert!(m.contains("subtract 2000000"), "{m}");
        let t = refused_text(&Crs::epsg(25832).unwrap(), Coord { x: X + 2e6, y: Y });
        let de = t.in_lang(Lang::De);
        assert!(
            de.contains(
                "False Easting von 2500000 geschrieben, nicht mit dem 500000 von EPSG:25832"
            ),
            "{de}"
        );
        assert!(de.contains("Wahrscheinliche Ursache: "), "{de}");
    }

    #[test]
    fn a_zone_prefix_is_named() {
        let m = refused(&Crs::epsg(25832).unwrap(), Coord { x: X + 32e6, y: Y });
        assert!(m.contains("UTM zone number 32 in front"), "{m}");
        assert!(!m.contains("; or: "), "one cause, not the same twice: {m}");
    }

    #[test]
    fn utm_in_a_wgs84_file_and_swapped_axes_are_named() {
        let m = refused(&Crs::epsg(4326).unwrap(), Coord { x: X, y: Y });
        assert!(m.contains("not WGS84 lon/lat"), "{m}");
        assert!(m.contains("import with --crs EPSG:25832"), "{m}");
        let m = refused(&Crs::epsg(25832).unwrap(), Coord { x: Y, y: X });
        assert!(m.contains("x and y are swapped"), "{m}");
    }

    #[test]
    fn nothing_found_says_so() {
        let m = refused(&Crs::epsg(25832).unwrap(), Coord { x: -9e9, y: 1.0 });
        assert!(m.contains("No other supported CRS"), "{m}");
        let t = refused_text(&Crs::epsg(25832).unwrap(), Coord { x: -9e9, y: 1.0 });
        assert!(
            t.in_lang(Lang::De)
                .contains("Kein anderes unterstütztes Koordinatenreferenzsystem"),
            "{t:?}"
        );
    }
}
