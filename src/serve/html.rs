//! HTML views of the API's documents (`f=html`, or a browser's `Accept:
//! text/html`): the same content as the JSON, every value escaped, links
//! only to http(s) addresses, no script and no style.

use html_escape::encode_double_quoted_attribute as attr;
pub use html_escape::encode_text as esc;
use serde_json::Value;
use std::fmt::Write;

/// A page of the server's own (forms, the queue): the title and `body`,
/// with links to the map and, unless the server is `read_only` (it then
/// takes no proposals and no logins), to the form and the queue.
pub fn page_with(title: &str, body: &str, read_only: bool) -> String {
    let open = if read_only {
        ""
    } else {
        " · <a href=\"/register\">Eintrag vorschlagen</a> · <a href=\"/moderation\">Moderation</a>"
    };
    page(
        title,
        &format!("<nav><a href=\"/\">Start</a> · <a href=\"/map\">Karte</a>{open}</nav>{body}"),
    )
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{}</title></head>\
         <body><h1>{}</h1>{body}</body></html>",
        esc(title),
        esc(title)
    )
}

/// One web address and nothing else (a source that lists several stays text).
fn is_web(s: &str) -> bool {
    (s.starts_with("http://") || s.starts_with("https://")) && !s.contains(char::is_whitespace)
}

fn link_list(links: &[Value]) -> String {
    let mut s = String::from("<ul>");
    for l in links {
        let href = l["href"].as_str().unwrap_or_default();
        let title = l["title"].as_str().unwrap_or(href);
        let rel = l["rel"].as_str().unwrap_or_default();
        if is_web(href) {
            let _ = write!(
                s,
                "<li><a href=\"{}\">{}</a> <small>({})</small></li>",
                attr(href),
                esc(title),
                esc(rel)
            );
        }
    }
    s.push_str("</ul>");
    s
}

/// A JSON value as nested lists; `links` arrays as lists of anchors.
fn value(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let mut s = String::from("<dl>");
            for (k, v) in map {
                let inner = match (k.as_str(), v) {
                    ("links", Value::Array(links)) => link_list(links),
                    _ => value(v),
                };
                let _ = write!(s, "<dt>{}</dt><dd>{inner}</dd>", esc(k));
            }
            s.push_str("</dl>");
            s
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            items.iter().map(value).collect::<Vec<_>>().join(", ")
        }
        Value::Array(items) => {
            let mut s = String::from("<ol>");
            for i in items {
                let _ = write!(s, "<li>{}</li>", value(i));
            }
            s.push_str("</ol>");
            s
        }
        Value::String(text) if is_web(text) => {
            format!("<a href=\"{}\">{}</a>", attr(text), esc(text))
        }
        Value::String(text) => esc(text).to_string(),
        Value::Null => String::from("–"),
        other => esc(&other.to_string()).to_string(),
    }
}

/// A document (landing page, conformance, collections, one collection).
pub fn document(title: &str, doc: &Value) -> String {
    page(title, &value(doc))
}

/// A question's answer (`/in`, `/near`, …): a list of records as a table,
/// a column per key in the order they first appear, nested values as
/// lists; any other answer as a document. `nothing` when the list is empty.
pub fn answer(question: &str, answer: &Value) -> String {
    let title = format!("Frage: {question}");
    let Some(rows) = answer
        .as_array()
        .filter(|rows| rows.iter().all(Value::is_object))
    else {
        return page(&title, &value(answer));
    };
    if rows.is_empty() {
        return page(&title, "<p>Keine Einträge.</p>");
    }
    let mut keys: Vec<&str> = Vec::new();
    for row in rows {
        for k in row.as_object().into_iter().flat_map(|o| o.keys()) {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
    }
    let mut t = String::from("<table><thead><tr>");
    for k in &keys {
        let _ = write!(t, "<th>{}</th>", esc(k));
    }
    t.push_str("</tr></thead><tbody>");
    for row in rows {
        t.push_str("<tr>");
        for k in &keys {
            let cell = row.get(*k).map_or_else(String::new, value);
            let _ = write!(t, "<td>{cell}</td>");
        }
        t.push_str("</tr>");
    }
    let _ = write!(t, "</tbody></table><p>{} Zeilen</p>", rows.len());
    page(&title, &t)
}

/// The columns of a page of entities or districts.
const RECORD_COLUMNS: [(&str, &[&str]); 6] = [
    ("Name", &["name"]),
    ("Art", &["kind", "level"]),
    ("Kategorie", &["category"]),
    ("Handlungsfelder", &["fields"]),
    ("Gebiete", &["districts", "parent"]),
    ("Quelle", &["source"]),
];

/// The columns of a page of relations.
const RELATION_COLUMNS: [(&str, &[&str]); 5] = [
    ("Von", &["from_name", "from"]),
    ("Rolle", &["role"]),
    ("An", &["to_name", "to"]),
    ("Handlungsfeld", &["field"]),
    ("Quelle", &["source"]),
];

/// A page of features as a table, with the paging links above it.
pub fn features(
    title: &str,
    head: &Value,
    features: &[Value],
    item_href: &dyn Fn(&str) -> String,
) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<p>{} von {}</p>",
        head["numberReturned"], head["numberMatched"]
    );
    if let Some(links) = head["links"].as_array() {
        s.push_str(&link_list(links));
    }
    // Each column: its header and the properties it shows (the first there).
    let columns: &[(&str, &[&str])] = if features
        .iter()
        .any(|f| f["properties"].get("role").is_some())
    {
        &RELATION_COLUMNS
    } else {
        &RECORD_COLUMNS
    };
    s.push_str("<table><thead><tr><th>id</th>");
    for (header, _) in columns {
        let _ = write!(s, "<th>{}</th>", esc(header));
    }
    s.push_str("</tr></thead><tbody>");
    for f in features {
        let id = f["id"].as_str().unwrap_or_default();
        let p = &f["properties"];
        let _ = write!(
            s,
            "<tr><td><a href=\"{}\">{}</a></td>",
            attr(&item_href(id)),
            esc(id)
        );
        for (_, keys) in columns {
            let shown = keys
                .iter()
                .find(|k| p.get(**k).is_some())
                .unwrap_or(&keys[0]);
            let _ = write!(s, "<td>{}</td>", value(&p[*shown]));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    page(title, &s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_text_and_only_web_addresses_are_links() {
        let doc = json!({
            "name": "<script>alert(1)</script>",
            "links": [
                {"href": "javascript:alert(1)", "rel": "x", "title": "bad"},
                {"href": "http://127.0.0.1/a?b=1&c=\"2\"", "rel": "self", "title": "<i>ok</i>"},
            ],
            "website": "javascript:alert(2)",
        });
        let html = document("T<", &doc);
        assert!(!html.contains("<script>") && !html.contains("<i>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("href=\"javascript:"));
        assert!(html.contains("href=\"http://127.0.0.1/a?b=1&amp;c=&quot;2&quot;\""));
    }
}
