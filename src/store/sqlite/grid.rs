//! The store's own spatial index: every entity point falls in a cell of a
//! fixed lon/lat grid (1/512°, about 217 m north–south and 135 m east–west in
//! Halle), and the table `entity_cells` keeps `(cell, fid, lon, lat)` in cell
//! order. A box becomes one range of cell numbers per grid row, and that
//! table alone answers which points lie in it, so a question about one
//! neighbourhood reads only that neighbourhood. Unlike an R-tree it costs a
//! new store one in-memory sort and an append.

/// Cells per degree.
const PER_DEGREE: f64 = 512.0;
/// Cells per grid row (360° · 512 < 2¹⁸).
const ROW: i64 = 1 << 18;
/// Above this many grid rows a box is scanned whole instead.
const MAX_ROWS: i64 = 4096;

fn column(lon: f64) -> i64 {
    (((lon + 180.0) * PER_DEGREE).floor() as i64).clamp(0, ROW - 1)
}

fn row(lat: f64) -> i64 {
    (((lat + 90.0) * PER_DEGREE).floor() as i64).clamp(0, 180 * PER_DEGREE as i64)
}

/// The cell of a point.
pub fn cell(lon: f64, lat: f64) -> i64 {
    row(lat) * ROW + column(lon)
}

/// The cell ranges (inclusive) covering a lon/lat box, one per grid row;
/// `None` when the box spans so many rows that scanning everything is cheaper.
pub fn ranges(min: (f64, f64), max: (f64, f64)) -> Option<Vec<(i64, i64)>> {
    let (r0, r1) = (row(min.1), row(max.1));
    if r1 - r0 >= MAX_ROWS {
        return None;
    }
    let (c0, c1) = (column(min.0), column(max.0));
    Some((r0..=r1).map(|r| (r * ROW + c0, r * ROW + c1)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_lies_in_the_ranges_of_every_box_around_it() {
        let (lon, lat) = (11.9697, 51.4828);
        let c = cell(lon, lat);
        for d in [1e-9, 0.001, 0.01, 0.3] {
            let r = ranges((lon - d, lat - d), (lon + d, lat + d)).unwrap();
            assert!(r.iter().any(|&(a, b)| a <= c && c <= b), "{d}");
        }
        // Neighbouring cells east and north are different cells.
        assert_ne!(cell(lon + 1.0 / 512.0, lat), c);
        assert_ne!(cell(lon, lat + 1.0 / 512.0), c);
        // The edges of the world stay inside the grid.
        assert!(cell(180.0, 90.0) > cell(-180.0, -90.0));
        assert!(ranges((-180.0, -90.0), (180.0, 90.0)).is_none());
    }
}
