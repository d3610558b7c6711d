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
use crate::model::{Lang, LonLat, Text};

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
                crate::text!(
                    "an address register needs properties for {} (looked for {} and {}); \
                     its first feature has: {}; map them with --street-column, --number-column",
                    "ein Adressregister braucht Eigenschaften für {} (gesucht: {} und {}); \
                     sein erstes Objekt hat: {}; ordnen Sie sie mit --street-column, --number-column zu",
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
            Some(Ok(geo::Geometry::Point(p))) => LonLat::new(p.x(), p.y()).map_err(|e| e.text()),
            Some(Ok(geo::Geometry::MultiPoint(mp))) if mp.0.len() == 1 => {
                LonLat::new(mp.0[0].x(), mp.0[0].y()).map_err(|e| e.text())
            }
            // A building outline with its address (OSM `addr:*` on a way):
            // a point inside it, which its centroid need not be.
            Some(Ok(g @ (geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_)))) => {
                use geo::InteriorPoint;
                match g.interior_point() {
                    Some(p) => LonLat::new(p.x(), p.y()).map_err(|e| e.text()),
                    None => Err(crate::text!(
                        "geometry is an empty polygon",
                        "Geometrie ist ein leeres Polygon"
                    )),
                }
            }
            Some(Ok(other)) => {
                let t = type_name(&other);
                Err(Text::new(
                    format!(
                        "geometry is a {}; a register address is a point (or a building outline)",
                        t.en()
                    ),
                    format!(
                        "Geometrie ist vom Typ {}; eine Registeradresse ist ein Punkt (oder ein Gebäudeumriss)",
                        t.in_lang(Lang::De)
                    ),
                ))
            }
            Some(Err(e)) => Err(e),
            None => Err(crate::text!(
                "has no geometry; a register address is a point",
                "hat keine Geometrie; eine Registeradresse ist ein Punkt"
            )),
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
                crate::text!(
                    "street ({}) is empty",
                    "Straße ({}) ist leer",
                    street_keys[1]
                )
            } else {
                crate::text!(
                    "house number ({}) is empty",
                    "Hausnummer ({}) ist leer",
                    number_keys[1]
                )
            };
            issues.push(place.issue(
                entry,
                Text::new(
                    format!(
                        "{}; every register address needs a street and a house number",
                        what.en()
                    ),
                    format!(
                        "{}; jede Registeradresse braucht eine Straße und eine Hausnummer",
                        what.in_lang(Lang::De)
                    ),
                ),
            ));
            continue;
        };
        if crate::locate::normalise::house_number(&number).is_none() {
            issues.push(place.issue(
                entry,
                crate::text!(
                    "house number \"{number}\" does not start with a digit",
                    "Hausnummer \"{number}\" beginnt nicht mit einer Ziffer"
                ),
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
