//! Register addresses from features (Hauskoordinaten as GeoJSON, Shapefile,
//! GeoPackage, …): a point each, with street, house number, suffix,
//! postcode and place properties under their usual names or as mapped.

use super::props::Props;
use super::{Place, SourceFeature, type_name};
use crate::import::manifest::FileEntry;
use crate::import::{Batch, Issue};
use crate::locate::AddressRecord;
use crate::model::LonLat;

/// Property names of each field, as registers spell them (compared folded);
/// the first is the field's own name, which a mapping uses.
const STREET: &[&str] = &[
    "street",
    "strname",
    "strasse",
    "strassenname",
    "str_name",
    "addr:street",
    "stn",
];
const NUMBER: &[&str] = &[
    "housenumber",
    "hsnr",
    "hausnummer",
    "hnr",
    "hausnr",
    "addr:housenumber",
];
const SUFFIX: &[&str] = &[
    "suffix",
    "hsnrzus",
    "hausnummerzusatz",
    "hnrzus",
    "zusatz",
    "adz",
];
const POSTCODE: &[&str] = &["postcode", "plz", "postleitzahl", "addr:postcode"];
const PLACE: &[&str] = &["place", "ort", "ortsname", "gemeinde", "addr:city", "city"];

pub fn addresses(
    entry: &FileEntry,
    features: Vec<SourceFeature>,
    batch: &mut Batch,
    issues: &mut Vec<Issue>,
) {
    if !super::props::check_mapping(entry, &features, issues) {
        return;
    }
    let first = features
        .first()
        .map(|f| Props::new(f.props.clone(), &entry.columns));
    if let Some(props) = &first {
        let missing: Vec<&str> = [("street", STREET), ("housenumber", NUMBER)]
            .into_iter()
            .filter(|(_, keys)| props.get(keys).is_none())
            .map(|(f, _)| f)
            .collect();
        if !missing.is_empty() {
            let names: Vec<&String> = features[0].props.keys().collect();
            return issues.push(Issue::file(
                &entry.path,
                format!(
                    "an address register needs properties for {} (looked for {} and {}); \
                     its first feature has: {}; map them with --street-column, --number-column",
                    missing.join(", "),
                    STREET.join("/"),
                    NUMBER.join("/"),
                    names
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    for (i, feature) in features.into_iter().enumerate() {
        let place = Place {
            number: i + 1,
            line: feature.line,
        };
        let props = Props::new(feature.props, &entry.columns);
        let location = match feature.geometry {
            Some(Ok(geo::Geometry::Point(p))) => {
                LonLat::new(p.x(), p.y()).map_err(|e| e.to_string())
            }
            Some(Ok(geo::Geometry::MultiPoint(mp))) if mp.0.len() == 1 => {
                LonLat::new(mp.0[0].x(), mp.0[0].y()).map_err(|e| e.to_string())
            }
            Some(Ok(other)) => Err(format!(
                "geometry is a {}; a register address is a point",
                type_name(&other)
            )),
            Some(Err(e)) => Err(e),
            None => Err("has no geometry; a register address is a point".into()),
        };
        let location = match location {
            Ok(p) => p,
            Err(msg) => {
                issues.push(place.issue(entry, msg));
                continue;
            }
        };
        let (Some(street), Some(number)) = (props.text(STREET), props.text(NUMBER)) else {
            let what = if props.text(STREET).is_none() {
                format!("street ({}) is empty", STREET[1])
            } else {
                format!("house number ({}) is empty", NUMBER[1])
            };
            issues.push(place.issue(
                entry,
                format!("{what}; every register address needs a street and a house number"),
            ));
            continue;
        };
        if crate::locate::normalise::house_number(&number).is_none() {
            issues.push(place.issue(
                entry,
                format!("house number \"{number}\" does not start with a digit"),
            ));
            continue;
        }
        batch.addresses.push(AddressRecord {
            street,
            number,
            suffix: props.text(SUFFIX),
            postcode: props.text(POSTCODE),
            place: props.text(PLACE),
            location,
            file: entry.path.clone(),
            at: place.label(),
        });
    }
}
