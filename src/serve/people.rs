//! Who is asking: sessions (cookies after a login), API tokens (for
//! scripts), CSRF tokens for forms, and a rate limit per client.
//!
//! Sessions live in the server's memory (a restart logs everyone out); a
//! session cookie is HttpOnly, SameSite=Strict and, behind an https base
//! URL, Secure. Every form that changes something carries a token that a
//! page of another site cannot know: the session's own, or for the
//! anonymous forms one that is also in a cookie (double submit). A request
//! whose `Origin` is another site's is refused as well.

use super::Shared;
use super::ogc::Problem;
use crate::access::{self, Account, Role};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a session lasts after the login.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 3600);
/// The session cookie.
pub const SESSION_COOKIE: &str = "stadtatlas_session";
/// The cookie of the anonymous forms' CSRF token.
pub const FORM_COOKIE: &str = "stadtatlas_form";

/// A logged-in browser.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    /// The token its forms carry.
    pub csrf: String,
    expires: Instant,
}

/// The sessions, by the SHA-256 of their cookie.
#[derive(Default)]
pub struct Sessions(Mutex<HashMap<String, Session>>);

impl Sessions {
    /// Starts a session; returns the cookie's value.
    pub fn start(&self, account: Account) -> String {
        let id = access::random_secret();
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        all.retain(|_, s| s.expires > now);
        all.insert(
            access::token_hash(&id),
            Session {
                account,
                csrf: access::random_secret(),
                expires: now + SESSION_LIFETIME,
            },
        );
        id
    }

    fn get(&self, id: &str) -> Option<Session> {
        let all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        all.get(&access::token_hash(id))
            .filter(|s| s.expires > Instant::now())
            .cloned()
    }

    pub fn end(&self, id: &str) {
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        all.remove(&access::token_hash(id));
    }
}

/// The client of a request from `peer`: the peer itself, or, when the
/// peer is a trusted proxy, the last address in `X-Forwarded-For` that is
/// not a trusted proxy (each proxy appends the address it heard from;
/// what comes before the first untrusted one is whatever the client sent).
/// A header that does not parse leaves the peer.
pub fn client(s: &Shared, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    let peer = peer.ip();
    if !s.trusted_proxies.contains(&peer) {
        return peer;
    }
    let mut hops = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(text) = value.to_str() else {
            return peer;
        };
        for hop in text.split(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) => hops.push(ip),
                Err(_) => return peer,
            }
        }
    }
    hops.iter()
        .rev()
        .find(|ip| !s.trusted_proxies.contains(ip))
        .or(hops.first())
        .copied()
        .unwrap_or(peer)
}

/// Attempts per client and purpose within a window.
pub struct Limiter {
    window: Duration,
    most: usize,
    seen: Mutex<HashMap<(IpAddr, &'static str), VecDeque<Instant>>>,
}

impl Limiter {
    pub fn new(most: usize, window: Duration) -> Self {
        Self {
            window,
            most,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt; `Err(seconds to wait)` when the client has had
    /// its share of this window.
    pub fn attempt(&self, client: IpAddr, purpose: &'static str) -> Result<(), u64> {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() > 100_000 {
            let window = self.window;
            seen.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let times = seen.entry((client, purpose)).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() >= self.most {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        times.push_back(now);
        Ok(())
    }
}

/// Who is asking.
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    /// A browser with a session cookie (`id`: the cookie's value).
    Session {
        id: String,
        session: Session,
    },
    /// A script with an API token.
    Token(Account),
}

impl Caller {
    pub fn account(&self) -> Option<&Account> {
        match self {
            Caller::Anonymous => None,
            Caller::Session { session, .. } => Some(&session.account),
            Caller::Token(account) => Some(account),
        }
    }

    /// The account, when it has at least `role` (a coordinator may all a
    /// viewer may).
    pub fn at_least(&self, role: Role) -> Result<&Account, Problem> {
        match self.account() {
            None => Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                "log in first (/login), or send an API token as `Authorization: Bearer TOKEN`"
                    .into(),
            )),
            Some(a) if role == Role::Coordinator && a.role != Role::Coordinator => {
                Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "Forbidden",
                    format!("{} is a viewer; only coordinators decide", a.name),
                ))
            }
            Some(a) => Ok(a),
        }
    }
}

/// The value of cookie `name`.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The caller of a request: an API token (checked against the store) or a
/// session cookie; a token that matches no account is refused, not
/// treated as anonymous.
pub async fn caller(s: &std::sync::Arc<Shared>, headers: &HeaderMap) -> Result<Caller, Problem> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|a| a.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 200)
            .ok_or_else(|| unauthorized("the Authorization header is not `Bearer TOKEN`"))?
            .to_string();
        let location = s.location.clone();
        let found = tokio::task::spawn_blocking(move || {
            let store = location.open_for_reading()?;
            let accounts = store.accounts()?;
            let tokens = store.tokens()?;
            access::token_account(&accounts, &tokens, &token).map_err(|e| {
                crate::store::StoreError::Open {
                    store: location.to_string(),
                    source: e.to_string().into(),
                }
            })
        })
        .await
        .map_err(|e| Problem::internal(e.to_string()))?
        .map_err(|e| Problem::internal(e.to_string()))?;
        return found
            .map(Caller::Token)
            .ok_or_else(|| unauthorized("this API token is not known"));
    }
    Ok(match cookie(headers, SESSION_COOKIE) {
        Some(id) => match s.sessions.get(id) {
            Some(session) => Caller::Session {
                id: id.to_string(),
                session,
            },
            None => Caller::Anonymous,
        },
        None => Caller::Anonymous,
    })
}

fn unauthorized(why: &str) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "Unauthorized", why.to_string())
}

/// Two secrets compared in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Refuses a form post from a page of another site: its `Origin` (when
/// the browser sends one) must be the server's.
pub fn same_origin(s: &Shared, headers: &HeaderMap) -> Result<(), Problem> {
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        None => Ok(()),
        Some(origin) if origin == s.origin => Ok(()),
        Some(origin) => Err(Problem::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!("a form of {origin} cannot post here"),
        )),
    }
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, path /, Secure
/// behind https; `max_age` 0 removes the cookie.
pub fn set_cookie(s: &Shared, name: &str, value: &str, max_age: Duration) -> HeaderValue {
    let secure = if s.base.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        max_age.as_secs()
    ))
    .expect("cookie values are URL-safe base64")
}
