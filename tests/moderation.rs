//! Self-registration and moderation, over loopback as a browser and a
//! script use them and on the command line: a proposal from the form goes
//! into the queue and nowhere else; a coordinator (logged in, or with an
//! API token, or on the command line) approves it into the inventory as a
//! sourced revision or rejects it with a reason; viewers look without
//! seeing contact persons; hostile posts (no CSRF token, another site's
//! Origin, too big, not a form, a filled honeypot, too many) store nothing;
//! contact persons never reach a public answer.

mod common;

use common::cli::{bin, json_any, json_of, quiet};
use common::clients::Needs;
use common::server::{Server, get};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Halle sample with the fixture's contact, and one internal record.
fn halle_store(dir: &Path) -> PathBuf {
    let store = dir.join("halle.gpkg");
    let extra = dir.join("partners.csv");
    std::fs::write(
        &extra,
        "id,name,kind,fields,lat,lon,visibility\n\
         geheim-ev,Geheimer Verein,initiative,soziales,51.4801,11.9702,internal\n",
    )
    .unwrap();
    bin(&store)
        .arg("import")
        .arg(root().join("data/halle"))
        .arg(root().join("tests/fixtures/contacts.csv"))
        .arg(&extra)
        .assert()
        .success();
    store
}

/// The Halle store, served, and a partner's browser on it.
fn served(dir: &Path) -> (PathBuf, Server, Browser) {
    let store = halle_store(dir);
    let server = Server::start(&store);
    let partner = Browser::new(&server.base);
    (store, server, partner)
}

const PASSWORD: &str = "Saale-Ufer 2026 geheim";

/// `user add NAME --role ROLE` with the password on standard input.
fn add_user(store: &Path, name: &str, role: &str) {
    quiet(store)
        .args(["user", "add", name, "--role", role])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
}

