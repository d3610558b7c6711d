//! `index.html`: one self-contained page (no network access) with the tables
//! and the interactive map.

use super::sections::Section;
use super::svg::{Drawing, kind_colour};
use super::text::t;
use crate::export::{Profile, label};
use crate::model::{EntityKind, Lang};
use crate::query::{Atlas, EntityRow};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};
use serde_json::json;
use std::fmt::Write;

const CSS: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// How far around a clicked district the served map asks for records
/// nearby (`/near?target=…&within=`).
const NEAR_METRES: u32 = 500;

/// The Content-Security-Policy the page keeps to when a server sends it:
/// its own style and script (by their SHA-256), data embedded in it, the
/// server's own questions (`connect-src 'self'`: a click on a district asks
/// `/in` and `/near`), and nothing from anywhere else.
pub fn content_security_policy() -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let hash = |text: &str| base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text));
    format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; img-src data:; \
         connect-src 'self'; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        hash(SCRIPT),
        hash(CSS)
    )
}

/// Everything the page shows.
pub struct Page<'a> {
    pub atlas: &'a Atlas,
    pub rows: &'a [EntityRow],
    pub sections: &'a [Section],
    pub drawing: &'a Drawing,
    pub level: &'a str,
    pub lang: Lang,
    pub profile: Profile,
    pub generated: &'a str,
    /// Served by `stadtatlas serve` (`None`: the bundle's file).
    pub served: Option<super::Served>,
}

/// The details the map's script shows on click for one entity.
#[derive(serde::Serialize)]
struct Detail<'a> {
    name: &'a str,
    kind: String,
    category: Option<String>,
    fields: String,
    districts: String,
    address: &'a Option<String>,
    website: &'a Option<String>,
    status: Option<String>,
    source: &'a Option<String>,
}

/// The entities' details by id, made as they are written: a store's worth
/// of rows is never held as a JSON tree.
struct Details<'p, 'a>(&'p Page<'a>);

impl serde::Serialize for Details<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let lang = p.lang;
        serializer.collect_map(p.rows.iter().map(|r| {
            let e = &p.atlas.entities[r.index];
            let fields: Vec<&str> = r
                .fields
                .iter()
                .map(|f| p.atlas.vocabulary.field_label(f, lang))
                .collect();
            let districts: Vec<String> = r
                .districts
                .iter()
                .map(|(l, n)| format!("{l}: {n}"))
                .collect();
            let detail = Detail {
                name: &r.name,
                kind: label(r.kind.as_str(), lang),
                category: r
                    .category
                    .as_deref()
                    .and_then(|c| p.atlas.vocabulary.category(c))
                    .map(|c| c.label(lang).to_string()),
                fields: fields.join(", "),
                districts: districts.join("; "),
                address: &e.address,
                website: &e.website,
                status: e.status.map(|s| s.to_string()),
                source: &e.source,
            };
            (&r.id, detail)
        }))
    }
}

/// What the page's script reads, in this order.
#[derive(serde::Serialize)]
struct Data<'p, 'a> {
    entities: Details<'p, 'a>,
    labels: serde_json::Value,
    level: &'a str,
    near_m: u32,
    pick: &'a Option<super::svg::Picking>,
    served: bool,
    proposals: bool,
}

/// The entity details the map's script shows on click, as JSON that is safe
/// inside a `<script>` element.
fn data_json(p: &Page<'_>) -> String {
    let lang = p.lang;
    let labels = json!({
        "kind": label("kind", lang), "category": label("category", lang), "fields": label("fields", lang),
        "districts": label("district", lang), "address": if lang == Lang::De { "Adresse" } else { "address" },
        "website": "Website", "status": "Status", "source": label("source", lang),
        "count": label("entities", lang), "population": label("population", lang),
        "provisional": label("provisional", lang), "yes": if lang == Lang::De { "ja" } else { "yes" },
        "inside": if lang == Lang::De { "Im Gebiet" } else { "inside" },
        "near": if lang == Lang::De { format!("In der Nähe (bis {NEAR_METRES} m)") } else { format!("nearby (up to {NEAR_METRES} m)") },
        "more": if lang == Lang::De { "weitere" } else { "more" },
        "failed": if lang == Lang::De { "Abfrage fehlgeschlagen" } else { "question failed" },
        "propose": if lang == Lang::De { "Hier einen Eintrag vorschlagen" } else { "propose an entry here" },
    });
    serde_json::to_string(&Data {
        entities: Details(p),
        labels,
        level: p.level,
        near_m: NEAR_METRES,
        pick: &p.drawing.picking,
        served: p.served.is_some(),
        proposals: p.served.is_some_and(|s| s.proposals),
    })
    .expect("JSON of strings")
    // Every `<` as a JSON escape: no `</script>` ends the element and no
    // `<!--` or `<script` switches the parser into an escaped state.
    .replace('<', "\\u003c")
}

