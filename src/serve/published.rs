//! What the server publishes: the public profile of the store (no
//! contacts, no `visibility: internal` record), each feature written once
//! as the GeoJSON export writes it, with what the item filters need beside
//! it. Made again when the store has a newer import.

use crate::districts::DistrictRef;
use crate::export::{Profile, geojson_out};
use crate::query::Atlas;
use geo::BoundingRect;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use serde_json::Value;

/// The most records the `/map` page is made for.
pub const MAP_RECORDS: usize = 20_000;

/// A lon/lat box: west, south, east, north.
pub type Bbox = [f64; 4];

/// One feature of a collection.
#[derive(Debug)]
pub struct Item {
    pub id: String,
    /// `None` for a feature without geometry (city-wide, or located by a
    /// district's name only).
    pub bbox: Option<Bbox>,
    /// Lower-case values the property filters compare with: an entity's
    /// kind, or a relation's role (`role=`).
    pub kind: String,
    pub fields: Vec<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    /// Ids, names and aliases (lower case) of the districts it lies in, every level.
    pub districts: Vec<String>,
    /// The district level (districts only).
    pub level: Option<String>,
    /// The Feature's JSON.
    pub json: Box<str>,
}

/// The published inventory at one import.
pub struct Published {
    /// The store's last import when this was read.
    pub import: i64,
    /// The public records only (see [`crate::export::public_snapshot`]):
    /// the questions are asked of it.
    pub atlas: Atlas,
    pub entities: Vec<Item>,
    pub districts: Vec<Item>,
    /// The relations between published records, by id.
    pub relations: Vec<Item>,
    /// The boxes of the entities and districts with a geometry, with their
    /// index in `entities`/`districts`.
    pub entity_boxes: RTree<Boxed>,
    pub district_boxes: RTree<Boxed>,
    pub relation_boxes: RTree<Boxed>,
    /// District levels, coarsest first.
    pub levels: Vec<String>,
    /// Set when district boundaries are provisional: the method.
    pub provisional: Option<String>,
    /// The report's page (tables and the interactive map, German), or why
    /// there is none (a store without districts).
    pub map: Result<String, String>,
    /// Where a proposed point may lie: the districts' extent with a margin
    /// of 0.2° (about 14 to 22 km); `None` without districts.
    pub area: Option<([f64; 2], [f64; 2])>,
}

impl Published {
    /// The public profile of a snapshot, entities by id, districts by level
    /// and then in the store's order; the map page does what `served` allows.
    pub fn new(
        snapshot: crate::store::Snapshot,
        import: i64,
        served: crate::report::Served,
    ) -> Self {
        let atlas = Atlas::new(crate::export::public_snapshot(snapshot));
        let (entities, districts, levels) = items_of(&atlas);
        let relations = relation_items(&atlas, &entities);
        let provisional = atlas.provisional_notice().map(str::to_string);
        // One page holds every record's details: a city's inventory, not a
        // register of a million addresses (QGIS reads those from the API).
        let map = if entities.len() > MAP_RECORDS {
            Err(format!(
                "{} public records are more than one page shows ({MAP_RECORDS}); \
                 open the collection in QGIS (OGC API – Features) instead",
                entities.len()
            ))
        } else {
            crate::report::page(
                &atlas,
                &crate::report::ReportOptions {
                    lang: crate::model::Lang::De,
                    level: None,
                    profile: Profile::Public,
                },
                served,
            )
            .map_err(|e| e.to_string())
        };
        let district_boxes = boxes(&districts);
        let area = (district_boxes.size() > 0).then(|| {
            let e = district_boxes.root().envelope();
            let (min, max) = (e.lower(), e.upper());
            ([min[0] - 0.2, min[1] - 0.2], [max[0] + 0.2, max[1] + 0.2])
        });
        Self {
            import,
            atlas,
            map,
            area,
            entity_boxes: boxes(&entities),
            district_boxes,
            relation_boxes: boxes(&relations),
            relations,
            entities,
            districts,
            levels,
            provisional,
        }
    }
}

/// An item's box in the R-tree, with the item's index.
pub type Boxed = GeomWithData<Rectangle<[f64; 2]>, usize>;

fn boxes(items: &[Item]) -> RTree<Boxed> {
    RTree::bulk_load(
        items
            .iter()
            .enumerate()
            .filter_map(|(k, i)| {
                i.bbox.map(|b| {
                    GeomWithData::new(Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]), k)
                })
            })
            .collect(),
    )
}

