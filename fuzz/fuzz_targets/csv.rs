#![no_main]
//! CSV and spreadsheet-like text into partners, relations and contacts.
use libfuzzer_sys::fuzz_target;
use stadtatlas::import::FileRole;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let path = common::scratch("input.csv");
    if std::fs::write(&path, data).is_ok() {
        for role in [FileRole::Partners, FileRole::Relations, FileRole::Contacts] {
            common::import(&path, role);
        }
    }
});
