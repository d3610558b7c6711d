//! Logging in, and the moderation queue on the web: viewers see it
//! (without contact persons), coordinators see everything and approve or
//! reject. Scripts use the same paths with an API token and get JSON.
//! Decisions go through [`crate::moderation`], as on the command line.

use super::html::{esc, page_with};
use super::ogc::Problem;
use super::people::{self, Caller, FORM_COOKIE, SESSION_COOKIE, SESSION_LIFETIME};
use super::{Shared, private_page};
use crate::access::{self, Role};
use crate::moderation::{self, Lookalike, ModerationError, Status, Submission};
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use html_escape::encode_double_quoted_attribute as attr;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

type Values = Vec<(String, String)>;

fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    r.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(to).expect("paths are ASCII"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn login_form(s: &Shared, csrf: &str, failed: bool) -> Response {
    let mut b = String::new();
    if failed {
        b.push_str("<p role=\"alert\">Name oder Passwort falsch.</p>");
    }
    let _ = write!(
        b,
        "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <p><label for=\"name\">Name</label><br><input id=\"name\" name=\"name\" autocomplete=\"username\" required></p>\
         <p><label for=\"password\">Passwort</label><br><input id=\"password\" name=\"password\" type=\"password\" \
         autocomplete=\"current-password\" required></p><p><button type=\"submit\">Anmelden</button></p></form>",
        attr(csrf)
    );
    let status = if failed {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    let mut r = private_page(status, page_with("Anmelden", &b, s.read_only));
    r.headers_mut().append(
        header::SET_COOKIE,
        people::set_cookie(s, FORM_COOKIE, csrf, Duration::from_secs(3600)),
    );
    r
}

fn read_only_problem() -> Problem {
    Problem::new(
        StatusCode::FORBIDDEN,
        "ReadOnly",
        "this server only reads (--read-only)".into(),
    )
}

fn read_only() -> Response {
    read_only_problem().into_response()
}

/// `GET /login`.
pub async fn login_page(State(s): State<Arc<Shared>>) -> Response {
    if s.read_only {
        return read_only();
    }
    login_form(&s, &access::random_secret(), false)
}

fn form_pairs(headers: &HeaderMap, body: &[u8]) -> Result<Values, Problem> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "send application/x-www-form-urlencoded".into(),
        ));
    }
    serde_urlencoded::from_bytes(body)
        .map_err(|e| Problem::bad_request(format!("the form cannot be read: {e}")))
}

fn field<'a>(pairs: &'a Values, name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn csrf_refused() -> Problem {
    Problem::new(
        StatusCode::FORBIDDEN,
        "Forbidden",
        "the form's token is missing or stale; load the page again".into(),
    )
}

/// `POST /login`.
pub async fn login(
    State(s): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, Problem> {
    if s.read_only {
        return Ok(read_only());
    }
    people::same_origin(&s, &headers)?;
    let client = people::client(&s, peer, &headers);
    if let Err(wait) = s.limiter.attempt(client, "login") {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            format!("too many logins from this address; try again in {wait} s"),
        ));
    }
    let pairs = form_pairs(&headers, &body)?;
    let sent = field(&pairs, "csrf").unwrap_or_default();
    if !people::cookie(&headers, FORM_COOKIE).is_some_and(|c| people::same_secret(c, sent)) {
        return Err(csrf_refused());
    }
    let name = field(&pairs, "name").unwrap_or_default().trim().to_string();
    let password = field(&pairs, "password").unwrap_or_default().to_string();
    if name.len() > 64 || password.len() > 1024 {
        return Ok(login_form(&s, &access::random_secret(), true));
    }
    let location = s.location.clone();
    let account = tokio::task::spawn_blocking(move || {
        let accounts = location
            .open_for_reading()
            .and_then(|store| store.accounts())
            .map_err(|e| e.to_string())?;
        access::log_in(&accounts, &name, &password).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| Problem::internal(e.to_string()))?
    .map_err(Problem::internal)?;
    let Some(account) = account else {
        super::event(serde_json::json!({"event": "login failed", "client": client.to_string()}));
        return Ok(login_form(&s, &access::random_secret(), true));
    };
    super::event(serde_json::json!({"event": "login", "user": account.name}));
    let id = s.sessions.start(account);
    let mut r = see_other("/moderation");
    r.headers_mut().append(
        header::SET_COOKIE,
        people::set_cookie(&s, SESSION_COOKIE, &id, SESSION_LIFETIME),
    );
    Ok(r)
}

