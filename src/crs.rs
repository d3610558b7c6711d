//! Coordinate reference systems of input data, turned into WGS84 lon/lat.
//!
//! Official geodata in Germany comes in ETRS89/UTM (EPSG:25832, 25833), the
//! European LAEA grid (3035), Web Mercator (3857) or the old Gauss-Krüger
//! zone 4 of Saxony-Anhalt (31468). The definitions are EPSG's, written as
//! PROJ strings; `proj4rs` does the arithmetic.
//!
//! Each CRS knows its area of use, so that an import can tell coordinates
//! read in the wrong CRS (a wrong false easting lands Köln in Ukraine) from
//! real ones; finding the likely cause is the import's business.

use geo::{Coord, MapCoords, MultiPolygon};
use proj4rs::proj::Proj;

use crate::model::Text;

/// Why a CRS cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CrsError {
    #[error(
        "\"{0}\" is not a CRS this tool reads; use one of EPSG:4326, 25832, 25833, 3035, 3857, 31468"
    )]
    Unsupported(String),
    #[error("({x}, {y}) cannot be transformed from {crs}: {message}")]
    Transform {
        crs: String,
        x: f64,
        y: f64,
        message: String,
    },
}

/// Said after a WKT that holds no horizontal CRS (in [`CrsError::Unsupported`]).
const NO_HORIZONTAL: &str = " (no PROJCS or GEOGCS in this WKT)";
/// The [`CrsError::Transform`] message when the result is not finite.
const NOT_FINITE: &str = "no finite result";

impl CrsError {
    /// The message in English (as [`Display`](std::fmt::Display) says it)
    /// and in German, for an import problem.
    pub fn text(&self) -> Text {
        match self {
            Self::Unsupported(name) => {
                let name = match name.strip_suffix(NO_HORIZONTAL) {
                    Some(wkt) => format!("{wkt} (kein PROJCS oder GEOGCS in diesem WKT)"),
                    None => name.clone(),
                };
                crate::text!(
                    "{self}",
                    "\"{name}\" ist kein hier unterstütztes Koordinatenreferenzsystem; verwenden Sie eines von EPSG:4326, 25832, 25833, 3035, 3857, 31468"
                )
            }
            Self::Transform { crs, x, y, message } => {
                let message = if message == NOT_FINITE {
                    "kein endliches Ergebnis"
                } else {
                    message
                };
                crate::text!(
                    "{self}",
                    "({x}, {y}) kann nicht aus {crs} transformiert werden: {message}"
                )
            }
        }
    }
}

/// Where a CRS is meant to be used: WGS84 lon/lat bounds in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaOfUse {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl AreaOfUse {
    /// Every valid lon/lat.
    pub const WORLD: AreaOfUse = AreaOfUse {
        west: -180.0,
        south: -90.0,
        east: 180.0,
        north: 90.0,
    };

    /// Whether a lon/lat lies inside (borders included).
    pub fn contains(&self, c: Coord<f64>) -> bool {
        (self.west..=self.east).contains(&c.x) && (self.south..=self.north).contains(&c.y)
    }
}

impl std::fmt::Display for AreaOfUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ew = |v: f64| format!("{}° {}", v.abs(), if v < 0.0 { 'W' } else { 'E' });
        let ns = |v: f64| format!("{}° {}", v.abs(), if v < 0.0 { 'S' } else { 'N' });
        write!(
            f,
            "{} to {}, {} to {}",
            ew(self.west),
            ew(self.east),
            ns(self.south),
            ns(self.north)
        )
    }
}

const fn area(west: f64, south: f64, east: f64, north: f64) -> AreaOfUse {
    AreaOfUse {
        west,
        south,
        east,
        north,
    }
}