/// Renders the page.
pub fn render(p: &Page<'_>) -> String {
    let lang = p.lang;
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}</title><style>{CSS}</style></head><body><header><h1>{}</h1>",
        if lang == Lang::De { "de" } else { "en" },
        esc(t("title", lang)),
        esc(t("title", lang)),
    );
    if p.profile == Profile::Internal {
        let _ = write!(
            s,
            "<p class=\"banner internal\">{}</p>",
            esc(t("internal", lang))
        );
    }
    if p.atlas.has_provisional_districts() {
        let _ = write!(
            s,
            "<p class=\"banner provisional\">{} <small>({})</small></p>",
            esc(t("provisional", lang)),
            esc(p.atlas.provisional_notice().unwrap_or_default())
        );
    }
    let _ = write!(
        s,
        "<p class=\"note\">{}: {} · {}</p></header>",
        esc(t("level", lang)),
        esc(p.level),
        esc(p.generated)
    );

    let _ = write!(
        s,
        "<section id=\"map-section\"><h2>{}</h2><p class=\"note\">{}</p><div class=\"mapwrap\"><div id=\"mapbox\">{}</div><aside id=\"toggles\"><h3>{}</h3>",
        esc(t("map", lang)),
        esc(t("details_hint", lang)),
        p.drawing.svg,
        esc(t("kinds", lang))
    );
    for kind in EntityKind::ALL {
        let _ = write!(
            s,
            // The colour as an SVG fill, not a style attribute: a served page's
            // policy lets no inline style run.
            "<label><input type=\"checkbox\" checked data-kind=\"1\" value=\"{}\"><svg class=\"dot\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><circle cx=\"5\" cy=\"5\" r=\"5\" fill=\"{}\"/></svg>{}</label>",
            kind,
            kind_colour(kind),
            esc(&label(kind.as_str(), lang))
        );
    }
    let _ = write!(s, "<h3>{}</h3>", esc(t("fields", lang)));
    for f in &p.atlas.vocabulary.fields {
        let _ = write!(
            s,
            "<label><input type=\"checkbox\" checked value=\"{}\">{}</label>",
            attr(&f.id),
            esc(f.label(lang))
        );
    }
    let _ = write!(
        s,
        "<label><input type=\"checkbox\" checked value=\"-\">{}</label>",
        esc(t("no_field", lang))
    );
    let _ = write!(
        s,
        "<h3>{}</h3><label><input type=\"checkbox\" checked id=\"toggle-links\">{}</label>",
        esc(t("network", lang)),
        esc(t("links", lang))
    );
    let _ = write!(
        s,
        "<p><button id=\"reset\" type=\"button\">{}</button></p><div id=\"details\"></div></aside></div>",
        esc(t("reset", lang))
    );
    if !p.drawing.outside_frame.is_empty() {
        let _ = write!(
            s,
            "<p class=\"note\" id=\"outside-frame\" data-count=\"{}\">{} {}: {}</p>",
            p.drawing.outside_frame.len(),
            p.drawing.outside_frame.len(),
            esc(t("outside_frame", lang)),
            esc(&p.drawing.outside_frame.join("; "))
        );
    }
    s.push_str("</section>");

    for section in p.sections {
        let _ = write!(
            s,
            "<section id=\"{}\"><h2>{}</h2>",
            attr(section.key),
            esc(&section.title)
        );
        match (section.grid.rows.is_empty(), section.empty_text) {
            (true, Some(text)) => {
                let _ = write!(s, "<p>{}</p>", esc(text));
            }
            _ => s.push_str(&section.grid.to_html()),
        }
        s.push_str("</section>");
    }
    let _ = write!(
        s,
        "<footer class=\"note\"><p>{} · {}</p></footer><script type=\"application/json\" id=\"atlas-data\">{}</script><script>{SCRIPT}</script></body></html>",
        esc(t("generated", lang)),
        esc(p.generated),
        data_json(p)
    );
    s
}