/// `POST /logout`.
pub async fn logout(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, Problem> {
    people::same_origin(&s, &headers)?;
    if let Caller::Session { id, session } = people::caller(&s, &headers).await? {
        let pairs = form_pairs(&headers, &body)?;
        if !people::same_secret(field(&pairs, "csrf").unwrap_or_default(), &session.csrf) {
            return Err(csrf_refused());
        }
        s.sessions.end(&id);
        super::event(serde_json::json!({"event": "logout", "user": session.account.name}));
    }
    let mut r = see_other("/");
    r.headers_mut().append(
        header::SET_COOKIE,
        people::set_cookie(&s, SESSION_COOKIE, "", Duration::ZERO),
    );
    Ok(r)
}

/// Whether the answer is JSON: `f=json`, an API token, or a client that
/// asks for JSON.
fn json_asked(q: &Values, caller: &Caller, headers: &HeaderMap) -> bool {
    match q.iter().find(|(k, _)| k == "f").map(|(_, v)| v.as_str()) {
        Some(f) => f == "json",
        None => {
            matches!(caller, Caller::Token(_))
                || headers
                    .get(header::ACCEPT)
                    .and_then(|a| a.to_str().ok())
                    .is_some_and(|a| a.starts_with("application/json"))
        }
    }
}

fn query(raw: Option<String>, known: &[&str]) -> Result<Values, Problem> {
    let pairs: Values = match raw.as_deref() {
        None | Some("") => Vec::new(),
        Some(q) => serde_urlencoded::from_str(q)
            .map_err(|e| Problem::bad_request(format!("the query cannot be read: {e}")))?,
    };
    for (k, v) in &pairs {
        if k == "f" && !matches!(v.as_str(), "json" | "html") {
            return Err(Problem::bad_request(format!("f={v}: json or html")));
        }
        if k != "f" && !known.contains(&k.as_str()) {
            return Err(Problem::bad_request(format!("unknown parameter {k}")));
        }
    }
    Ok(pairs)
}

fn json_private(value: &impl serde::Serialize) -> Response {
    let mut r = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        serde_json::to_string(value).expect("answers serialise"),
    )
        .into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn moderation_problem(e: ModerationError) -> Problem {
    match e {
        ModerationError::Unknown(_) => Problem::not_found(e.to_string()),
        ModerationError::Decided { .. } => {
            Problem::new(StatusCode::CONFLICT, "Conflict", e.to_string())
        }
        ModerationError::Reason => Problem::bad_request(e.to_string()),
        other => Problem::internal(other.to_string()),
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ModerationError> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Problem::internal(e.to_string()))?
        .map_err(moderation_problem)
}

/// Who sees contact persons: coordinators only.
fn shown(s: Submission, role: Role) -> Submission {
    match role {
        Role::Coordinator => s,
        Role::Viewer => s.without_contact(),
    }
}

fn status_de(status: Status) -> &'static str {
    match status {
        Status::Pending => "offen",
        Status::Approved => "freigegeben",
        Status::Rejected => "abgelehnt",
    }
}

fn who(caller: &Caller) -> String {
    let Some(a) = caller.account() else {
        return String::new();
    };
    let logout = match caller {
        Caller::Session { session, .. } => format!(
            " <form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <button type=\"submit\">Abmelden</button></form>",
            attr(&session.csrf)
        ),
        _ => String::new(),
    };
    format!(
        "<p>Angemeldet als {} ({}).{logout}</p>",
        esc(&a.name),
        esc(a.role.as_str())
    )
}

/// `GET /moderation` (`status=pending|approved|rejected|all`).
pub async fn queue(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let caller = people::caller(&s, &headers).await?;
    let q = query(raw, &["status"])?;
    if matches!(caller, Caller::Anonymous) && !json_asked(&q, &caller, &headers) {
        return Ok(see_other("/login"));
    }
    let role = caller.at_least(Role::Viewer)?.role;
    let status = match field(&q, "status").unwrap_or("pending") {
        "all" => None,
        other => Some(
            other
                .parse::<Status>()
                .map_err(|e| Problem::bad_request(format!("{e}, or all")))?,
        ),
    };
    let location = s.location.clone();
    let list: Vec<Submission> = blocking(move || moderation::list(&location, status))
        .await?
        .into_iter()
        .map(|s| shown(s, role))
        .collect();
    if json_asked(&q, &caller, &headers) {
        return Ok(json_private(&list));
    }
    let mut b = who(&caller);
    b.push_str(
        "<p>Zeigen: <a href=\"/moderation?status=pending\">offen</a> · \
                <a href=\"/moderation?status=approved\">freigegeben</a> · \
                <a href=\"/moderation?status=rejected\">abgelehnt</a> · \
                <a href=\"/moderation?status=all\">alle</a></p>",
    );
    b.push_str(
        "<table><thead><tr><th>Nr.</th><th>Eingang</th><th>Status</th><th>Name</th>\
                <th>Art</th><th>Vorschlag</th></tr></thead><tbody>",
    );
    for sub in &list {
        let _ = write!(
            b,
            "<tr><td><a href=\"/moderation/{id}\">{id}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&sub.received_at),
            status_de(sub.status),
            esc(&sub.proposal.name),
            esc(sub.proposal.kind.as_str()),
            match &sub.proposal.correction_of {
                Some(id) => format!("Korrektur zu {}", esc(id)),
                None => "neuer Eintrag".into(),
            },
            id = sub.id,
        );
    }
    let _ = write!(b, "</tbody></table><p>{} Einreichungen</p>", list.len());
    Ok(private_page(
        StatusCode::OK,
        page_with("Moderation", &b, s.read_only),
    ))
}

