//! GeoPackage binary geometry (OGC 12-128r18, clause 2.1.3): a small header with
//! the SRS id and envelope, followed by standard WKB (written by the `wkb` crate).

use geo::{BoundingRect, Geometry};
use geo_traits::to_geo::ToGeoGeometry;

/// EPSG:4326, the only SRS the store writes.
pub const SRS_WGS84: i32 = 4326;

const MAGIC: &[u8; 2] = b"GP";
/// Flags: little-endian header, envelope `[minx, maxx, miny, maxy]`.
const FLAGS_LE_XY_ENVELOPE: u8 = 0b0000_0011;
/// Flags: little-endian header, no envelope (points need none).
const FLAGS_LE_NO_ENVELOPE: u8 = 0b0000_0001;

/// Why a blob is not a GeoPackage geometry we can read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    #[error("geometry blob is too short or lacks the 'GP' magic")]
    Header,
    #[error("geometry blob has an unknown envelope indicator {0}")]
    Envelope(u8),
    #[error("geometry WKB cannot be read")]
    Wkb(#[from] wkb::error::WkbError),
}

/// Encodes a WGS84 geometry as a GeoPackage blob.
pub fn encode(geometry: &Geometry<f64>) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(MAGIC);
    out.push(0); // version 1 of the blob format
    match (geometry, geometry.bounding_rect()) {
        (Geometry::Point(_), _) | (_, None) => {
            out.push(FLAGS_LE_NO_ENVELOPE);
            out.extend_from_slice(&SRS_WGS84.to_le_bytes());
        }
        (_, Some(rect)) => {
            out.push(FLAGS_LE_XY_ENVELOPE);
            out.extend_from_slice(&SRS_WGS84.to_le_bytes());
            for v in [rect.min().x, rect.max().x, rect.min().y, rect.max().y] {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
    }
    wkb::writer::write_geometry(
        &mut out,
        geometry,
        &wkb::writer::WriteOptions {
            endianness: wkb::Endianness::LittleEndian,
        },
    )
    .expect("writing WKB into a Vec cannot fail");
    out
}

/// Decodes a GeoPackage blob.
///
/// # Errors
/// [`BlobError`] when the header or the WKB is malformed.
pub fn decode(blob: &[u8]) -> Result<Geometry<f64>, BlobError> {
    if blob.len() < 8 || &blob[0..2] != MAGIC {
        return Err(BlobError::Header);
    }
    let flags = blob[3];
    let envelope_len = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => return Err(BlobError::Envelope(other)),
    };
    let start = 8 + envelope_len;
    let wkb_bytes = blob.get(start..).ok_or(BlobError::Header)?;
    let parsed = wkb::reader::read_wkb(wkb_bytes)?;
    Ok(parsed.to_geometry())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{MultiPolygon, Point, polygon};

    #[test]
    fn roundtrips_point_and_multipolygon() {
        let p = Geometry::Point(Point::new(11.97, 51.48));
        assert_eq!(decode(&encode(&p)).unwrap(), p);
        let mp = Geometry::MultiPolygon(MultiPolygon(vec![polygon![
            (x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)
        ]]));
        let blob = encode(&mp);
        assert_eq!(blob[3], FLAGS_LE_XY_ENVELOPE);
        assert_eq!(decode(&blob).unwrap(), mp);
    }

    #[test]
    fn rejects_garbage() {
        assert!(decode(b"XX\0\x01\0\0\0\0").is_err());
        assert!(decode(b"GP").is_err());
    }
}
