//! OGC API – Features, Part 1 (Core, GeoJSON, OpenAPI 3.0): the landing
//! page, conformance, the API definition, the collections `entities` and
//! `districts`, their items (bbox, limit/offset paging, property filters)
//! and single items. Everything is read from the [`Published`] view; every
//! query parameter is checked before it is used.

use super::published::{self, Bbox, Item, Published};
use super::{Shared, openapi};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;

pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
pub const GEOJSON: &str = "application/geo+json";
pub const JSON: &str = "application/json";
pub const HTML: &str = "text/html; charset=utf-8";
pub const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.0";

/// Items per page unless `limit` says otherwise, and the most it may say.
pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 10_000;

/// The conformance classes this server meets.
pub const CONFORMANCE: [&str; 4] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
];

/// The collections: id, title, description.
pub const COLLECTIONS: [(&str, &str, &str); 3] = [
    (
        "entities",
        "Smart City actors",
        "Partners, institutions, initiatives, projects and bodies of the inventory, with \
         their fields of action and districts. Public profile: no contact persons, no \
         internal records.",
    ),
    (
        "districts",
        "Districts",
        "District boundaries of every level (property `level`; filter with `level=`).",
    ),
    (
        "relations",
        "Relations",
        "Who takes part in what: leads, partners, funders and operators of projects, \
         members and chairs of bodies (properties `from`, `to`, `role`, `field`), as a \
         line between the two records where both have a place. Filter with `role=`, \
         `field=`, `district=` (either end). Public records only.",
    ),
];

/// An error as OGC API documents it: status, `code` and `description`.
pub struct Problem {
    status: StatusCode,
    code: &'static str,
    description: String,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, description: String) -> Self {
        Self {
            status,
            code,
            description,
        }
    }

    pub fn bad_request(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "InvalidParameterValue",
            description: description.into(),
        }
    }

    pub fn internal(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "ServerError",
            description: description.into(),
        }
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: "NotFound",
            description: description.into(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = json!({"code": self.code, "description": self.description});
        (
            self.status,
            [(header::CONTENT_TYPE, JSON)],
            body.to_string(),
        )
            .into_response()
    }
}

fn document(content_type: &'static str, body: String) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn link(href: String, rel: &str, content_type: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": content_type, "title": title})
}

/// The formats of the API's documents and features.
const DOCUMENT_FORMATS: [&str; 3] = ["json", "geojson", "html"];

/// Whether the answer is HTML: `f=html`, or no `f` and a browser's
/// `Accept: text/html`.
pub fn html_asked(pairs: &[(String, String)], headers: &HeaderMap) -> bool {
    match pairs.iter().find(|(k, _)| k == "f") {
        Some((_, f)) => f == "html",
        None => headers
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.trim_start().starts_with("text/html")),
    }
}

/// Whether a document (a path with no parameters but `f`) is asked for as HTML.
fn document_asked(q: Option<String>, headers: &HeaderMap) -> Result<bool, Problem> {
    Ok(html_asked(&parameters(q, &[], &DOCUMENT_FORMATS)?, headers))
}

/// A document as JSON or, when asked, as HTML titled `title`.
fn respond(html: bool, title: &str, doc: &Value) -> Response {
    if html {
        document(HTML, super::html::document(title, doc))
    } else {
        document(JSON, doc.to_string())
    }
}

/// The query's parameters, refusing any this path does not know (OGC
/// API Features /req/core/query-param-unknown) and an `f` not in `formats`.
pub fn parameters(
    raw: Option<String>,
    known: &[&str],
    formats: &[&str],
) -> Result<Vec<(String, String)>, Problem> {
    let pairs: Vec<(String, String)> = match raw.as_deref() {
        None | Some("") => Vec::new(),
        Some(q) => serde_urlencoded::from_str(q)
            .map_err(|e| Problem::bad_request(format!("the query string cannot be read: {e}")))?,
    };
    for (k, v) in &pairs {
        if k == "f" {
            if !formats.contains(&v.as_str()) {
                return Err(Problem::bad_request(format!(
                    "f={v} is not served here: f={}",
                    formats.join(" or f=")
                )));
            }
        } else if !known.contains(&k.as_str()) {
            return Err(Problem::bad_request(format!(
                "unknown query parameter '{k}'; this path knows: {}",
                known.join(", ")
            )));
        }
    }
    Ok(pairs)
}