fn opt(v: Option<&str>) -> String {
    v.map(|v| esc(v).into_owned()).unwrap_or_default()
}

/// The proposal beside the stored records it may duplicate or corrects.
fn side_by_side(sub: &Submission, lookalikes: &[Lookalike]) -> String {
    let p = &sub.proposal;
    let mut b = String::from("<table><thead><tr><th></th><th>Vorschlag</th>");
    for l in lookalikes {
        let _ = write!(
            b,
            "<th>{} <a href=\"/collections/entities/items/{}\">{}</a></th>",
            if l.corrected {
                "korrigiert"
            } else {
                "ähnlich"
            },
            attr(&l.entity.id),
            esc(&l.entity.id)
        );
    }
    b.push_str("</tr></thead><tbody>");
    let point =
        |p: Option<crate::model::LonLat>| p.map(|p| format!("{:.6}, {:.6}", p.lon(), p.lat()));
    // A row's values in the stored records.
    let each = |value: &dyn Fn(&crate::model::Entity) -> String| -> Vec<String> {
        lookalikes.iter().map(|l| value(&l.entity)).collect()
    };
    let rows: Vec<(&str, String, Vec<String>)> = vec![
        (
            "Name",
            esc(&p.name).into_owned(),
            each(&|e| opt(Some(&e.name))),
        ),
        (
            "Art",
            esc(p.kind.as_str()).into_owned(),
            each(&|e| opt(Some(e.kind.as_str()))),
        ),
        (
            "Kategorie",
            opt(p.category.as_deref()),
            each(&|e| opt(e.category.as_deref())),
        ),
        (
            "Handlungsfelder",
            esc(&p.fields.join(", ")).into_owned(),
            each(&|e| esc(&e.fields.join(", ")).into_owned()),
        ),
        (
            "Anschrift",
            opt(p.address.as_deref()),
            each(&|e| opt(e.address.as_deref())),
        ),
        (
            "Punkt",
            opt(point(p.location).as_deref()),
            each(&|e| opt(point(e.location).as_deref())),
        ),
        (
            "Website",
            opt(p.website.as_deref()),
            each(&|e| opt(e.website.as_deref())),
        ),
        (
            "Beschreibung",
            opt(p.description.as_deref()),
            each(&|e| opt(e.description.as_deref())),
        ),
    ];
    for (label, proposed, stored) in rows {
        let _ = write!(b, "<tr><th>{label}</th><td>{proposed}</td>");
        for v in stored {
            let _ = write!(b, "<td>{v}</td>");
        }
        b.push_str("</tr>");
    }
    b.push_str("</tbody></table>");
    if lookalikes.is_empty() {
        b.push_str(
            "<p>Kein gespeicherter Eintrag ähnelt diesem Vorschlag (100 m, Name, Website).</p>",
        );
    }
    b
}

