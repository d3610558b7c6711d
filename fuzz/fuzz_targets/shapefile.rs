#![no_main]
//! Shapefiles: the input is split into a .shp and a .dbf (the first two bytes
//! give the .shp length), plus an optional .prj after a 0xFF 0xFF marker.
use libfuzzer_sys::fuzz_target;
use stadtatlas::import::FileRole;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let n = (u16::from_le_bytes([data[0], data[1]]) as usize).min(data.len() - 2);
    let (shp, rest) = data[2..].split_at(n);
    let (dbf, prj) = match rest.windows(2).position(|w| w == [0xFF, 0xFF]) {
        Some(k) => (&rest[..k], Some(&rest[k + 2..])),
        None => (rest, None),
    };
    let path = common::scratch("input.shp");
    let _ = std::fs::write(&path, shp);
    let _ = std::fs::write(path.with_extension("dbf"), dbf);
    match prj {
        Some(p) => {
            let _ = std::fs::write(path.with_extension("prj"), p);
        }
        None => {
            let _ = std::fs::remove_file(path.with_extension("prj"));
        }
    }
    common::import(&path, FileRole::Districts);
    common::import(&path, FileRole::Partners);
});
