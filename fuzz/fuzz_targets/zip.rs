#![no_main]
//! Zip archives (members, limits, the data file inside) into districts and entities.
use libfuzzer_sys::fuzz_target;
use stadtatlas::import::FileRole;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let path = common::scratch("input.zip");
    if std::fs::write(&path, data).is_ok() {
        common::import(&path, FileRole::Districts);
        common::import(&path, FileRole::Partners);
    }
});
