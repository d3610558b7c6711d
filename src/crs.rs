//! Coordinate reference systems of input data, turned into WGS84 lon/lat.
//!
//! Official geodata in Germany comes in ETRS89/UTM (EPSG:25832, 25833), the
//! European LAEA grid (3035), Web Mercator (3857) or the old Gauss-Krüger
//! zone 4 of Saxony-Anhalt (31468). The definitions are EPSG's, written as
//! PROJ strings; `proj4rs` does the arithmetic.

use geo::{Coord, MapCoords, MultiPolygon};
use proj4rs::proj::Proj;

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

/// EPSG code and PROJ definition of every supported CRS.
const DEFINITIONS: &[(u32, &str)] = &[
    (4326, "+proj=longlat +datum=WGS84 +no_defs"),
    (
        25832,
        "+proj=utm +zone=32 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
    ),
    (
        25833,
        "+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
    ),
    (
        3035,
        "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
    ),
    (
        3857,
        "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs",
    ),
    (
        31468,
        "+proj=tmerc +lat_0=0 +lon_0=12 +k=1 +x_0=4500000 +y_0=0 +ellps=bessel +towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7 +units=m +no_defs",
    ),
];

/// A supported input CRS.
pub struct Crs {
    /// EPSG code; `None` for a CRS read from a `.prj` file's parameters.
    code: Option<u32>,
    label: String,
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
        let def = DEFINITIONS
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, d)| *d)
            .ok_or_else(|| CrsError::Unsupported(format!("EPSG:{code}")))?;
        Ok(Self {
            code: Some(code),
            label: format!("EPSG:{code}"),
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

    /// A CRS described by WKT (a Shapefile's `.prj`): its projection
    /// parameters are read as written (false easting included), not looked up
    /// by the projection's name.
    ///
    /// # Errors
    /// [`CrsError::Unsupported`] when the WKT cannot be turned into a projection.
    pub fn from_wkt(wkt: &str) -> Result<Self, CrsError> {
        let def = proj4wkt::wkt_to_projstring(wkt)
            .map_err(|e| CrsError::Unsupported(format!("{wkt} ({e})")))?;
        let source = Proj::from_proj_string(&def)
            .map_err(|e| CrsError::Unsupported(format!("{def} ({e})")))?;
        Ok(Self {
            code: None,
            label: def,
            source,
            wgs84: Proj::from_proj_string(DEFINITIONS[0].1).expect("static definitions parse"),
        })
    }

    /// The EPSG code, if the CRS was named by one.
    pub fn code(&self) -> Option<u32> {
        self.code
    }

    /// `EPSG:N`, or the PROJ definition read from WKT.
    pub fn label(&self) -> &str {
        &self.label
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
                message: "no finite result".into(),
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
}
