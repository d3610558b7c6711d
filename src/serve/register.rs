//! `/register`: an organisation or initiative proposes itself or a
//! correction of its record. A German form that works without script; a
//! submission goes into the moderation queue, never into the inventory.
//!
//! Defences: a CSRF token in a cookie and the form (double submit), the
//! `Origin` check, a size limit on the body (the router's), a rate limit
//! per client, and a honeypot field that people do not see: a post that
//! fills it gets the same thanks and stores nothing.

use super::html::{esc, page_with};
use super::people::{self, FORM_COOKIE};
use super::{Shared, private_page};
use crate::moderation::{self, CONSENT_TEXT, FieldError};
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use html_escape::encode_double_quoted_attribute as attr;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The honeypot's field name: a plausible one, hidden from people.
pub const HONEYPOT: &str = "homepage";

/// What the form shows again after a refusal.
type Values = Vec<(String, String)>;

fn value<'a>(values: &'a Values, field: &str) -> &'a str {
    values
        .iter()
        .find(|(k, _)| k == field)
        .map_or("", |(_, v)| v.as_str())
}

fn input(values: &Values, field: &str, label: &str, kind: &str, extra: &str) -> String {
    format!(
        "<p><label for=\"{field}\">{}</label><br><input type=\"{kind}\" id=\"{field}\" \
         name=\"{field}\" value=\"{}\"{extra}></p>",
        esc(label),
        attr(value(values, field))
    )
}