/// A new API token of `name`.
fn token(store: &Path, name: &str) -> String {
    let out = quiet(store)
        .args(["user", "token", name, "--label", "test script"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(t.starts_with("sa_"), "{t}");
    t
}

/// The whole queue, as the command line lists it (exit code 1 when empty).
fn queue(store: &Path) -> Vec<Value> {
    json_any(store, &["moderation", "list", "--status", "all"])
        .as_array()
        .unwrap()
        .clone()
}

struct Reply {
    status: u16,
    location: Option<String>,
    retry_after: Option<String>,
    cache_control: String,
    body: String,
}

/// A browser: keeps cookies, follows no redirects, sends its own Origin.
struct Browser {
    agent: ureq::Agent,
    base: String,
    cookies: Vec<(String, String)>,
    /// What its posts say in `X-Forwarded-For` (a proxy's header, or a forged one).
    forwarded_for: Option<String>,
}

impl Browser {
    fn new(base: &str) -> Self {
        Browser {
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .build()
                .into(),
            base: base.to_string(),
            cookies: Vec::new(),
            forwarded_for: None,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, mut r: ureq::http::Response<ureq::Body>) -> Reply {
        for v in r.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (pair, attributes) = v.split_once(';').unwrap_or((v, ""));
            assert!(attributes.contains("HttpOnly"), "{v}");
            assert!(attributes.contains("SameSite=Strict"), "{v}");
            let (k, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !attributes.contains("Max-Age=0") {
                self.cookies.push((k.to_string(), value.to_string()));
            }
        }
        let header = |name: &str| {
            r.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        Reply {
            status: r.status().as_u16(),
            location: header("location"),
            retry_after: header("retry-after"),
            cache_control: header("cache-control").unwrap_or_default(),
            body: r.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    fn get(&mut self, path: &str) -> Reply {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if !self.cookies.is_empty() {
            req = req.header("cookie", self.cookie_header());
        }
        let r = req.call().expect("the server answers");
        self.keep(r)
    }

    /// A post as the browser sends it: its Origin, its cookies.
    fn post_raw(
        &mut self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        origin: Option<&str>,
    ) -> Reply {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(f) = &self.forwarded_for {
            req = req.header("x-forwarded-for", f);
        }
        if !self.cookies.is_empty() {
            req = req.header("cookie", self.cookie_header());
        }
        let r = req.send(body).expect("the server answers");
        self.keep(r)
    }

    fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        let origin = self.base.clone();
        self.post_raw(
            path,
            "application/x-www-form-urlencoded",
            body.into_bytes(),
            Some(&origin),
        )
    }

    /// Loads the form at `page` and returns its CSRF token.
    fn token_of(&mut self, page: &str) -> String {
        let r = self.get(page);
        assert_eq!(r.status, 200, "{page}: {}", r.body);
        hidden_csrf(&r.body)
    }

    fn log_in(&mut self, name: &str) {
        let csrf = self.token_of("/login");
        let r = self.post(
            "/login",
            &[("csrf", &csrf), ("name", name), ("password", PASSWORD)],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some("/moderation"));
    }
}

/// The value of the form's hidden `csrf` input.
fn hidden_csrf(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .unwrap_or_else(|| panic!("no CSRF token in {html}"));
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// A proposal as a partner fills the form in.
fn makerspace() -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", "Makerspace Halle e.V."),
        ("kind", "initiative"),
        ("fields", "bildung"),
        ("fields", "wissenschaft"),
        ("address", "Große Ulrichstraße 51, 06108 Halle (Saale)"),
        ("lon", "11.9660"),
        ("lat", "51.4850"),
        ("website", "https://makerspace-halle.example"),
        ("description", "Offene Werkstatt mit 3D-Druck & Löten"),
        ("contact_name", "Erika Mustermann"),
        ("contact_role", "Vorstand"),
        ("contact_email", "erika.mustermann@makerspace-halle.example"),
        ("contact_phone", "+49 345 1234567"),
        ("consent", "yes"),
    ]
}

/// Proposes `fields` through the form: loads it, posts it with its token.
fn propose(b: &mut Browser, fields: &[(&str, &str)]) -> Reply {
    let csrf = b.token_of("/register");
    let mut pairs = vec![("csrf", csrf.as_str())];
    pairs.extend_from_slice(fields);
    b.post("/register", &pairs)
}

/// The status of a script's `POST /moderation/{id}/approve` with `token`.
fn approve_by_token(server: &Server, token: &str, id: i64) -> u16 {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
        .post(format!("{}/moderation/{id}/approve", server.base))
        .header("authorization", format!("Bearer {token}"))
        .send_empty()
        .unwrap()
        .status()
        .as_u16()
}

/// Whether the server's log says `what` (within a few seconds: its lines
/// arrive through a pipe).
fn logged(server: &Server, what: &str) -> bool {
    for _ in 0..50 {
        if server.log.lock().unwrap().iter().any(|l| l.contains(what)) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

/// Every public answer of the server, as text.
fn public_answers(base: &str, ids: &[&str]) -> String {
    let mut all = String::new();
    let mut urls: Vec<String> = [
        "/",
        "/collections",
        "/collections/entities/items?limit=10000",
        "/collections/entities/items?limit=10000&f=html",
        "/districts",
        "/gaps",
        "/network",
        "/map",
    ]
    .iter()
    .map(|p| format!("{base}{p}"))
    .collect();
    for id in ids {
        urls.push(format!("{base}/collections/entities/items/{id}"));
        urls.push(format!("{base}/collections/entities/items/{id}?f=html"));
        urls.push(format!("{base}/where?target={id}"));
    }
    for url in urls {
        let a = get(&url);
        assert!(a.status < 500, "{url}: {}", a.body);
        all.push_str(&a.body);
    }
    all
}

#[test]
fn a_proposal_goes_through_the_queue_into_the_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let (store, server, mut partner) = served(dir.path());

    // The map's point picking fills the form's point.
    let form = partner.get("/register?lon=11.9660&lat=51.4850");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("value=\"11.9660\""), "{}", form.body);
    assert!(form.body.contains("Einwilligung") || form.body.contains("einverstanden"));
    assert!(form.cache_control.contains("no-store"));

    let thanks = propose(&mut partner, &makerspace());
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    assert!(thanks.body.contains("Nummer 1"), "{}", thanks.body);

    // In the queue, not in the inventory.
    let q = queue(&store);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0]["status"], "pending");
    assert_eq!(q[0]["proposal"]["name"], "Makerspace Halle e.V.");
    assert_eq!(
        q[0]["proposal"]["fields"],
        serde_json::json!(["bildung", "wissenschaft"])
    );
    assert!(
        q[0]["contact"].is_null(),
        "the list names no contact persons"
    );
    assert_eq!(
        get(&format!(
            "{}/collections/entities/items/makerspace-halle-e-v",
            server.base
        ))
        .status,
        404
    );
    let public = public_answers(&server.base, &[]);
    assert!(
        !public.contains("Makerspace"),
        "a proposal is not published"
    );

    // A coordinator logs in; the queue and the submission with its contact.
    add_user(&store, "anna", "coordinator");
    let mut anna = Browser::new(&server.base);
    let r = anna.get("/moderation");
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/login")));
    anna.log_in("anna");
    let list = anna.get("/moderation");
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("Makerspace Halle e.V."), "{}", list.body);
    assert!(list.cache_control.contains("no-store"));
    let page = anna.get("/moderation/1");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Erika Mustermann"),
        "coordinators see the contact"
    );
    assert!(page.body.contains("/moderation/1/approve"));

    // Without the page's token the decision is refused.
    let r = anna.post("/moderation/1/approve", &[("csrf", "forged")]);
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(queue(&store)[0]["status"], "pending");

    let csrf = hidden_csrf(&page.body);
    let r = anna.post("/moderation/1/approve", &[("csrf", &csrf)]);
    assert_eq!(
        (r.status, r.location.as_deref()),
        (303, Some("/moderation/1")),
        "{}",
        r.body
    );

    // Served without a restart, with its source; the submission approved.
    let item = get(&format!(
        "{}/collections/entities/items/makerspace-halle-e-v",
        server.base
    ));
    assert_eq!(item.status, 200, "{}", item.body);
    let props = &item.json()["properties"];
    assert_eq!(props["name"], "Makerspace Halle e.V.");
    assert_eq!(props["kind"], "initiative");
    let source = props["source"].as_str().unwrap();
    assert!(
        source.contains("Einreichung #1") && source.contains("freigegeben von anna"),
        "{source}"
    );
    let decided = &queue(&store)[0];
    assert_eq!(decided["status"], "approved");
    assert_eq!(decided["decided_by"], "anna");
    assert_eq!(decided["record_id"], "makerspace-halle-e-v");

    // The history names the submission and who approved it.
    let history = json_of(&store, &["history", "makerspace-halle-e-v"]);
    let text = history.to_string();
    assert!(
        text.contains("Einreichung #1, freigegeben von anna"),
        "{text}"
    );

    // The contact person is in the internal profile, nowhere public.
    let internal = dir.path().join("internal.geojson");
    bin(&store)
        .args(["export", "geojson", "--profile", "internal", "--out"])
        .arg(&internal)
        .assert()
        .success();
    let public_file = dir.path().join("public.geojson");
    bin(&store)
        .args(["export", "geojson", "--out"])
        .arg(&public_file)
        .assert()
        .success();
    let inside = std::fs::read_to_string(&internal).unwrap();
    assert!(inside.contains("erika.mustermann@makerspace-halle.example"));
    let outside = std::fs::read_to_string(&public_file).unwrap()
        + &public_answers(&server.base, &["makerspace-halle-e-v"]);
    for private in [
        "Erika",
        "erika.mustermann",
        "1234567",
        "Test Fixture Person",
    ] {
        assert!(!outside.contains(private), "{private} is public");
    }

    // Deciding twice is a conflict, and changes nothing.
    let again = anna.get("/moderation/1");
    assert!(
        !again.body.contains("/moderation/1/approve"),
        "no decision form on a decided one"
    );
    let r = anna.post(
        "/moderation/1/reject",
        &[("csrf", &csrf), ("reason", "doch nicht")],
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(queue(&store)[0]["status"], "approved");

    // Logging out ends the session.
    let r = anna.post("/logout", &[("csrf", &csrf)]);
    assert_eq!(r.status, 303);
    let r = anna.get("/moderation");
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/login")));
}

#[test]
fn a_correction_becomes_a_new_revision_of_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _server, mut partner) = served(dir.path());
    let target = "martin-luther-universitaet-halle-wittenberg";
    let before = json_of(&store, &["show", target])["entity"].clone();

    // An internal record cannot be named: the form does not tell it exists.
    let r = propose(
        &mut partner,
        &[
            ("name", "Geheimer Verein"),
            ("fields", "soziales"),
            ("correction_of", "geheim-ev"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("keinen Eintrag"), "{}", r.body);

    let r = propose(
        &mut partner,
        &[
            ("name", "Martin-Luther-Universität Halle-Wittenberg"),
            ("kind", "partner"),
            ("fields", "wissenschaft"),
            ("fields", "bildung"),
            ("website", "https://www.uni-halle.de/"),
            ("correction_of", target),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let shown = json_of(&store, &["moderation", "show", "1"]);
    let corrected: Vec<&Value> = shown["lookalikes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["corrected"] == true)
        .collect();
    assert_eq!(corrected.len(), 1);
    assert_eq!(corrected[0]["entity"]["id"], target);

    quiet(&store)
        .args(["moderation", "approve", "1", "--by", "bert"])
        .assert()
        .success();
    let after = json_of(&store, &["show", target])["entity"].clone();
    assert_eq!(after["website"], "https://www.uni-halle.de/");
    assert_eq!(
        after["fields"],
        serde_json::json!(["bildung", "wissenschaft"])
    );
    // What the correction did not name stays as it was.
    assert_eq!(after["location"], before["location"]);
    assert_eq!(after["category"], before["category"]);
    let source = after["source"].as_str().unwrap();
    assert!(
        source.starts_with(before["source"].as_str().unwrap())
            && source.contains("korrigiert")
            && source.contains("freigegeben von bert"),
        "{source}"
    );
    let revisions = json_of(&store, &["history", target]);
    assert_eq!(revisions.as_array().unwrap().len(), 2, "{revisions}");
}

#[test]
fn the_command_line_decides_as_the_web_does() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _server, mut partner) = served(dir.path());
    assert_eq!(propose(&mut partner, &makerspace()).status, 200);
    let mut second = makerspace();
    second[0] = ("name", "Makerspace Halle");
    second.retain(|(k, _)| !k.starts_with("contact") && *k != "consent");
    assert_eq!(propose(&mut partner, &second).status, 200);

    // `show` has the contact person and sees the first as a lookalike of
    // the second only once the first is stored.
    let one = json_of(&store, &["moderation", "show", "1"]);
    assert_eq!(one["submission"]["contact"]["name"], "Erika Mustermann");
    assert!(one["submission"]["consent"]["version"].is_string());
    let table = quiet(&store).args(["moderation", "list"]).output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("Makerspace Halle e.V.") && table.contains("Makerspace Halle"));
    assert!(!table.contains("Erika"), "{table}");

    quiet(&store)
        .args(["moderation", "approve", "1", "--by", "bert"])
        .assert()
        .success();
    let two = json_of(&store, &["moderation", "show", "2"]);
    let look = two["lookalikes"].as_array().unwrap();
    // Alike in name within 100 m and by website: listed once.
    assert_eq!(
        look.iter()
            .filter(|l| l["entity"]["id"] == "makerspace-halle-e-v")
            .count(),
        1,
        "{two}"
    );
    // The record an approved submission became is not its own lookalike.
    let one = json_of(&store, &["moderation", "show", "1"]);
    assert_eq!(one["submission"]["record_id"], "makerspace-halle-e-v");
    assert_eq!(one["lookalikes"], serde_json::json!([]), "{one}");

    // A reason is required, and kept.
    let out = quiet(&store)
        .args(["moderation", "reject", "2", "--reason", " ", "--by", "bert"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("reason"));
    quiet(&store)
        .args([
            "moderation",
            "reject",
            "2",
            "--reason",
            "Doppelt: ist Einreichung 1",
            "--by",
            "bert",
        ])
        .assert()
        .success();
    // Decided ones stay decided.
    let out = quiet(&store)
        .args(["moderation", "approve", "2", "--by", "anna"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("rejected") && said.contains("bert"), "{said}");
    let q = queue(&store);
    assert_eq!(q[1]["status"], "rejected");
    assert_eq!(q[1]["reason"], "Doppelt: ist Einreichung 1");
    assert!(q[1]["record_id"].is_null());
    let listed = json_of(&store, &["list"]);
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .filter(|n| n.starts_with("Makerspace"))
        .collect();
    assert_eq!(names, ["Makerspace Halle e.V."]);
    // An unknown one is named.
    let out = quiet(&store)
        .args(["moderation", "show", "99"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("99"));
}

#[test]
fn tokens_viewers_and_strangers_get_what_their_role_allows() {
    let dir = tempfile::tempdir().unwrap();
    let (store, server, mut partner) = served(dir.path());
    assert_eq!(propose(&mut partner, &makerspace()).status, 200);
    let mut other = makerspace();
    other[0] = ("name", "Repair-Café Neustadt");
    assert_eq!(propose(&mut partner, &other).status, 200);

    add_user(&store, "anna", "coordinator");
    add_user(&store, "vera", "viewer");
    let users = json_of(&store, &["user", "list"]);
    assert_eq!(users.as_array().unwrap().len(), 2, "{users}");
    assert!(
        !users.to_string().contains("argon2"),
        "no password hashes listed"
    );
    let anna = token(&store, "anna");
    let vera = token(&store, "vera");

    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build();
    let agent: ureq::Agent = agent.into();
    let call = |method: &str, path: &str, bearer: Option<&str>, body: &str| -> (u16, String) {
        let url = format!("{}{path}", server.base);
        let mut r = if method == "GET" {
            let mut req = agent.get(&url);
            if let Some(t) = bearer {
                req = req.header("authorization", format!("Bearer {t}"));
            }
            req.header("accept", "application/json").call().unwrap()
        } else {
            let mut req = agent
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded");
            if let Some(t) = bearer {
                req = req.header("authorization", format!("Bearer {t}"));
            }
            req.send(body.as_bytes().to_vec()).unwrap()
        };
        (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        )
    };

    // Strangers: no queue, no decision, an unknown token refused.
    assert_eq!(call("GET", "/moderation", None, "").0, 401);
    assert_eq!(call("GET", "/moderation/1", None, "").0, 401);
    assert_eq!(
        call("GET", "/moderation", Some("sa_not-a-token"), "").0,
        401
    );
    assert_eq!(call("POST", "/moderation/1/approve", None, "").0, 401);

    // A viewer sees the queue without contact persons, and decides nothing.
    let (status, body) = call("GET", "/moderation", Some(&vera), "");
    assert_eq!(status, 200, "{body}");
    let list: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (status, body) = call("GET", "/moderation/1", Some(&vera), "");
    assert_eq!(status, 200);
    assert!(!body.contains("Erika"), "{body}");
    let (status, body) = call("POST", "/moderation/1/approve", Some(&vera), "");
    assert_eq!(status, 403, "{body}");
    assert_eq!(queue(&store)[0]["status"], "pending");

    // A coordinator's script decides and gets JSON.
    let (status, body) = call("GET", "/moderation/1", Some(&anna), "");
    assert_eq!(status, 200);
    assert!(body.contains("Erika Mustermann"));
    let (status, body) = call("POST", "/moderation/1/approve", Some(&anna), "");
    assert_eq!(status, 200, "{body}");
    let approved: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(approved["record_id"], "makerspace-halle-e-v");
    assert!(approved["import_id"].as_i64().unwrap() > 0);
    let (status, _) = call("POST", "/moderation/1/approve", Some(&anna), "");
    assert_eq!(status, 409);
    let (status, _) = call("POST", "/moderation/2/reject", Some(&anna), "reason=");
    assert_eq!(status, 400);
    let (status, body) = call(
        "POST",
        "/moderation/2/reject",
        Some(&anna),
        "reason=Kein+Bezug+zu+Halle",
    );
    assert_eq!(status, 200, "{body}");
    let rejected: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(rejected["status"], "rejected");
    assert!(rejected["contact"].is_null());
    assert_eq!(call("GET", "/moderation/99", Some(&anna), "").0, 404);

    // Removing an account revokes its tokens.
    quiet(&store)
        .args(["user", "remove", "anna"])
        .assert()
        .success();
    assert_eq!(call("GET", "/moderation", Some(&anna), "").0, 401);

    // A short password is refused with the rule.
    let out = quiet(&store)
        .args(["user", "add", "kurt", "--role", "viewer"])
        .write_stdin("kurz\n")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("12"));
    // A wrong password gets the form again, and no session.
    let mut b = Browser::new(&server.base);
    let csrf = b.token_of("/login");
    let r = b.post(
        "/login",
        &[
            ("csrf", &csrf),
            ("name", "vera"),
            ("password", "falsch falsch falsch"),
        ],
    );
    assert_eq!(r.status, 401);
    assert!(!b.cookies.iter().any(|(k, _)| k == "stadtatlas_session"));
}

#[test]
fn hostile_posts_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let server = Server::start_with(&store, &["--posts-per-client", "1000"]);
    let mut b = Browser::new(&server.base);
    let base = server.base.clone();
    // A refused form comes back with a fresh token (in the page and the
    // cookie), as a browser would show it: each post takes the current one.
    let form = |csrf: &str, extra: &[(&str, &str)]| {
        let mut pairs: Vec<(&str, &str)> = vec![("csrf", csrf)];
        pairs.extend_from_slice(&makerspace());
        pairs.extend_from_slice(extra);
        serde_urlencoded::to_string(&pairs).unwrap().into_bytes()
    };
    let urlencoded = "application/x-www-form-urlencoded";

    // Without the token, or with another's.
    let mut stranger = Browser::new(&base);
    let csrf = b.token_of("/register");
    let r = stranger.post_raw("/register", urlencoded, form(&csrf, &[]), Some(&base));
    assert_eq!(r.status, 403, "no cookie: {}", r.body);
    // Another site's page posting in the browser's name.
    let r = b.post_raw(
        "/register",
        urlencoded,
        form(&csrf, &[]),
        Some("https://evil.example"),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    // Not a form; too big; not readable.
    let r = b.post_raw(
        "/register",
        "application/json",
        b"{\"name\":\"x\"}".to_vec(),
        Some(&base),
    );
    assert_eq!(r.status, 415, "{}", r.body);
    let mut big = form(&csrf, &[]);
    big.extend(format!("&description={}", "x".repeat(40_000)).into_bytes());
    let r = b.post_raw("/register", urlencoded, big, Some(&base));
    assert_eq!(r.status, 413, "{}", r.body);
    let mut broken = form(&csrf, &[]);
    broken.extend_from_slice(b"&name=%FF%FE");
    let r = b.post_raw("/register", urlencoded, broken, Some(&base));
    assert!(matches!(r.status, 400 | 422), "{}: {}", r.status, r.body);
    // A bot fills the hidden field: thanked, not stored.
    let csrf = b.token_of("/register");
    let r = b.post_raw(
        "/register",
        urlencoded,
        form(&csrf, &[("homepage", "http://spam.example")]),
        Some(&base),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("Nummer"), "{}", r.body);
    assert!(logged(&server, "honeypot"), "the honeypot is logged");
    // Fields the form does not have, a point outside Halle, no name.
    let csrf = b.token_of("/register");
    let bad: Vec<(&str, &str)> = vec![
        ("csrf", csrf.as_str()),
        ("name", ""),
        ("fields", "astrologie"),
        ("lon", "13.40"),
        ("lat", "52.52"),
        ("admin", "1"),
    ];
    let r = b.post_raw(
        "/register",
        urlencoded,
        serde_urlencoded::to_string(&bad).unwrap().into_bytes(),
        Some(&base),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    for says in ["Bitte den Namen", "astrologie", "admin"] {
        assert!(r.body.contains(says), "{says}: {}", r.body);
    }
    assert!(
        queue(&store).is_empty(),
        "nothing stored: {:?}",
        queue(&store)
    );

    // Hostile text is stored as text and shown as text.
    let hostile = "<script>alert('x')</script> & \"Söhne\"";
    let csrf = b.token_of("/register");
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend(makerspace());
    fields[1] = ("name", hostile);
    let r = b.post_raw(
        "/register",
        urlencoded,
        serde_urlencoded::to_string(&fields).unwrap().into_bytes(),
        Some(&base),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let q = queue(&store);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0]["proposal"]["name"], hostile);
    add_user(&store, "anna", "coordinator");
    let mut anna = Browser::new(&base);
    anna.log_in("anna");
    for page in ["/moderation", "/moderation/1"] {
        let r = anna.get(page);
        assert!(!r.body.contains("<script>alert"), "{page}: {}", r.body);
        assert!(r.body.contains("&lt;script&gt;"), "{page}");
    }
}

#[test]
fn too_many_posts_from_one_address_wait() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let server = Server::start_with(&store, &["--posts-per-client", "2"]);
    let mut b = Browser::new(&server.base);
    for _ in 0..2 {
        assert_eq!(propose(&mut b, &makerspace()).status, 200);
    }
    let r = propose(&mut b, &makerspace());
    assert_eq!(r.status, 429, "{}", r.body);
    let wait: u64 = r.retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=600).contains(&wait), "{wait}");
    assert_eq!(queue(&store).len(), 2);
    // Logins are counted apart.
    add_user(&store, "anna", "coordinator");
    let mut anna = Browser::new(&server.base);
    anna.log_in("anna");
    // A forged X-Forwarded-For changes nothing: no proxy is trusted.
    b.forwarded_for = Some("198.51.100.7".into());
    assert_eq!(propose(&mut b, &makerspace()).status, 429);
}