/// EPSG code, PROJ definition and area of use of every supported CRS.
///
/// The areas are EPSG's, widened where German practice goes beyond them:
/// all of Germany (5.9–15.1° E) is mapped in UTM 32 by some states and in
/// UTM 33 by others, and Gauss-Krüger zones were used a zone beyond their
/// own.
const DEFINITIONS: &[(u32, &str, AreaOfUse)] = &[
    (
        4326,
        "+proj=longlat +datum=WGS84 +no_defs",
        AreaOfUse::WORLD,
    ),
    (
        25832,
        "+proj=utm +zone=32 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
        // EPSG: 6–12° E, 38.8–84.3° N.
        area(2.0, 35.0, 18.0, 85.0),
    ),
    (
        25833,
        "+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
        // EPSG: 12–18° E, 34.8–84.4° N.
        area(5.0, 34.0, 19.0, 85.0),
    ),
    (
        3035,
        "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
        // EPSG: Europe, 35.6° W – 44.8° E, 24.6–84.7° N.
        area(-36.0, 24.0, 45.0, 85.0),
    ),
    (
        3857,
        "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs",
        // EPSG: the world between 85.06° S and N.
        area(-180.0, -85.1, 180.0, 85.1),
    ),
    (
        31468,
        "+proj=tmerc +lat_0=0 +lon_0=12 +k=1 +x_0=4500000 +y_0=0 +ellps=bessel +towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7 +units=m +no_defs",
        // EPSG: Germany 10.5–13.5° E, 47.3–55.1° N.
        area(8.0, 46.0, 16.0, 56.0),
    ),
];

/// How far from its central meridian a transverse Mercator read from WKT
/// is taken to be meant for: a UTM zone is 6° wide, national grids reach
/// a few degrees beyond.
const TMERC_REACH_DEGREES: f64 = 10.0;

/// A supported input CRS.
pub struct Crs {
    /// EPSG code; `None` for a CRS read from a `.prj` file's parameters.
    code: Option<u32>,
    label: String,
    /// The PROJ definition, for its parameters (`+x_0`, `+lon_0`).
    definition: String,
    area: Option<AreaOfUse>,
    source: Proj,
    wgs84: Proj,
}

impl std::fmt::Debug for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

impl Crs {
    /// The CRS with an EPSG code.
    ///
    /// # Errors
    /// [`CrsError::Unsupported`].
    pub fn epsg(code: u32) -> Result<Self, CrsError> {
        let (_, def, area) = DEFINITIONS
            .iter()
            .find(|(c, _, _)| *c == code)
            .ok_or_else(|| CrsError::Unsupported(format!("EPSG:{code}")))?;
        Ok(Self {
            code: Some(code),
            label: format!("EPSG:{code}"),
            definition: def.to_string(),
            area: Some(*area),
            source: Proj::from_proj_string(def).expect("static definitions parse"),
            wgs84: Proj::from_proj_string(DEFINITIONS[0].1).expect("static definitions parse"),
        })
    }

    /// Parses `EPSG:25832`, `25832`, `urn:ogc:def:crs:EPSG::25832`, `CRS84`, `WGS84`.
    ///
    /// # Errors
    /// [`CrsError::Unsupported`].
    pub fn parse(name: &str) -> Result<Self, CrsError> {
        let upper = name.trim().to_uppercase();
        if matches!(
            upper.as_str(),
            "WGS84" | "CRS84" | "URN:OGC:DEF:CRS:OGC:1.3:CRS84" | "URN:OGC:DEF:CRS:OGC::CRS84"
        ) {
            return Self::epsg(4326);
        }
        let digits = upper.rsplit([':', '/']).next().unwrap_or_default();
        let is_epsg = upper.contains("EPSG") || upper.chars().all(|c| c.is_ascii_digit());
        match digits.parse::<u32>() {
            Ok(code) if is_epsg => Self::epsg(code),
            _ => Err(CrsError::Unsupported(name.to_string())),
        }
    }

    /// The EPSG codes of every supported CRS, WGS84 first.
    pub fn supported() -> impl Iterator<Item = u32> {
        DEFINITIONS.iter().map(|(code, _, _)| *code)
    }

