//! Validated WGS84 positions and metric distances.
//!
//! Every coordinate that enters the library passes through [`LonLat::new`], so no
//! NaN, no latitude of 95° and no swapped pair travels further than the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A WGS84 (EPSG:4326) position in RFC 7946 order: longitude, then latitude, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "[f64; 2]", into = "[f64; 2]")]
pub struct LonLat {
    lon: f64,
    lat: f64,
}

/// Why a pair of numbers is not a WGS84 position.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LonLatError {
    #[error("coordinate is not a finite number")]
    NotFinite,
    #[error("longitude {0} is outside -180..180")]
    LonOutOfRange(f64),
    #[error("latitude {0} is outside -90..90")]
    LatOutOfRange(f64),
}

impl LonLatError {
    /// The reason in English (as `Display` says it) and German.
    pub fn text(&self) -> super::Text {
        match self {
            LonLatError::NotFinite => crate::text!(
                "coordinate is not a finite number",
                "Koordinate ist keine endliche Zahl"
            ),
            LonLatError::LonOutOfRange(v) => crate::text!(
                "longitude {v} is outside -180..180",
                "Längengrad {v} liegt außerhalb von -180..180"
            ),
            LonLatError::LatOutOfRange(v) => crate::text!(
                "latitude {v} is outside -90..90",
                "Breitengrad {v} liegt außerhalb von -90..90"
            ),
        }
    }
}

impl LonLat {
    /// Checks the range of both values.
    ///
    /// # Errors
    /// [`LonLatError`] when a value is not finite or out of range.
    pub fn new(lon: f64, lat: f64) -> Result<Self, LonLatError> {
        if !lon.is_finite() || !lat.is_finite() {
            return Err(LonLatError::NotFinite);
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(LonLatError::LonOutOfRange(lon));
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(LonLatError::LatOutOfRange(lat));
        }
        Ok(Self { lon, lat })
    }

    /// Longitude in degrees east.
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Latitude in degrees north.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// The position as a `geo` point (x = lon, y = lat).
    pub fn point(self) -> geo::Point<f64> {
        geo::Point::new(self.lon, self.lat)
    }
}

impl TryFrom<[f64; 2]> for LonLat {
    type Error = LonLatError;
    fn try_from([lon, lat]: [f64; 2]) -> Result<Self, Self::Error> {
        Self::new(lon, lat)
    }
}

impl From<LonLat> for [f64; 2] {
    fn from(p: LonLat) -> Self {
        [p.lon, p.lat]
    }
}

impl fmt::Display for LonLat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.6},{:.6}", self.lon, self.lat)
    }
}

impl super::ParseText for LonLat {
    /// Parses `LON,LAT` (degrees, WGS84).
    fn parse_text(s: &str) -> Result<Self, super::Text> {
        let (lon, lat) = s.split_once(',').ok_or_else(|| {
            crate::text!(
                "\"{s}\" is not LON,LAT",
                "\"{s}\" hat nicht die Form LON,LAT"
            )
        })?;
        let number = |v: &str| {
            let v = v.trim();
            v.parse::<f64>()
                .map_err(|_| crate::text!("\"{v}\" is not a number", "\"{v}\" ist keine Zahl"))
        };
        let (lon, lat) = (number(lon)?, number(lat)?);
        LonLat::new(lon, lat).map_err(|e| e.text())
    }
}

// `LON,LAT` (degrees, WGS84).
from_str_by_parse_text!(LonLat);

/// A distance in metres on the ground.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
pub struct Meters(pub f64);

impl Meters {
    /// The number of metres.
    pub fn get(self) -> f64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_out_of_range_and_nan() {
        assert_eq!(
            LonLat::new(11.9, 95.0),
            Err(LonLatError::LatOutOfRange(95.0))
        );
        assert_eq!(
            LonLat::new(190.0, 51.0),
            Err(LonLatError::LonOutOfRange(190.0))
        );
        assert_eq!(LonLat::new(f64::NAN, 51.0), Err(LonLatError::NotFinite));
        assert!(LonLat::new(11.97, 51.48).is_ok());
    }

    #[test]
    fn parses_lon_comma_lat() {
        let p: LonLat = "11.97, 51.48".parse().unwrap();
        assert_eq!((p.lon(), p.lat()), (11.97, 51.48));
        assert!("11.97".parse::<LonLat>().is_err());
        assert!("x,51".parse::<LonLat>().is_err());
        assert_eq!(
            "5l.48, 51".parse::<LonLat>().unwrap_err(),
            "\"5l.48\" is not a number"
        );
        let e = <LonLat as crate::model::ParseText>::parse_text("11.9,95").unwrap_err();
        assert_eq!(e.en(), "latitude 95 is outside -90..90");
        assert_eq!(
            e.in_lang(crate::model::Lang::De),
            "Breitengrad 95 liegt außerhalb von -90..90"
        );
    }

    #[test]
    fn every_reason_has_its_display_in_english() {
        for e in [
            LonLatError::NotFinite,
            LonLatError::LonOutOfRange(190.5),
            LonLatError::LatOutOfRange(-95.0),
        ] {
            assert_eq!(e.text().en(), e.to_string());
        }
    }
}
