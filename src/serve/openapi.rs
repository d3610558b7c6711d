//! The OpenAPI 3.0 definition of the server (`/api`), as OGC API –
//! Features asks: every path, every query parameter with its type and
//! range, the responses and their media types.

use super::ogc::{DEFAULT_LIMIT, GEOJSON, JSON, MAX_LIMIT, OPENAPI};
use serde_json::{Value, json};

fn parameter(name: &str, description: &str, schema: Value) -> Value {
    json!({
        "name": name, "in": "query", "required": false, "description": description,
        "schema": schema, "style": "form", "explode": false,
    })
}

fn response(description: &str, media: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "content": {media: {"schema": {"$ref": format!("#/components/schemas/{schema}")}}},
    })
}

fn problem() -> Value {
    response(
        "The request was not understood or nothing is there",
        JSON,
        "exception",
    )
}

fn get(summary: &str, operation: &str, parameters: Vec<Value>, ok: Value) -> Value {
    let mut parameters = parameters;
    if !parameters.iter().any(|p| p["name"] == "f") {
        parameters.push(parameter(
            "f",
            "The format of the answer: JSON only",
            json!({"type": "string", "enum": ["json"]}),
        ));
    }
    json!({"get": {
        "summary": summary,
        "operationId": operation,
        "parameters": parameters,
        "responses": {"200": ok, "400": problem(), "404": problem()},
    }})
}