    /// A CRS described by WKT (a Shapefile's `.prj`): its projection
    /// parameters are read as written (false easting included), not looked up
    /// by the projection's name. A vertical part (Esri's `VERTCS` after the
    /// `PROJCS`, or a `COMPD_CS`) is ignored: heights are not imported.
    ///
    /// # Errors
    /// [`CrsError::Unsupported`] when the WKT cannot be turned into a projection.
    pub fn from_wkt(wkt: &str) -> Result<Self, CrsError> {
        let shown = |wkt: &str| {
            let wkt = wkt.trim();
            match wkt.char_indices().nth(200) {
                Some((at, _)) => format!("{}…", &wkt[..at]),
                None => wkt.to_string(),
            }
        };
        let horizontal = horizontal_wkt(wkt)
            .ok_or_else(|| CrsError::Unsupported(format!("{}{NO_HORIZONTAL}", shown(wkt))))?;
        let def = proj4wkt::wkt_to_projstring(horizontal)
            .map_err(|e| CrsError::Unsupported(format!("{} ({e})", shown(horizontal))))?;
        let source = Proj::from_proj_string(&def)
            .map_err(|e| CrsError::Unsupported(format!("{def} ({e})")))?;
        let name = wkt_objects(horizontal)
            .first()
            .and_then(|o| o.name)
            .filter(|n| !n.trim().is_empty());
        Ok(Self {
            code: None,
            label: match name {
                Some(name) => format!("{name} ({def})"),
                None => def.clone(),
            },
            area: area_of_definition(&def),
            definition: def,
            source,
            wgs84: Proj::from_proj_string(DEFINITIONS[0].1).expect("static definitions parse"),
        })
    }

    /// The name of a WKT's vertical CRS (`VERTCS`, `VERT_CS`, `VERTCRS`, at
    /// the top level or in a compound CRS), which [`Crs::from_wkt`] ignores.
    pub fn vertical_part_of_wkt(wkt: &str) -> Option<String> {
        const VERTICAL: &[&str] = &["VERTCS", "VERT_CS", "VERTCRS"];
        const COMPOUND: &[&str] = &["COMPD_CS", "COMPOUNDCRS"];
        let is = |o: &WktObject, ks: &[&str]| ks.iter().any(|k| o.keyword.eq_ignore_ascii_case(k));
        let top = wkt_objects(wkt);
        let inner = top
            .iter()
            .filter(|o| is(o, COMPOUND))
            .flat_map(|o| wkt_objects(o.inner));
        top.iter()
            .copied()
            .chain(inner)
            .find(|o| is(o, VERTICAL))
            .map(|o| o.name.unwrap_or(o.keyword).to_string())
    }

    /// The EPSG code, if the CRS was named by one.
    pub fn code(&self) -> Option<u32> {
        self.code
    }

    /// `EPSG:N`, or the PROJ definition read from WKT.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Where the CRS is meant to be used; `None` when that is unknown (a
    /// projection read from WKT other than transverse Mercator or lon/lat).
    pub fn area_of_use(&self) -> Option<AreaOfUse> {
        self.area
    }

    /// The false easting in metres (`+x_0`; 500,000 for UTM), if projected.
    pub fn false_easting(&self) -> Option<f64> {
        match proj_param(&self.definition, "proj") {
            Some("utm") => Some(500_000.0),
            Some("longlat") | Some("latlong") | None => None,
            Some(_) => proj_param(&self.definition, "x_0")
                .and_then(|v| v.parse().ok())
                .or(Some(0.0)),
        }
    }

    /// True for lon/lat in degrees (WGS84 or another geographic CRS).
    pub fn is_geographic(&self) -> bool {
        matches!(
            proj_param(&self.definition, "proj"),
            Some("longlat") | Some("latlong")
        )
    }

