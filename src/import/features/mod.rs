//! Districts and entities from features (properties and a WGS84 geometry),
//! whichever file format they came from (GeoJSON, Esri JSON, Shapefile,
//! GeoPackage, KML).
//!
//! Properties are read through a [`props::Props`] view: a field the file's
//! column mapping (`[file.columns]`, `--map`, `--name-column`, …) names is
//! read from that column only; an unmapped field is looked up under its own
//! name and aliases, ignoring case and umlaut spelling.

mod addresses;
mod districts;
mod entities;
mod props;

pub use addresses::addresses;
pub use districts::districts;
pub use entities::entities;

use super::manifest::FileEntry;
use super::{Issue, Origin};
use crate::model::names::slug;
use crate::model::{Lang, Text};
use geo::MultiPolygon;
use props::{NAME_KEYS, Props};
use serde_json::{Map, Value};

/// One feature as a reader delivers it: properties, its own id, and its
/// geometry already in WGS84 (or why it could not be read).
pub struct SourceFeature {
    pub props: Map<String, Value>,
    pub id: Option<String>,
    pub geometry: Option<Result<geo::Geometry<f64>, Text>>,
    /// The line it starts on, for features read from a table (CSV with a
    /// WKT column); `None` for geodata, whose features are numbered.
    pub line: Option<u64>,
}

/// Where a feature stands in its file: its number, or its line in a table.
#[derive(Clone, Copy)]
struct Place {
    number: usize,
    line: Option<u64>,
}

impl Place {
    fn issue(self, entry: &FileEntry, message: Text) -> Issue {
        match self.line {
            Some(line) => Issue::line(&entry.path, line, message),
            None => Issue::feature(&entry.path, self.number, message),
        }
    }

    /// `feature 3` or `line 4`, for messages that name several places.
    fn label(self) -> String {
        match self.line {
            Some(line) => format!("line {line}"),
            None => format!("feature {}", self.number),
        }
    }

    /// [`Place::label`] in both languages (`Objekt 3`, `Zeile 4`).
    fn label_text(self) -> Text {
        match self.line {
            Some(line) => crate::text!("line {line}", "Zeile {line}"),
            None => crate::text!("feature {}", "Objekt {}", self.number),
        }
    }
}

/// A feature's geometry as an area: a Polygon or MultiPolygon, valid (or
/// repaired when `repair` is set; the note says what was repaired).
///
/// # Errors
/// What is wrong with the geometry. The English follows the word
/// `geometry` (`is a Point; …`, `invalid polygon: …`); the German stands
/// on its own (`Geometrie ist vom Typ Point; …`, `ungültiges Polygon: …`).
fn area(
    geometry: geo::Geometry<f64>,
    repair: bool,
) -> Result<(MultiPolygon<f64>, Option<Text>), Text> {
    let mp = match geometry {
        geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
        geo::Geometry::MultiPolygon(mp) => mp,
        other => {
            let t = type_name(&other);
            return Err(Text::new(
                format!("is a {}; a district is a Polygon or MultiPolygon", t.en()),
                format!(
                    "Geometrie ist vom Typ {}; ein Bezirk ist ein Polygon oder MultiPolygon",
                    t.in_lang(Lang::De)
                ),
            ));
        }
    };
    super::geometry_check::checked_area(mp, repair)
}

/// [`area`]'s problem after `geometry` in English, alone in German.
fn geometry_problem(problem: &Text) -> Text {
    Text::new(
        format!("geometry {}", problem.en()),
        problem.in_lang(Lang::De),
    )
}

/// `prefix` followed by `message`, in each language.
fn after(prefix: Text, message: &Text) -> Text {
    Text::new(
        format!("{}{}", prefix.en(), message.en()),
        format!("{}{}", prefix.in_lang(Lang::De), message.in_lang(Lang::De)),
    )
}

/// A geometry's type as a message names it (`Point`, `MultiPoint of 3 points`).
fn type_name(g: &geo::Geometry<f64>) -> Text {
    let name = |n: &str| Text::new(n, n);
    match g {
        geo::Geometry::Point(_) => name("Point"),
        geo::Geometry::Line(_) | geo::Geometry::LineString(_) => name("LineString"),
        geo::Geometry::MultiPoint(mp) => crate::text!(
            "MultiPoint of {} points",
            "MultiPoint mit {} Punkten",
            mp.0.len()
        ),
        geo::Geometry::MultiLineString(_) => name("MultiLineString"),
        geo::Geometry::GeometryCollection(_) => name("GeometryCollection"),
        geo::Geometry::Polygon(_) => name("Polygon"),
        geo::Geometry::MultiPolygon(_) => name("MultiPolygon"),
        geo::Geometry::Rect(_) => name("Rect"),
        geo::Geometry::Triangle(_) => name("Triangle"),
    }
}

/// The feature's name and id: the `id` field (mapped or by name), else the
/// Feature's own id, else a slug of the name (the `bool` says so).
fn name_and_id(
    props: &Props,
    feature_id: Option<&str>,
    entry: &FileEntry,
    place: Place,
) -> Result<(String, String, bool), Issue> {
    let Some(name) = props.text(NAME_KEYS) else {
        let column = entry
            .columns
            .get("name")
            .map_or("name".to_string(), |c| c.names().join(", "));
        return Err(place.issue(
            entry,
            crate::text!(
                "has no name (property {column} is empty)",
                "hat keinen Namen (Eigenschaft {column} ist leer)"
            ),
        ));
    };
    let given = props.text(&["id"]).or_else(|| {
        feature_id
            .filter(|_| !props.is_mapped("id"))
            .map(str::to_string)
    });
    let (id, derived) = match given {
        Some(id) => (id, false),
        None => (slug(&name), true),
    };
    if id.is_empty() {
        return Err(place.issue(
            entry,
            crate::text!(
                "\"{name}\" gives no usable id; map an id column with --id-column",
                "\"{name}\" ergibt keine verwendbare Kennung; ordnen Sie mit --id-column eine Kennungsspalte zu"
            ),
        ));
    }
    Ok((name, id, derived))
}

fn origin(entry: &FileEntry, place: Place, id_derived: bool) -> Origin {
    Origin {
        file: entry.path.clone(),
        line: place.line.unwrap_or(place.number as u64),
        column: place.label(),
        id_derived,
    }
}

/// A feature whose name and id could be read: where it stands, its
/// properties as the model reads them, and its geometry.
struct Named {
    place: Place,
    props: Props,
    name: String,
    id: String,
    /// The id was derived from the name.
    derived: bool,
    geometry: Option<Result<geo::Geometry<f64>, Text>>,
}

/// The features, each with its name and id or the issue why it has none,
/// after checking the file's column mapping and that some property holds
/// names. `None` when the file as a whole cannot be read that way. Lazy, so
/// that one feature's properties are held at a time.
fn named<'a>(
    entry: &'a FileEntry,
    features: Vec<SourceFeature>,
    issues: &mut Vec<Issue>,
) -> Option<impl Iterator<Item = Result<Named, Issue>> + 'a> {
    if !props::check_mapping(entry, &features, issues)
        || !props::check_names(entry, &features, issues)
    {
        return None;
    }
    Some(features.into_iter().enumerate().map(move |(i, feature)| {
        let place = Place {
            number: i + 1,
            line: feature.line,
        };
        let props = Props::new(feature.props, &entry.columns);
        let (name, id, derived) = name_and_id(&props, feature.id.as_deref(), entry, place)?;
        Ok(Named {
            place,
            props,
            name,
            id,
            derived,
            geometry: feature.geometry,
        })
    }))
}