/// Behind a trusted reverse proxy (here the tests' own address), partners
/// are told apart by the address the proxy names; what a client writes
/// before it in the header does not help it.
#[test]
fn behind_a_trusted_proxy_each_partner_has_its_own_limit() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let server = Server::start_with(
        &store,
        &["--posts-per-client", "2", "--trusted-proxy", "127.0.0.1"],
    );
    let mut first = Browser::new(&server.base);
    first.forwarded_for = Some("203.0.113.5".into());
    for _ in 0..2 {
        assert_eq!(propose(&mut first, &makerspace()).status, 200);
    }
    assert_eq!(propose(&mut first, &makerspace()).status, 429);
    // The same partner, with an address of its own choosing in front.
    first.forwarded_for = Some("192.0.2.99, 203.0.113.5".into());
    assert_eq!(propose(&mut first, &makerspace()).status, 429);
    // Another partner behind the same proxy.
    let mut second = Browser::new(&server.base);
    second.forwarded_for = Some("203.0.113.6".into());
    assert_eq!(propose(&mut second, &makerspace()).status, 200);
    assert_eq!(queue(&store).len(), 3);
}

#[test]
fn a_read_only_server_takes_no_proposals_and_no_logins() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    add_user(&store, "anna", "coordinator");
    let anna = token(&store, "anna");
    let server = Server::start_with(&store, &["--read-only"]);
    let before = common::cli::state(&store);
    let mut b = Browser::new(&server.base);
    assert_eq!(b.get("/register").status, 403);
    assert_eq!(b.get("/login").status, 403);
    let r = b.post("/register", &makerspace());
    assert_eq!(r.status, 403);
    assert_eq!(approve_by_token(&server, &anna, 1), 403);
    assert_eq!(before, common::cli::state(&store), "the store is unchanged");
    // It still serves, and offers neither the form nor the queue.
    assert_eq!(get(&format!("{}/collections", server.base)).status, 200);
    let closed = b.get("/register").body;
    assert!(closed.contains("nur lesend"), "{closed}");
    for link in ["href=\"/register\"", "href=\"/moderation\""] {
        assert!(
            !closed.contains(link),
            "{link} on a read-only server: {closed}"
        );
    }
    // The map: a chosen district is asked about, with no proposal offered.
    let map = get(&format!("{}/map", server.base)).body;
    assert!(map.contains("\"proposals\":false"), "the page's data");
    let district = map
        .split("class=\"district\"")
        .nth(1)
        .and_then(|s| s.split("data-id=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("a district on the map");
    let url = format!("{}/map#district={district}", server.base);
    let extra = ["--dump-dom", "--virtual-time-budget=10000"].map(String::from);
    if let Some(seen) = common::chromium::open(&url, &extra) {
        assert!(seen.console.is_empty(), "{:?}", seen.console);
        assert!(seen.body.contains("data-asked="), "{}", seen.body);
        assert!(!seen.dom.contains("<a id=\"propose-here\""), "{}", seen.dom);
    }
}

#[test]
fn a_copy_keeps_the_queue_and_the_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let server = Server::start(&store);
    let mut b = Browser::new(&server.base);
    assert_eq!(propose(&mut b, &makerspace()).status, 200);
    drop(server);
    add_user(&store, "anna", "coordinator");
    let anna = token(&store, "anna");
    // Not `.gpkg`: a file in both passes of the suite (from PostgreSQL too).
    let copy = dir.path().join("copy.atlas");
    quiet(&store)
        .arg("copy")
        .arg("--to")
        .arg(&copy)
        .assert()
        .success();
    assert_eq!(queue(&copy), queue(&store));
    let users = json_any(&copy, &["user", "list"]);
    assert_eq!(users[0]["name"], "anna");
    // The token works against the copy.
    let server = Server::start(&copy);
    assert_eq!(approve_by_token(&server, &anna, 1), 200);
    // New submissions in the copy get new numbers.
    let mut b = Browser::new(&server.base);
    let r = propose(&mut b, &makerspace());
    assert!(r.body.contains("Nummer 2"), "{}", r.body);
}