    /// True for WGS84 lon/lat, where nothing needs transforming.
    pub fn is_wgs84(&self) -> bool {
        self.code == Some(4326)
    }

    /// Transforms one coordinate (x/easting, y/northing) to WGS84 lon/lat degrees.
    ///
    /// # Errors
    /// [`CrsError::Transform`] when the point lies outside the projection's domain.
    pub fn to_wgs84(&self, c: Coord<f64>) -> Result<Coord<f64>, CrsError> {
        if self.is_wgs84() {
            return Ok(c);
        }
        let mut p = (c.x, c.y, 0.0);
        proj4rs::transform::transform(&self.source, &self.wgs84, &mut p).map_err(|e| {
            CrsError::Transform {
                crs: self.label.clone(),
                x: c.x,
                y: c.y,
                message: e.to_string(),
            }
        })?;
        let out = Coord {
            x: p.0.to_degrees(),
            y: p.1.to_degrees(),
        };
        if out.x.is_finite() && out.y.is_finite() {
            Ok(out)
        } else {
            Err(CrsError::Transform {
                crs: self.label.clone(),
                x: c.x,
                y: c.y,
                message: NOT_FINITE.into(),
            })
        }
    }

    /// Transforms an area to WGS84.
    ///
    /// # Errors
    /// The first coordinate that cannot be transformed.
    pub fn area_to_wgs84(&self, area: &MultiPolygon<f64>) -> Result<MultiPolygon<f64>, CrsError> {
        area.try_map_coords(|c| self.to_wgs84(c))
    }
}

/// The value of `+name=value` in a PROJ definition.
fn proj_param<'a>(definition: &'a str, name: &str) -> Option<&'a str> {
    definition
        .split_whitespace()
        .find_map(|p| p.strip_prefix('+')?.strip_prefix(name)?.strip_prefix('='))
}

/// The area of use of a CRS read from WKT, where its projection tells it:
/// every lon/lat for a geographic CRS, a band around the central meridian
/// for a transverse Mercator.
fn area_of_definition(def: &str) -> Option<AreaOfUse> {
    let central = match proj_param(def, "proj")? {
        "longlat" | "latlong" => return Some(AreaOfUse::WORLD),
        "utm" => {
            let zone: f64 = proj_param(def, "zone")?.parse().ok()?;
            zone * 6.0 - 183.0
        }
        "tmerc" | "etmerc" => proj_param(def, "lon_0").map_or(Some(0.0), |v| v.parse().ok())?,
        _ => return None,
    };
    Some(area(
        (central - TMERC_REACH_DEGREES).max(-180.0),
        -84.0,
        (central + TMERC_REACH_DEGREES).min(180.0),
        84.0,
    ))
}

/// One WKT object: `KEYWORD["name", ...]`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct WktObject<'a> {
    keyword: &'a str,
    /// Its first item, when that is a quoted string.
    name: Option<&'a str>,
    /// The whole object, keyword to closing bracket.
    text: &'a str,
    /// Between the brackets.
    inner: &'a str,
}

/// The objects at the top level of `text` (WKT 1 allows `[]` and `()`;
/// brackets inside quoted strings do not count). Unbalanced text ends the list.
fn wkt_objects(text: &str) -> Vec<WktObject<'_>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut start = None;
    let mut open = 0;
    for (i, c) in text.char_indices() {
        match c {
            // A doubled quote inside a string toggles twice: still inside.
            '"' => quoted = !quoted,
            _ if quoted => {}
            '[' | '(' => {
                if depth == 0 {
                    open = i;
                }
                depth += 1;
            }
            ']' | ')' => {
                let Some(d) = depth.checked_sub(1) else {
                    return out;
                };
                depth = d;
                if depth == 0
                    && let Some(s) = start.take()
                {
                    let keyword = text[s..open].trim();
                    let inner = &text[open + 1..i];
                    let name = inner
                        .trim_start()
                        .strip_prefix('"')
                        .and_then(|rest| rest.split('"').next());
                    out.push(WktObject {
                        keyword,
                        name,
                        text: &text[s..=i],
                        inner,
                    });
                }
            }
            ',' if depth == 0 => start = None,
            c if depth == 0 && start.is_none() && !c.is_whitespace() => start = Some(i),
            _ => {}
        }
    }
    out
}