/// The form, filled with `values`, with `errors` above it.
fn form(s: &Shared, csrf: &str, values: &Values, errors: &[FieldError]) -> String {
    let view = s.view();
    let vocabulary = &view.atlas.vocabulary;
    let mut b = String::new();
    b.push_str(
        "<p>Hier können Organisationen, Einrichtungen und Initiativen aus Halle (Saale) \
         sich für den Smart-City-Atlas vorschlagen oder eine Korrektur ihres Eintrags melden. \
         Die Smart-City-Koordination prüft jeden Vorschlag, bevor er im Atlas erscheint.</p>",
    );
    if !errors.is_empty() {
        b.push_str("<div role=\"alert\"><h2>Bitte prüfen</h2><ul>");
        for e in errors {
            let _ = write!(b, "<li>{}: {}</li>", esc(&e.field), esc(&e.message));
        }
        b.push_str("</ul></div>");
    }
    let _ = write!(
        b,
        "<form method=\"post\" action=\"/register\" accept-charset=\"utf-8\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        attr(csrf)
    );
    b.push_str("<fieldset><legend>Eintrag</legend>");
    b.push_str(&input(
        values,
        "name",
        "Name der Organisation oder Initiative",
        "text",
        " required maxlength=\"200\"",
    ));
    let kind = value(values, "kind");
    b.push_str("<p><label for=\"kind\">Art</label><br><select id=\"kind\" name=\"kind\">");
    for (k, label) in [
        ("partner", "Partner (Einrichtung, Unternehmen, Verein)"),
        ("initiative", "Initiative"),
        ("project", "Projekt"),
    ] {
        let selected = if kind == k { " selected" } else { "" };
        let _ = write!(b, "<option value=\"{k}\"{selected}>{}</option>", esc(label));
    }
    b.push_str("</select></p>");
    let category = value(values, "category");
    b.push_str("<p><label for=\"category\">Kategorie</label><br><select id=\"category\" name=\"category\"><option value=\"\">–</option>");
    for t in &vocabulary.categories {
        let selected = if category == t.id { " selected" } else { "" };
        let _ = write!(
            b,
            "<option value=\"{}\"{selected}>{}</option>",
            attr(&t.id),
            esc(&t.de)
        );
    }
    b.push_str("</select></p><fieldset><legend>Handlungsfelder</legend>");
    for t in &vocabulary.fields {
        let checked = if values.iter().any(|(k, v)| k == "fields" && *v == t.id) {
            " checked"
        } else {
            ""
        };
        let _ = write!(
            b,
            "<label><input type=\"checkbox\" name=\"fields\" value=\"{}\"{checked}> {}</label><br>",
            attr(&t.id),
            esc(&t.de)
        );
    }
    b.push_str("</fieldset>");
    b.push_str(&input(
        values,
        "address",
        "Anschrift (Straße, Hausnummer, PLZ Ort)",
        "text",
        " maxlength=\"300\"",
    ));
    b.push_str(
        "<p>Oder einen Punkt (WGS 84, Dezimalgrad, z. B. von der <a href=\"/map\">Karte</a>):</p>",
    );
    b.push_str(&input(
        values,
        "lon",
        "Länge (z. B. 11.9695)",
        "text",
        " inputmode=\"decimal\"",
    ));
    b.push_str(&input(
        values,
        "lat",
        "Breite (z. B. 51.4826)",
        "text",
        " inputmode=\"decimal\"",
    ));
    b.push_str(&input(
        values,
        "website",
        "Website",
        "url",
        " maxlength=\"300\"",
    ));
    let _ = write!(
        b,
        "<p><label for=\"description\">Beschreibung</label><br><textarea id=\"description\" \
         name=\"description\" rows=\"5\" cols=\"60\" maxlength=\"2000\">{}</textarea></p>",
        esc(value(values, "description"))
    );
    b.push_str(&input(
        values,
        "correction_of",
        "Korrektur zu Eintrag (Kennung aus dem Atlas; leer für einen neuen Eintrag)",
        "text",
        " maxlength=\"200\"",
    ));
    b.push_str("</fieldset><fieldset><legend>Kontaktperson (freiwillig, wird nicht veröffentlicht)</legend>");
    b.push_str(&input(
        values,
        "contact_name",
        "Name",
        "text",
        " maxlength=\"200\"",
    ));
    b.push_str(&input(
        values,
        "contact_role",
        "Funktion",
        "text",
        " maxlength=\"200\"",
    ));
    b.push_str(&input(
        values,
        "contact_email",
        "E-Mail",
        "email",
        " maxlength=\"200\"",
    ));
    b.push_str(&input(
        values,
        "contact_phone",
        "Telefon",
        "tel",
        " maxlength=\"50\"",
    ));
    let consent = if value(values, "consent") == "yes" {
        " checked"
    } else {
        ""
    };
    let _ = write!(
        b,
        "<p><label><input type=\"checkbox\" name=\"consent\" value=\"yes\"{consent}> {}</label></p>",
        esc(CONSENT_TEXT)
    );
    b.push_str("</fieldset>");
    // The honeypot: hidden from people (and from screen readers), filled by bots.
    let _ = write!(
        b,
        "<div hidden aria-hidden=\"true\"><label for=\"{HONEYPOT}\">Bitte leer lassen</label>\
         <input type=\"text\" id=\"{HONEYPOT}\" name=\"{HONEYPOT}\" tabindex=\"-1\" autocomplete=\"off\"></div>"
    );
    b.push_str("<p><button type=\"submit\">Vorschlag senden</button></p></form>");
    page_with("Eintrag vorschlagen", &b, s.read_only)
}

/// The page with a fresh CSRF token in its form and cookie.
fn form_response(
    s: &Shared,
    status: StatusCode,
    values: &Values,
    errors: &[FieldError],
) -> Response {
    let csrf = crate::access::random_secret();
    let mut r = private_page(status, form(s, &csrf, values, errors));
    r.headers_mut().append(
        header::SET_COOKIE,
        people::set_cookie(s, FORM_COOKIE, &csrf, Duration::from_secs(3600)),
    );
    r
}

fn closed() -> Response {
    private_page(
        StatusCode::FORBIDDEN,
        page_with(
            "Eintrag vorschlagen",
            "<p>Dieser Server nimmt keine Vorschläge an (nur lesend).</p>",
            true,
        ),
    )
}