/// `GET /moderation/{id}`.
pub async fn one(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let caller = people::caller(&s, &headers).await?;
    let q = query(raw, &[])?;
    if matches!(caller, Caller::Anonymous) && !json_asked(&q, &caller, &headers) {
        return Ok(see_other("/login"));
    }
    let role = caller.at_least(Role::Viewer)?.role;
    let location = s.location.clone();
    let (sub, lookalikes) = blocking(move || {
        let sub = moderation::get(&location, id)?;
        let lookalikes = moderation::lookalikes(&location, &sub)?;
        Ok((sub, lookalikes))
    })
    .await?;
    let sub = shown(sub, role);
    if json_asked(&q, &caller, &headers) {
        return Ok(json_private(&serde_json::json!({
            "submission": sub, "lookalikes": lookalikes,
        })));
    }
    let mut b = who(&caller);
    let _ = write!(
        b,
        "<p>Eingang {}, Status: {}</p>",
        esc(&sub.received_at),
        status_de(sub.status)
    );
    if let (Some(by), Some(at)) = (&sub.decided_by, &sub.decided_at) {
        let _ = write!(
            b,
            "<p>Entschieden von {} am {}{}{}</p>",
            esc(by),
            esc(at),
            sub.reason
                .as_ref()
                .map(|r| format!(": {}", esc(r)))
                .unwrap_or_default(),
            sub.record_id
                .as_ref()
                .map(|r| format!(
                    " – Eintrag <a href=\"/collections/entities/items/{}\">{}</a>",
                    attr(r),
                    esc(r)
                ))
                .unwrap_or_default()
        );
    }
    b.push_str(&side_by_side(&sub, &lookalikes));
    if let Some(c) = &sub.contact {
        let _ = write!(
            b,
            "<h2>Kontaktperson (intern)</h2><p>{}{}{}{}</p>",
            esc(&c.name),
            opt(c.role.as_deref().map(|r| format!(", {r}")).as_deref()),
            opt(c.email.as_deref().map(|e| format!(", {e}")).as_deref()),
            opt(c.phone.as_deref().map(|p| format!(", {p}")).as_deref()),
        );
        if let Some(consent) = &sub.consent {
            let _ = write!(
                b,
                "<p>Einwilligung (Text vom {}) gegeben am {}</p>",
                esc(&consent.version),
                esc(&consent.given_at)
            );
        }
    }
    if let Caller::Session { session, .. } = &caller
        && session.account.role == Role::Coordinator
        && sub.status == Status::Pending
    {
        let token = attr(&session.csrf);
        let _ = write!(
            b,
            "<h2>Entscheidung</h2>\
             <form method=\"post\" action=\"/moderation/{id}/approve\"><input type=\"hidden\" name=\"csrf\" value=\"{token}\">\
             <button type=\"submit\">Freigeben</button></form>\
             <form method=\"post\" action=\"/moderation/{id}/reject\"><input type=\"hidden\" name=\"csrf\" value=\"{token}\">\
             <p><label for=\"reason\">Grund der Ablehnung</label><br><input id=\"reason\" name=\"reason\" required maxlength=\"500\"></p>\
             <button type=\"submit\">Ablehnen</button></form>"
        );
    }
    b.push_str("<p><a href=\"/moderation\">Zur Liste</a></p>");
    Ok(private_page(
        StatusCode::OK,
        page_with(&format!("Einreichung {id}"), &b, s.read_only),
    ))
}

/// The coordinator deciding, with the form checked: a browser's form must
/// carry its session's token; a script with an API token needs none.
fn decider<'a>(caller: &'a Caller, pairs: &Values) -> Result<&'a str, Problem> {
    let account = caller.at_least(Role::Coordinator)?;
    if let Caller::Session { session, .. } = caller
        && !people::same_secret(field(pairs, "csrf").unwrap_or_default(), &session.csrf)
    {
        return Err(csrf_refused());
    }
    Ok(&account.name)
}

/// A decision's request checked: a writable server, this site's origin,
/// a coordinator (with the form's token, from a browser). Returns the
/// caller, the form's fields (none for an empty body) and who decides.
async fn deciding(
    s: &Arc<Shared>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Caller, Values, String), Problem> {
    if s.read_only {
        return Err(read_only_problem());
    }
    people::same_origin(s, headers)?;
    let caller = people::caller(s, headers).await?;
    let pairs = if body.is_empty() {
        Vec::new()
    } else {
        form_pairs(headers, body)?
    };
    let by = decider(&caller, &pairs)?.to_string();
    Ok((caller, pairs, by))
}

/// `POST /moderation/{id}/approve`.
pub async fn approve(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, Problem> {
    let (caller, _, by) = deciding(&s, &headers, &body).await?;
    let location = s.location.clone();
    let who = by.clone();
    let shared = Arc::clone(&s);
    let approved = blocking(move || {
        let approved = moderation::approve(&location, id, &who)?;
        // Served at once, not after the next poll.
        super::republish(&location, &shared);
        Ok(approved)
    })
    .await?;
    super::event(serde_json::json!({
        "event": "submission approved", "submission": id, "user": by,
        "record": approved.record_id, "import": approved.import_id,
    }));
    Ok(match caller {
        Caller::Token(_) => json_private(&approved),
        _ => see_other(&format!("/moderation/{id}")),
    })
}

/// `POST /moderation/{id}/reject` (`reason`).
pub async fn reject(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, Problem> {
    let (caller, pairs, by) = deciding(&s, &headers, &body).await?;
    let reason = field(&pairs, "reason").unwrap_or_default().to_string();
    let location = s.location.clone();
    let who = by.clone();
    let decided = blocking(move || moderation::reject(&location, id, &who, &reason)).await?;
    super::event(serde_json::json!({
        "event": "submission rejected", "submission": id, "user": by,
    }));
    Ok(match caller {
        Caller::Token(_) => json_private(&decided.without_contact()),
        _ => see_other(&format!("/moderation/{id}")),
    })
}