/// Coordinators deciding the same submission at once: one approval
/// lands, every other is told who decided (not an import failure), and
/// the record is written once.
#[test]
fn concurrent_decisions_land_once() {
    let dir = tempfile::tempdir().unwrap();
    let (store, server, mut partner) = served(dir.path());
    assert_eq!(propose(&mut partner, &makerspace()).status, 200);
    drop(server);
    let runs: Vec<_> = (0..6)
        .map(|i| {
            let store = store.clone();
            std::thread::spawn(move || {
                let out = quiet(&store)
                    .args([
                        "moderation",
                        "approve",
                        "1",
                        "--by",
                        &format!("koordination{i}"),
                    ])
                    .output()
                    .unwrap();
                (
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr).to_string(),
                )
            })
        })
        .collect();
    let results: Vec<(Option<i32>, String)> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    let landed = results.iter().filter(|(code, _)| *code == Some(0)).count();
    assert_eq!(landed, 1, "{results:?}");
    let q = queue(&store);
    let by = q[0]["decided_by"].as_str().unwrap();
    for (code, said) in results.iter().filter(|(code, _)| *code != Some(0)) {
        assert_eq!(*code, Some(2), "{said}");
        assert!(
            said.contains(&format!("submission #1 is approved already (by {by})")),
            "{said}"
        );
    }
    let history = json_of(&store, &["history", "makerspace-halle-e-v"]);
    assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
}

