//! An address register as a table (CSV or spreadsheet): one building
//! address per row, with street, house number (and suffix), postcode, place
//! and a coordinate pair in WGS84 or the CRS the entry names.

use super::columns::Table;
use super::manifest::FileEntry;
use super::values::{lon_lat, number};
use super::{Batch, Issue};
use crate::crs::Crs;
use crate::locate::AddressRecord;
use crate::model::Text;

/// Fields a register table may carry.
pub const FIELDS: &[&str] = &[
    "street",
    "housenumber",
    "suffix",
    "postcode",
    "place",
    "lon",
    "lat",
];

pub fn read(entry: &FileEntry, batch: &mut Batch, issues: &mut Vec<Issue>) {
    let table = match Table::read(entry, FIELDS, &mut batch.notes) {
        Ok(t) => t,
        Err(issue) => return issues.push(issue),
    };
    let crs = match entry.crs.as_deref().map(Crs::parse).transpose() {
        Ok(crs) => crs,
        Err(e) => return issues.push(Issue::file(&entry.path, e.text())),
    };
    let missing: Vec<&str> = ["street", "housenumber", "lon", "lat"]
        .into_iter()
        .filter(|f| !table.has(f))
        .collect();
    if !missing.is_empty() {
        let (missing, found) = (missing.join(", "), table.headers.join(", "));
        return issues.push(Issue::file(
            &entry.path,
            crate::text!(
                "an address register needs columns for {missing}; none found (its columns are: {found}); \
                 map them with --street-column, --number-column, --map lon=COLUMN, …",
                "ein Adressregister braucht Spalten für {missing}; keine gefunden (seine Spalten sind: {found}); \
                 ordnen Sie sie mit --street-column, --number-column, --map lon=SPALTE, … zu"
            ),
        ));
    }
    let path = &entry.path;
    for (line, row) in &table.rows {
        let at =
            |field: &str, message: Text| Issue::at(path, *line, &table.header_of(field), message);
        let (Some(street), Some(housenumber)) =
            (table.get(row, "street"), table.get(row, "housenumber"))
        else {
            let field = if table.get(row, "street").is_none() {
                "street"
            } else {
                "housenumber"
            };
            issues.push(at(
                field,
                crate::text!(
                    "is empty; every register address needs a street and a house number",
                    "ist leer; jede Adresse im Register braucht eine Straße und eine Hausnummer"
                ),
            ));
            continue;
        };
        if crate::locate::normalise::house_number(&housenumber).is_none() {
            issues.push(at(
                "housenumber",
                crate::text!(
                    "\"{housenumber}\" does not start with a digit",
                    "\"{housenumber}\" beginnt nicht mit einer Ziffer"
                ),
            ));
            continue;
        }
        let (Some(x), Some(y)) = (table.get(row, "lon"), table.get(row, "lat")) else {
            issues.push(Issue::line(
                path,
                *line,
                crate::text!("has no coordinate pair", "hat kein Koordinatenpaar"),
            ));
            continue;
        };
        let (Some(xv), Some(yv)) = (number(&x), number(&y)) else {
            let (field, value) = if number(&x).is_none() {
                ("lon", &x)
            } else {
                ("lat", &y)
            };
            issues.push(at(
                field,
                crate::text!("\"{value}\" is not a number", "\"{value}\" ist keine Zahl"),
            ));
            continue;
        };
        let coord = geo::Coord { x: xv, y: yv };
        let wgs84 = match &crs {
            Some(crs) => crs.to_wgs84(coord).map_err(|e| e.text()),
            None => Ok(coord),
        };
        let location = match wgs84.and_then(|c| lon_lat(c.x, c.y)) {
            Ok(p) => p,
            Err(msg) => {
                issues.push(at("lon", msg.around(&format!("\"{x}\", \"{y}\": "), "")));
                continue;
            }
        };
        batch.addresses.push(AddressRecord {
            street: street.into_owned(),
            number: housenumber.into_owned(),
            suffix: table.get(row, "suffix").map(|c| c.into_owned()),
            postcode: table.get(row, "postcode").map(|c| c.into_owned()),
            place: table.get(row, "place").map(|c| c.into_owned()),
            location,
            file: path.clone(),
            at: format!("line {line}"),
        });
    }
}