/// The horizontal CRS of a WKT: the `PROJCS` or `GEOGCS` at its top level
/// (Esri writes a `VERTCS` after it) or inside a `COMPD_CS`.
fn horizontal_wkt(wkt: &str) -> Option<&str> {
    const HORIZONTAL: &[&str] = &["PROJCS", "GEOGCS", "PROJCRS", "GEOGCRS", "GEODCRS"];
    const COMPOUND: &[&str] = &["COMPD_CS", "COMPOUNDCRS"];
    let objects = wkt_objects(wkt);
    if let [only] = objects.as_slice()
        && HORIZONTAL
            .iter()
            .all(|k| !only.keyword.eq_ignore_ascii_case(k))
        && COMPOUND
            .iter()
            .all(|k| !only.keyword.eq_ignore_ascii_case(k))
    {
        // Something else (or a WKT this reader does not know): proj4wkt
        // says what is wrong with it.
        return Some(only.text);
    }
    objects.iter().find_map(|o| {
        let is = |ks: &[&str]| ks.iter().any(|k| o.keyword.eq_ignore_ascii_case(k));
        if is(HORIZONTAL) {
            Some(o.text)
        } else if is(COMPOUND) {
            wkt_objects(o.inner)
                .into_iter()
                .find(|inner| {
                    HORIZONTAL
                        .iter()
                        .any(|k| inner.keyword.eq_ignore_ascii_case(k))
                })
                .map(|inner| inner.text)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_spellings() {
        assert_eq!(Crs::parse("EPSG:25832").unwrap().code(), Some(25832));
        assert_eq!(
            Crs::parse("urn:ogc:def:crs:EPSG::25833").unwrap().code(),
            Some(25833)
        );
        assert_eq!(Crs::parse("3035").unwrap().code(), Some(3035));
        assert!(
            Crs::parse("urn:ogc:def:crs:OGC:1.3:CRS84")
                .unwrap()
                .is_wgs84()
        );
        assert!(Crs::parse("EPSG:2056").is_err());
        assert!(Crs::parse("ESRI:102100").is_err());
    }

    #[test]
    fn errors_speak_english_and_german() {
        let e = Crs::parse("EPSG:2056").unwrap_err().text();
        assert_eq!(
            e.en(),
            "\"EPSG:2056\" is not a CRS this tool reads; use one of EPSG:4326, 25832, 25833, 3035, 3857, 31468"
        );
        assert!(
            e.in_lang(crate::model::Lang::De).starts_with(
                "\"EPSG:2056\" ist kein hier unterstütztes Koordinatenreferenzsystem;"
            )
        );
        let e = Crs::from_wkt("").unwrap_err();
        let text = e.text();
        assert_eq!(text.en(), e.to_string());
        assert!(text.en().contains("(no PROJCS or GEOGCS in this WKT)"));
        let de = text.in_lang(crate::model::Lang::De);
        assert!(
            de.contains("(kein PROJCS oder GEOGCS in diesem WKT)\" ist kein"),
            "{de}"
        );
    }
}

#[cfg(test)]
mod wkt_tests {
    use super::*;

    /// ETRS89 / UTM 32N as Esri writes it, with the false easting of the
    /// zone-prefixed eastings some German authorities deliver.
    const UTM32_PREFIXED: &str = r#"PROJCS["ETRS_1989_UTM_Zone_32N",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",32500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",9.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
    const DHHN2016: &str = r#"VERTCS["DHHN2016_Height",VDATUM["Deutsches_Haupthoehennetz_2016"],PARAMETER["Vertical_Shift",0.0],PARAMETER["Direction",1.0],UNIT["Meter",1.0]]"#;

    /// The reference point of tests/fixtures/crs_reference.csv (pyproj).
    fn lands_on_the_reference_point(crs: &Crs, x: f64) {
        let c = crs.to_wgs84(geo::coord! {x: x, y: 5708210.708}).unwrap();
        assert!(
            (c.x - 12.0273646).abs() < 2e-7 && (c.y - 51.4859279).abs() < 2e-7,
            "{c:?}"
        );
    }

    #[test]
    fn esri_vertcs_after_the_projcs_is_ignored() {
        let wkt = format!("{UTM32_PREFIXED},{DHHN2016}");
        assert!(proj4wkt::wkt_to_projstring(&wkt).is_err(), "still needed?");
        let crs = Crs::from_wkt(&wkt).unwrap();
        lands_on_the_reference_point(&crs, 32710180.482);
        assert_eq!(crs.false_easting(), Some(32_500_000.0));
        assert_eq!(
            Crs::vertical_part_of_wkt(&wkt).as_deref(),
            Some("DHHN2016_Height")
        );
        assert_eq!(Crs::vertical_part_of_wkt(UTM32_PREFIXED), None);
        assert!(
            crs.label()
                .starts_with("ETRS_1989_UTM_Zone_32N (+proj=tmerc")
        );
        // Also with a line break between them, as some exporters write it.
        let crs = Crs::from_wkt(&format!("{UTM32_PREFIXED}\r\n{DHHN2016}\n")).unwrap();
        lands_on_the_reference_point(&crs, 32710180.482);
    }

    #[test]
    fn compd_cs_gives_its_horizontal_part() {
        let wkt = format!(
            r#"COMPD_CS["ETRS89 / UTM 32N + DHHN2016 [height]",{},VERT_CS["DHHN2016 height",VERT_DATUM["Deutsches Haupthoehennetz 2016",2005],UNIT["metre",1]]]"#,
            UTM32_PREFIXED.replace("32500000.0", "500000.0")
        );
        let crs = Crs::from_wkt(&wkt).unwrap();
        lands_on_the_reference_point(&crs, 710180.482);
        assert_eq!(
            Crs::vertical_part_of_wkt(&wkt).as_deref(),
            Some("DHHN2016 height")
        );
    }

    #[test]
    fn brackets_inside_names_do_not_split() {
        let objects = wkt_objects(r#"A["x]y(",B[1]], C("q""]",2)"#);
        assert_eq!(
            objects.iter().map(|o| o.keyword).collect::<Vec<_>>(),
            ["A", "C"]
        );
        assert_eq!(objects[0].name, Some("x]y("));
        assert!(wkt_objects("A[[").is_empty());
        assert!(wkt_objects("A]]").is_empty());
        assert!(Crs::from_wkt("VERTCS[\"h\",UNIT[\"Meter\",1.0]]").is_err());
        assert!(Crs::from_wkt("").is_err());
    }

    #[test]
    fn areas_of_use() {
        let utm32 = Crs::epsg(25832).unwrap().area_of_use().unwrap();
        // All of Germany, from Aachen to Görlitz.
        assert!(utm32.contains(geo::coord! {x: 6.08, y: 50.77}));
        assert!(utm32.contains(geo::coord! {x: 14.99, y: 51.15}));
        assert!(!utm32.contains(geo::coord! {x: 33.9, y: 48.1}));
        let wkt = Crs::from_wkt(UTM32_PREFIXED)
            .unwrap()
            .area_of_use()
            .unwrap();
        assert_eq!((wkt.west, wkt.east), (-1.0, 19.0));
        assert_eq!(Crs::epsg(31468).unwrap().false_easting(), Some(4_500_000.0));
        assert_eq!(Crs::epsg(25833).unwrap().false_easting(), Some(500_000.0));
        assert_eq!(Crs::epsg(4326).unwrap().false_easting(), None);
    }
}