pub async fn landing(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, Problem> {
    let html = document_asked(q, &headers)?;
    let b = &s.base;
    let body = json!({
        "title": s.title,
        "description": "The Smart City stakeholder inventory as OGC API – Features (stadtatlas).",
        "links": [
            link(format!("{b}/"), "self", JSON, "This document"),
            link(format!("{b}/api"), "service-desc", OPENAPI, "The API definition"),
            link(format!("{b}/conformance"), "conformance", JSON, "Conformance classes"),
            link(format!("{b}/collections"), "data", JSON, "The collections"),
            link(format!("{b}/map"), "related", "text/html", "Map and tables (German)"),
        ],
    });
    Ok(respond(html, &s.title, &body))
}

pub async fn conformance(headers: HeaderMap, RawQuery(q): RawQuery) -> Result<Response, Problem> {
    let html = document_asked(q, &headers)?;
    Ok(respond(
        html,
        "Conformance",
        &json!({"conformsTo": CONFORMANCE}),
    ))
}

pub async fn api(State(s): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Response {
    // The API definition is JSON only.
    if let Err(p) = parameters(q, &[], &["json"]) {
        return p.into_response();
    }
    document(OPENAPI, openapi::document(&s.base, &s.title).to_string())
}

fn collection(s: &Shared, view: &Published, id: &str) -> Option<Value> {
    let (id, title, description) = COLLECTIONS.iter().find(|c| c.0 == id)?;
    let (items, _) = view.collection(id)?;
    let mut description = description.to_string();
    if let Some(method) = &view.provisional {
        description.push_str(&format!(
            " District boundaries and assignments are PROVISIONAL ({method})."
        ));
    }
    let b = &s.base;
    let mut c = json!({
        "id": id,
        "title": title,
        "description": description,
        "itemType": "feature",
        "crs": [CRS84],
        "links": [
            link(format!("{b}/collections/{id}"), "self", JSON, "This collection"),
            link(format!("{b}/collections/{id}/items"), "items", GEOJSON, "Its features"),
        ],
    });
    if let Some(bbox) = Published::extent(items) {
        c["extent"] = json!({"spatial": {"bbox": [bbox], "crs": CRS84}});
    }
    if *id == "districts" {
        c["levels"] = json!(view.levels);
    }
    Some(c)
}

pub async fn collections(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, Problem> {
    let html = document_asked(q, &headers)?;
    let view = s.view();
    let b = &s.base;
    let all: Vec<Value> = COLLECTIONS
        .iter()
        .filter_map(|c| collection(&s, &view, c.0))
        .collect();
    let body = json!({
        "links": [link(format!("{b}/collections"), "self", JSON, "The collections")],
        "collections": all,
    });
    Ok(respond(html, "Collections", &body))
}

pub async fn one_collection(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, Problem> {
    let html = document_asked(q, &headers)?;
    match collection(&s, &s.view(), &id) {
        Some(c) => Ok(respond(html, c["title"].as_str().unwrap_or(&id), &c)),
        None => Err(no_collection(&id)),
    }
}

fn no_collection(id: &str) -> Problem {
    Problem::not_found(format!(
        "no collection '{id}'; there are: {}",
        COLLECTIONS.map(|c| c.0).join(", ")
    ))
}

/// What `/items` was asked for.
#[derive(Debug, Default)]
struct ItemQuery {
    bbox: Option<Bbox>,
    limit: usize,
    offset: usize,
    kind: Vec<String>,
    field: Vec<String>,
    category: Vec<String>,
    status: Vec<String>,
    district: Vec<String>,
    level: Vec<String>,
}

const ENTITY_PARAMETERS: [&str; 8] = [
    "bbox", "limit", "offset", "kind", "field", "category", "status", "district",
];
const DISTRICT_PARAMETERS: [&str; 5] = ["bbox", "limit", "offset", "level", "district"];
const RELATION_PARAMETERS: [&str; 6] = ["bbox", "limit", "offset", "role", "field", "district"];

fn number(name: &str, v: &str) -> Result<usize, Problem> {
    v.parse::<usize>()
        .map_err(|_| Problem::bad_request(format!("{name}={v} is not a whole number of 0 or more")))
}

/// `bbox=west,south,east,north` (or with heights: six numbers) in CRS84;
/// west > east crosses the antimeridian.
pub fn parse_bbox(v: &str) -> Result<Bbox, Problem> {
    let bad = |why: &str| Problem::bad_request(format!("bbox={v}: {why}"));
    let n: Vec<f64> = v
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("not a list of numbers"))?;
    let b = match n.as_slice() {
        [w, s, e, n] => [*w, *s, *e, *n],
        [w, s, _, e, n, _] => [*w, *s, *e, *n],
        _ => {
            return Err(bad(
                "four numbers (west,south,east,north) or six with heights",
            ));
        }
    };
    if b.iter().any(|x| !x.is_finite()) {
        return Err(bad("not finite"));
    }
    if !(-180.0..=180.0).contains(&b[0]) || !(-180.0..=180.0).contains(&b[2]) {
        return Err(bad("longitudes lie between -180 and 180"));
    }
    if !(-90.0..=90.0).contains(&b[1]) || !(-90.0..=90.0).contains(&b[3]) || b[1] > b[3] {
        return Err(bad(
            "latitudes lie between -90 and 90, south not above north",
        ));
    }
    Ok(b)
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|x| x.trim().to_lowercase())
        .filter(|x| !x.is_empty())
        .collect()
}

impl ItemQuery {
    fn read(pairs: &[(String, String)]) -> Result<Self, Problem> {
        let mut q = ItemQuery {
            limit: DEFAULT_LIMIT,
            ..ItemQuery::default()
        };
        for (k, v) in pairs {
            match k.as_str() {
                "bbox" => q.bbox = Some(parse_bbox(v)?),
                "limit" => {
                    let n = number("limit", v)?;
                    if n == 0 {
                        return Err(Problem::bad_request("limit=0: at least 1"));
                    }
                    q.limit = n.min(MAX_LIMIT);
                }
                "offset" => q.offset = number("offset", v)?,
                // A relation's role is its kind (see published::Item).
                "kind" | "role" => q.kind.extend(list(v)),
                "field" => q.field.extend(list(v)),
                "category" => q.category.extend(list(v)),
                "status" => q.status.extend(list(v)),
                "district" => q.district.extend(list(v)),
                "level" => q.level.extend(list(v)),
                _ => {}
            }
        }
        Ok(q)
    }

    fn matches(&self, item: &Item) -> bool {
        let any = |wanted: &[String], has: &[String]| {
            wanted.is_empty() || wanted.iter().any(|w| has.contains(w))
        };
        let one = |wanted: &[String], has: Option<&String>| {
            wanted.is_empty() || has.is_some_and(|h| wanted.contains(h))
        };
        self.bbox
            .is_none_or(|b| item.bbox.is_some_and(|i| intersects(b, i)))
            && one(&self.kind, Some(&item.kind).filter(|k| !k.is_empty()))
            && any(&self.field, &item.fields)
            && one(&self.category, item.category.as_ref())
            && one(&self.status, item.status.as_ref())
            && any(&self.district, &item.districts)
            && one(&self.level, item.level.as_ref())
    }
}

/// Whether a query box (west > east: across the antimeridian) meets an
/// item's box.
fn intersects(q: Bbox, i: Bbox) -> bool {
    let lat = i[1] <= q[3] && q[1] <= i[3];
    let lon = if q[0] <= q[2] {
        i[0] <= q[2] && q[0] <= i[2]
    } else {
        i[2] >= q[0] || i[0] <= q[2]
    };
    lat && lon
}

pub async fn items(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let known: &[&str] = match id.as_str() {
        "entities" => &ENTITY_PARAMETERS,
        "districts" => &DISTRICT_PARAMETERS,
        "relations" => &RELATION_PARAMETERS,
        _ => return no_collection(&id).into_response(),
    };
    let pairs = match parameters(raw, known, &DOCUMENT_FORMATS) {
        Ok(p) => p,
        Err(p) => return p.into_response(),
    };
    let q = match ItemQuery::read(&pairs) {
        Ok(q) => q,
        Err(p) => return p.into_response(),
    };
    let view = s.view();
    let Some((all, boxes)) = view.collection(&id) else {
        return no_collection(&id).into_response();
    };
    // A box asks the R-tree for candidates (in the items' order); the exact
    // test is the same either way.
    let matched: Vec<&Item> = match q.bbox {
        Some(b) => published::meeting(boxes, b)
            .into_iter()
            .map(|k| &all[k])
            .filter(|i| q.matches(i))
            .collect(),
        None => all.iter().filter(|i| q.matches(i)).collect(),
    };
    let page: Vec<&Item> = matched
        .iter()
        .skip(q.offset)
        .take(q.limit)
        .copied()
        .collect();
    // Links keep the other parameters and move `offset`.
    let page_link = |offset: usize, rel: &str, title: &str| {
        let mut kept: Vec<(&str, String)> = pairs
            .iter()
            .filter(|(k, _)| k != "offset" && k != "limit")
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        kept.push(("limit", q.limit.to_string()));
        kept.push(("offset", offset.to_string()));
        let query = serde_urlencoded::to_string(&kept).expect("pairs encode");
        link(
            format!("{}/collections/{id}/items?{query}", s.base),
            rel,
            GEOJSON,
            title,
        )
    };
    let mut links = vec![page_link(q.offset, "self", "This page")];
    if q.offset + page.len() < matched.len() {
        links.push(page_link(q.offset + page.len(), "next", "Next page"));
    }
    if q.offset > 0 {
        links.push(page_link(
            q.offset.saturating_sub(q.limit),
            "prev",
            "Previous page",
        ));
    }
    links.push(link(
        format!("{}/collections/{id}", s.base),
        "collection",
        JSON,
        "The collection",
    ));
    if html_asked(&pairs, &headers) {
        let features: Vec<Value> = page
            .iter()
            .map(|i| serde_json::from_str(&i.json).expect("stored features parse"))
            .collect();
        let head = json!({
            "numberMatched": matched.len(), "numberReturned": page.len(), "links": links,
        });
        let href = |fid: &str| format!("{}/collections/{id}/items/{}", s.base, path_segment(fid));
        return document(HTML, super::html::features(&id, &head, &features, &href));
    }
    let head = json!({
        "type": "FeatureCollection",
        "timeStamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "numberMatched": matched.len(),
        "numberReturned": page.len(),
        "links": links,
    });
    // The features are written once per import; a page is their bytes.
    let mut body = head.to_string();
    body.pop();
    body.push_str(",\"features\":[");
    for (k, item) in page.iter().enumerate() {
        if k > 0 {
            body.push(',');
        }
        body.push_str(&item.json);
    }
    body.push_str("]}");
    document(GEOJSON, body)
}

pub async fn item(
    State(s): State<Arc<Shared>>,
    Path((id, fid)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let html = document_asked(raw, &headers)?;
    let view = s.view();
    let (all, _) = view.collection(&id).ok_or_else(|| no_collection(&id))?;
    // Entities and relations are sorted by id; districts are few.
    let found = if id != "districts" {
        all.binary_search_by(|i| i.id.as_str().cmp(&fid))
            .ok()
            .map(|k| &all[k])
    } else {
        all.iter().find(|i| i.id == fid)
    };
    let found = found.ok_or_else(|| Problem::not_found(format!("no feature '{fid}' in {id}")))?;
    let mut feature: Value = serde_json::from_str(&found.json).expect("stored features parse");
    let href = |path: &str| format!("{}/collections/{id}{path}", s.base);
    let encoded = path_segment(&fid);
    feature["links"] = json!([
        link(
            href(&format!("/items/{encoded}")),
            "self",
            GEOJSON,
            "This feature"
        ),
        link(href(""), "collection", JSON, "The collection"),
    ]);
    if html {
        let title = feature["properties"]["name"]
            .as_str()
            .unwrap_or(&fid)
            .to_string();
        return Ok(document(HTML, super::html::document(&title, &feature)));
    }
    Ok(document(GEOJSON, feature.to_string()))
}

/// An id as one segment of a URL path.
pub fn path_segment(id: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    utf8_percent_encode(id, SEGMENT).to_string()
}

pub async fn not_found() -> Response {
    Problem::not_found("no such path; the API is described at /api").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_are_checked_and_may_cross_the_antimeridian() {
        assert_eq!(
            parse_bbox("11.9,51.4,12.0,51.5").ok(),
            Some([11.9, 51.4, 12.0, 51.5])
        );
        assert_eq!(
            parse_bbox("11.9,51.4,0,12.0,51.5,100").ok(),
            Some([11.9, 51.4, 12.0, 51.5])
        );
        for bad in [
            "",
            "1,2,3",
            "a,b,c,d",
            "NaN,0,1,1",
            "0,60,1,50",
            "0,-91,1,0",
            "181,0,182,1",
        ] {
            assert!(parse_bbox(bad).is_err(), "{bad}");
        }
        let across = [170.0, -10.0, -170.0, 10.0];
        assert!(intersects(across, [175.0, 0.0, 175.0, 0.0]));
        assert!(intersects(across, [-175.0, 0.0, -175.0, 0.0]));
        assert!(!intersects(across, [0.0, 0.0, 0.0, 0.0]));
        assert!(intersects([0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 2.0, 2.0]));
        assert!(!intersects([0.0, 0.0, 1.0, 1.0], [1.1, 0.0, 2.0, 1.0]));
    }
}