/// The definition, with `base` as its server.
pub fn document(base: &str, title: &str) -> Value {
    let list = |d: &str| {
        parameter(
            d,
            &format!("Any of these {d} values, comma-separated"),
            json!({"type": "array", "items": {"type": "string"}}),
        )
    };
    let collection_id = json!({
        "name": "collectionId", "in": "path", "required": true,
        "schema": {"type": "string", "enum": ["entities", "districts", "relations"]},
    });
    let feature_id = json!({
        "name": "featureId", "in": "path", "required": true, "schema": {"type": "string"},
    });
    let mut items_parameters = vec![
        collection_id.clone(),
        parameter(
            "bbox",
            "Features whose geometry meets this box: west,south,east,north in CRS84 \
             (six numbers with heights); west > east crosses the antimeridian",
            json!({"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}),
        ),
        parameter(
            "limit",
            "Features per page",
            json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
        ),
        parameter(
            "offset",
            "Features to skip (the `next` link sets it)",
            json!({"type": "integer", "minimum": 0, "default": 0}),
        ),
    ];
    for name in [
        "kind", "role", "field", "category", "status", "district", "level",
    ] {
        items_parameters.push(list(name));
    }
    let link = json!({
        "type": "object", "required": ["href"],
        "properties": {
            "href": {"type": "string"}, "rel": {"type": "string"},
            "type": {"type": "string"}, "title": {"type": "string"},
        },
    });
    let links = json!({"type": "array", "items": {"$ref": "#/components/schemas/link"}});
    let mut paths = json!({});
    let text = |name: &str, d: &str| parameter(name, d, json!({"type": "string"}));
    let filters = || {
        ["kind", "field", "category", "status", "tag"]
            .into_iter()
            .map(&list)
            .collect::<Vec<_>>()
    };
    let question = |summary: &str, op: &str, mut ps: Vec<Value>, filtered: bool| {
        if filtered {
            ps.extend(filters());
        }
        ps.push(parameter(
            "f",
            "The format of the answer: JSON, or an HTML view (also for a browser's Accept: text/html)",
            json!({"type": "string", "enum": ["json", "html"]}),
        ));
        get(
            summary,
            op,
            ps,
            json!({
                "description": "The answer, as `stadtatlas … --format json` prints it, or its HTML view",
                "content": {JSON: {"schema": {}}, super::ogc::HTML: {"schema": {"type": "string"}}},
            }),
        )
    };
    paths["/where"] = question(
        "Districts of a place or an entity, every level",
        "where",
        vec![text("target", "LON,LAT or an entity id")],
        false,
    );
    paths["/in"] = question(
        "Entities in districts",
        "in",
        vec![
            text("district", "A district's id, name or alias (repeatable)"),
            text("level", "The district level"),
        ],
        true,
    );
    paths["/near"] = question(
        "Entities near a place, an entity or a district",
        "near",
        vec![
            text("at", "LON,LAT"),
            text("target", "An entity id or a district name"),
            text("level", "The district level of target"),
            parameter("within", "Metres", json!({"type": "number", "minimum": 0})),
            parameter(
                "nearest",
                "How many",
                json!({"type": "integer", "minimum": 0}),
            ),
        ],
        true,
    );
    paths["/matrix"] = question(
        "Entities per district and field (or category, kind, status)",
        "matrix",
        vec![
            text("level", "The district level"),
            parameter(
                "by",
                "What the columns count",
                json!({"type": "string",
                "enum": ["field", "category", "kind", "status"]}),
            ),
            parameter(
                "per_capita",
                "Per 10,000 inhabitants",
                json!({"type": "boolean"}),
            ),
        ],
        true,
    );
    paths["/gaps"] = question(
        "(district, field) pairs without any entity",
        "gaps",
        vec![text("level", "The district level")],
        true,
    );
    paths["/districts"] = question(
        "The districts with their entity counts",
        "districts",
        vec![text("level", "The district level")],
        true,
    );
    paths["/network"] = question(
        "Relations between entities",
        "network",
        vec![
            text("id", "Focus on this entity"),
            parameter(
                "depth",
                "Links to follow",
                json!({"type": "integer", "minimum": 0}),
            ),
        ],
        false,
    );
    let mut board = question(
        "A body's coverage of the council's requirement (June 2020)",
        "boardCheck",
        vec![
            list("with"),
            parameter(
                "lang",
                "Labels",
                json!({"type": "string", "enum": ["de", "en"]}),
            ),
        ],
        false,
    );
    board["get"]["parameters"]
        .as_array_mut()
        .expect("a list")
        .push(json!({
            "name": "body", "in": "path", "required": true, "schema": {"type": "string"},
        }));
    paths["/board/{body}/check"] = board;
    for (path, item) in [
        (
            "/",
            get(
                "Landing page",
                "getLandingPage",
                vec![],
                response(
                    "Links to the API, conformance and collections",
                    JSON,
                    "landingPage",
                ),
            ),
        ),
        (
            "/conformance",
            get(
                "Conformance classes",
                "getConformance",
                vec![],
                response("The conformance classes", JSON, "confClasses"),
            ),
        ),
        (
            "/api",
            get(
                "This API definition",
                "getApi",
                vec![],
                json!({"description": "OpenAPI 3.0", "content": {OPENAPI: {}}}),
            ),
        ),
        (
            "/collections",
            get(
                "The collections",
                "getCollections",
                vec![],
                response("Every collection", JSON, "collections"),
            ),
        ),
        (
            "/collections/{collectionId}",
            get(
                "One collection",
                "describeCollection",
                vec![collection_id.clone()],
                response("The collection", JSON, "collection"),
            ),
        ),
        (
            "/collections/{collectionId}/items",
            get(
                "Features of a collection",
                "getFeatures",
                items_parameters,
                response("A page of features", GEOJSON, "featureCollection"),
            ),
        ),
        (
            "/collections/{collectionId}/items/{featureId}",
            get(
                "One feature",
                "getFeature",
                vec![collection_id, feature_id],
                response("The feature", GEOJSON, "feature"),
            ),
        ),
    ] {
        paths[path] = item;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": title,
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The Smart City stakeholder inventory as OGC API – Features \
                            (public profile: no contact persons, no internal records).",
        },
        "servers": [{"url": base}],
        "paths": paths,
        "components": {"schemas": {
            "exception": {
                "type": "object", "required": ["code"],
                "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
            },
            "link": link,
            "landingPage": {
                "type": "object", "required": ["links"],
                "properties": {"title": {"type": "string"}, "description": {"type": "string"},
                               "links": links},
            },
            "confClasses": {
                "type": "object", "required": ["conformsTo"],
                "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
            },
            "collection": {
                "type": "object", "required": ["id", "links"],
                "properties": {
                    "id": {"type": "string"}, "title": {"type": "string"},
                    "description": {"type": "string"}, "links": links,
                    "itemType": {"type": "string"},
                    "crs": {"type": "array", "items": {"type": "string"}},
                    "extent": {"type": "object"},
                },
            },
            "collections": {
                "type": "object", "required": ["links", "collections"],
                "properties": {
                    "links": links,
                    "collections": {"type": "array",
                                    "items": {"$ref": "#/components/schemas/collection"}},
                },
            },
            "feature": {
                "type": "object", "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "string"},
                    "geometry": {"type": "object", "nullable": true},
                    "properties": {"type": "object", "nullable": true},
                    "links": links,
                },
            },
            "featureCollection": {
                "type": "object", "required": ["type", "features"],
                "properties": {
                    "type": {"type": "string", "enum": ["FeatureCollection"]},
                    "features": {"type": "array", "items": {"$ref": "#/components/schemas/feature"}},
                    "links": links,
                    "timeStamp": {"type": "string", "format": "date-time"},
                    "numberMatched": {"type": "integer", "minimum": 0},
                    "numberReturned": {"type": "integer", "minimum": 0},
                },
            },
        }},
    })
}