/// `GET /register` (`?lon=…&lat=…` fills the point, e.g. from the map).
pub async fn show(State(s): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Response {
    if s.read_only {
        return closed();
    }
    let pairs: Values = q
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let values: Values = pairs
        .into_iter()
        .filter(|(k, v)| matches!(k.as_str(), "lon" | "lat" | "correction_of") && v.len() <= 200)
        .collect();
    form_response(&s, StatusCode::OK, &values, &[])
}

/// A refusal of the whole post, as a page.
fn refused(status: StatusCode, why: &str) -> Response {
    private_page(
        status,
        page_with(
            "Vorschlag nicht angenommen",
            &format!(
                "<p>{}</p><p><a href=\"/register\">Zurück zum Formular</a></p>",
                esc(why)
            ),
            false,
        ),
    )
}

fn thanks(id: Option<i64>) -> Response {
    let number = id.map(|i| format!(" (Nummer {i})")).unwrap_or_default();
    private_page(
        StatusCode::OK,
        page_with(
            "Vielen Dank",
            &format!(
                "<p>Ihr Vorschlag{} ist eingegangen. Die Smart-City-Koordination prüft ihn; \
                 erst danach erscheint er im Atlas.</p>",
                esc(&number)
            ),
            false,
        ),
    )
}

/// `POST /register`.
pub async fn submit(
    State(s): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if s.read_only {
        return closed();
    }
    if let Err(p) = people::same_origin(&s, &headers) {
        return p.into_response();
    }
    let client = people::client(&s, peer, &headers);
    if let Err(wait) = s.limiter.attempt(client, "register") {
        let mut r = refused(
            StatusCode::TOO_MANY_REQUESTS,
            &format!(
                "Zu viele Vorschläge von dieser Adresse; bitte in {wait} Sekunden erneut versuchen."
            ),
        );
        if let Ok(v) = wait.to_string().parse() {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Das Formular wird als application/x-www-form-urlencoded gesendet.",
        );
    }
    let Ok(mut pairs) = serde_urlencoded::from_bytes::<Values>(&body) else {
        return refused(StatusCode::BAD_REQUEST, "Das Formular ist nicht lesbar.");
    };
    let sent = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone());
    let expected = people::cookie(&headers, FORM_COOKIE);
    let csrf_ok = matches!((&sent, expected), (Some(a), Some(b)) if people::same_secret(a, b));
    if !csrf_ok {
        return refused(
            StatusCode::FORBIDDEN,
            "Das Formular ist abgelaufen oder kam nicht von dieser Seite; bitte erneut ausfüllen.",
        );
    }
    let honey = pairs
        .iter()
        .any(|(k, v)| k == HONEYPOT && !v.trim().is_empty());
    pairs.retain(|(k, _)| k != "csrf" && k != HONEYPOT);
    if honey {
        super::event(
            serde_json::json!({"event": "registration honeypot", "client": client.to_string()}),
        );
        return thanks(None);
    }
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (vocabulary, area) = {
        let view = s.view();
        (view.atlas.vocabulary.clone(), view.area)
    };
    let form = match moderation::read_form(&pairs, &vocabulary, area, &now) {
        Ok(form) => form,
        Err(errors) => return form_response(&s, StatusCode::UNPROCESSABLE_ENTITY, &pairs, &errors),
    };
    let location = s.location.clone();
    let stored = tokio::task::spawn_blocking(move || {
        moderation::submit(
            &location,
            &form.proposal,
            form.contact.as_ref(),
            form.consent.as_ref(),
        )
    })
    .await;
    match stored {
        Ok(Ok(id)) => {
            super::event(serde_json::json!({"event": "submission received", "submission": id}));
            thanks(Some(id))
        }
        Ok(Err(moderation::ModerationError::NoSuchRecord(id))) => form_response(
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            &pairs,
            &[FieldError {
                field: "correction_of".into(),
                message: format!("Der Atlas hat keinen Eintrag „{id}“"),
            }],
        ),
        Ok(Err(e)) => {
            super::event(serde_json::json!({"event": "submission failed", "error": e.to_string()}));
            refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "Der Vorschlag konnte nicht gespeichert werden; bitte später erneut versuchen.",
            )
        }
        Err(e) => refused(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}