/// The same way in a real browser: headless Chromium driven by Selenium
/// (tests/clients/register_in_chromium.py, from the Python that
/// `STADTATLAS_TEST_PYTHON` names; .ci/run installs chromium-driver and
/// tests/pg.sh makes the venv) types into /register and sends it, is sent
/// from /moderation to /login, logs in, opens the proposal from the queue,
/// clicks "Freigeben" and follows the link to the new record. The browser's
/// cookies, redirects, Origin and CSRF handling are the browser's own.
#[test]
fn a_browser_proposes_and_a_coordinator_approves_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let (store, server, _) = served(dir.path());
    add_user(&store, "anna", "coordinator");
    let args = [server.base.as_str(), "anna", PASSWORD].map(std::ffi::OsStr::new);
    let Some(seen) = common::clients::run("register_in_chromium.py", &args, Needs::Chromedriver)
    else {
        return;
    };
    let said = |key: &str| seen[key].as_str().unwrap_or_default().to_string();
    let b = &server.base;

    assert_eq!(said("register_title"), "Eintrag vorschlagen");
    assert!(said("after_submit").contains("Nummer 1"), "{seen:#}");
    assert_eq!(seen["register_console"], serde_json::json!([]));
    assert_eq!(said("queue_anonymous_url"), format!("{b}/login"));
    assert_eq!(said("after_login_url"), format!("{b}/moderation"));
    let listed = seen["queue"].to_string();
    assert!(
        listed.contains("Makerspace Glaucha im Browser e. V."),
        "{listed}"
    );
    assert!(listed.contains("offen"), "{listed}");
    assert_eq!(said("submission_url"), format!("{b}/moderation/1"));
    // What the browser typed, as the store keeps it.
    let submission = said("submission");
    assert!(submission.contains("Browser Testperson"), "{submission}");
    assert!(
        submission.contains("Offene Werkstatt <b>für</b> alle"),
        "{submission}"
    );
    assert_eq!(said("after_approval_url"), format!("{b}/moderation/1"));
    let approved = said("after_approval");
    assert!(approved.contains("Entschieden von anna"), "{seen:#}");
    assert!(
        !approved.contains("ähnlich"),
        "its own record as a lookalike: {approved}"
    );

    // The record, served at once, with its source; its contact not public.
    let id = "makerspace-glaucha-im-browser-e-v";
    assert_eq!(
        said("record_url"),
        format!("{b}/collections/entities/items/{id}")
    );
    assert!(
        said("record").contains("Makerspace Glaucha im Browser e. V."),
        "{seen:#}"
    );
    assert_eq!(seen["console"], serde_json::json!([]));
    let item = get(&format!("{b}/collections/entities/items/{id}"));
    assert_eq!(item.status, 200, "{}", item.body);
    let props = &item.json()["properties"];
    assert_eq!(props["kind"], "initiative");
    assert_eq!(props["fields"], serde_json::json!(["bildung"]));
    assert_eq!(props["description"], "Offene Werkstatt <b>für</b> alle");
    assert!(
        props["source"]
            .as_str()
            .is_some_and(|s| s.contains("freigegeben von anna")),
        "{props}"
    );
    assert_eq!(
        item.json()["geometry"]["coordinates"],
        serde_json::json!([11.9612, 51.4711])
    );
    let decided = &queue(&store)[0];
    assert_eq!(decided["status"], "approved");
    assert_eq!(decided["decided_by"], "anna");
    assert_eq!(decided["record_id"], id);
    let public = public_answers(b, &[id]);
    assert!(public.contains("Makerspace Glaucha im Browser"));
    for private in ["Browser Testperson", "browser.person@example.invalid"] {
        assert!(!public.contains(private), "{private} is public");
    }
}