/// The indices (ascending) of the items whose box meets `q` (west > east:
/// across the antimeridian).
pub fn meeting(tree: &RTree<Boxed>, q: Bbox) -> Vec<usize> {
    let parts = if q[0] <= q[2] {
        vec![[q[0], q[1], q[2], q[3]]]
    } else {
        vec![[q[0], q[1], 180.0, q[3]], [-180.0, q[1], q[2], q[3]]]
    };
    let mut found: Vec<usize> = parts
        .iter()
        .flat_map(|p| {
            tree.locate_in_envelope_intersecting(&AABB::from_corners([p[0], p[1]], [p[2], p[3]]))
                .map(|b| b.data)
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// The features of the entities (by id) and the districts (by level).
fn items_of(atlas: &Atlas) -> (Vec<Item>, Vec<Item>, Vec<String>) {
    // The atlas holds the public records only (Published::new).
    let mut rows: Vec<_> = (0..atlas.entities.len()).map(|i| atlas.row(i)).collect();
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    let entities = rows
        .iter()
        .map(|r| {
            let e = &atlas.entities[r.index];
            let feature = geojson_out::entity_feature(atlas, r, Profile::Public);
            let bbox = match (e.location, &e.area) {
                (Some(p), _) => Some([p.lon(), p.lat(), p.lon(), p.lat()]),
                (None, Some(area)) => area
                    .bounding_rect()
                    .map(|b| [b.min().x, b.min().y, b.max().x, b.max().y]),
                (None, None) => None,
            };
            let mut districts = Vec::new();
            for set in &atlas.assignments[r.index] {
                for d in set {
                    if let DistrictRef::District(d) = d {
                        let d = &atlas.districts[*d];
                        districts.extend(names_of(d));
                    }
                }
            }
            Item {
                id: r.id.clone(),
                bbox,
                kind: e.kind.as_str().to_string(),
                fields: e.fields.iter().map(|f| f.to_lowercase()).collect(),
                category: e.category.as_ref().map(|c| c.to_lowercase()),
                status: e.status.map(|s| s.as_str().to_string()),
                districts,
                level: None,
                json: json_of(&feature),
            }
        })
        .collect();
    let levels = atlas.districts.hierarchy.level_ids();
    let mut districts = Vec::new();
    for level in &levels {
        for d in atlas.districts.iter().filter(|d| &d.level == level) {
            districts.push(Item {
                id: d.id.clone(),
                bbox: d
                    .geometry
                    .as_ref()
                    .and_then(|g| g.bounding_rect())
                    .map(|b| [b.min().x, b.min().y, b.max().x, b.max().y]),
                kind: String::new(),
                fields: Vec::new(),
                category: None,
                status: None,
                districts: names_of(d),
                level: Some(d.level.clone()),
                json: json_of(&geojson_out::district_feature(d)),
            });
        }
    }
    (entities, districts, levels)
}

/// The features of the relations, by id: `FROM--ROLE--TO` (and `--FIELD`
/// for a membership with a field), numbered on where that repeats; a line
/// between the two records where both have a place. Filtered by role
/// (`kind`), field, and the districts of either end.
fn relation_items(atlas: &Atlas, entities: &[Item]) -> Vec<Item> {
    let districts_of = |id: &str| {
        entities
            .binary_search_by(|i| i.id.as_str().cmp(id))
            .map(|k| entities[k].districts.clone())
            .unwrap_or_default()
    };
    let mut items: Vec<Item> = Vec::with_capacity(atlas.relations.len());
    let mut taken = std::collections::HashMap::<String, usize>::new();
    for r in &atlas.relations {
        let mut id = format!("{}--{}--{}", r.from, r.role.as_str(), r.to);
        if let Some(f) = &r.field {
            id.push_str("--");
            id.push_str(f);
        }
        let n = taken.entry(id.clone()).or_default();
        *n += 1;
        if *n > 1 {
            id = format!("{id}--{n}");
        }
        let feature = geojson_out::relation_feature(atlas, r, &id);
        let end = |e: &str| {
            atlas
                .entity_index(e)
                .ok()
                .and_then(|i| geojson_out::anchor(&atlas.entities[i]))
        };
        let bbox = match (end(&r.from), end(&r.to)) {
            (Some(a), Some(b)) => Some([
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[0].max(b[0]),
                a[1].max(b[1]),
            ]),
            _ => None,
        };
        let mut districts = districts_of(&r.from);
        districts.extend(districts_of(&r.to));
        items.push(Item {
            id,
            bbox,
            kind: r.role.as_str().to_string(),
            fields: r.field.iter().map(|f| f.to_lowercase()).collect(),
            category: None,
            status: None,
            districts,
            level: None,
            json: json_of(&feature),
        });
    }
    items.sort_by(|a, b| a.id.cmp(&b.id));
    items
}

impl Published {
    /// A collection's features and the R-tree of their boxes, by its id.
    pub fn collection(&self, id: &str) -> Option<(&[Item], &RTree<Boxed>)> {
        match id {
            "entities" => Some((&self.entities, &self.entity_boxes)),
            "districts" => Some((&self.districts, &self.district_boxes)),
            "relations" => Some((&self.relations, &self.relation_boxes)),
            _ => None,
        }
    }

    /// The box around every item with a geometry, if any has one.
    pub fn extent(items: &[Item]) -> Option<Bbox> {
        items.iter().filter_map(|i| i.bbox).reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })
    }
}

/// What a district is asked for by: its id, name and aliases, lower case.
fn names_of(d: &crate::model::District) -> Vec<String> {
    [&d.id, &d.name]
        .into_iter()
        .chain(&d.aliases)
        .map(|n| n.to_lowercase())
        .collect()
}

fn json_of(v: &Value) -> Box<str> {
    serde_json::to_string(v)
        .expect("features serialise")
        .into_boxed_str()
}
