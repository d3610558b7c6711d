//! Register addresses from features (Hauskoordinaten as GeoJSON, Shapefile,
//! GeoPackage, …; OSM `addr:*` points and buildings): a point each (a
//! building outline gives a point inside it), with street, house number,
//! suffix, postcode and place properties under their usual names or as
//! mapped.

use super::props::Props;
use super::{Place, SourceFeature, type_name};
use crate::import::columns::aliases;
use crate::import::manifest::FileEntry;
use crate::import::{Batch, Issue};
use crate::locate::AddressRecord;
use crate::model::LonLat;

pub fn addresses(
    entry: &FileEntry,
    features: Vec<SourceFeature>,
    batch: &mut Batch,
    issues: &mut Vec<Issue>,
) {
    // The spellings of a register table's header serve the properties too
    // (compared folded: `addr:street` is `addr street`); the field's own
    // name comes first, which a mapping uses.
    let [
        street_keys,
        number_keys,
        suffix_keys,
        postcode_keys,
        place_keys,
    ] = ["street", "housenumber", "suffix", "postcode", "place"].map(aliases);
    if !super::props::check_mapping(entry, &features, issues) {
        return;
    }
    let first = features
        .first()
        .map(|f| Props::new(f.props.clone(), &entry.columns));
    if let Some(props) = &first {
        let missing: Vec<&str> = [("street", street_keys), ("housenumber", number_keys)]
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
                    street_keys.join("/"),
                    number_keys.join("/"),
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
            // A building outline with its address (OSM `addr:*` on a way):
            // a point inside it, which its centroid need not be.
            Some(Ok(g @ (geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_)))) => {
                use geo::InteriorPoint;
                match g.interior_point() {
                    Some(p) => LonLat::new(p.x(), p.y()).map_err(|e| e.to_string()),
                    None => Err("geometry is an empty polygon".into()),
                }
            }
            Some(Ok(other)) => Err(format!(
                "geometry is a {}; a register address is a point (or a building outline)",
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
        let (Some(street), Some(number)) = (props.text(street_keys), props.text(number_keys))
        else {
            let what = if props.text(street_keys).is_none() {
                format!("street ({}) is empty", street_keys[1])
            } else {
                format!("house number ({}) is empty", number_keys[1])
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
            suffix: props.text(suffix_keys),
            postcode: props.text(postcode_keys),
            place: props.text(place_keys),
            location,
            file: entry.path.clone(),
            at: place.label(),
        });
    }
}
