//! The district questions as JSON endpoints, one to one with the command
//! line (`where`, `in`, `near`, `matrix`, `gaps`, `districts`, `network`,
//! `board check`): the same library calls, the same JSON as `--format json`.
//! They are asked of the published view, which holds the public records
//! only, so no answer can name an internal record or a contact.

use super::Shared;
use super::ogc::{JSON, Problem, html_asked, parameters};
use crate::governance::{self, Requirement};
use crate::model::{EntityKind, Lang, LonLat, Status};
use crate::query::{
    Filter, MatrixBy, NearTarget, QueryError, Reach, WhereTarget, district_table, gaps, inside,
    matrix, near, where_entity, where_point,
};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;

/// The parameters of one question, each checked against what it knows.
struct Asked {
    pairs: Vec<(String, String)>,
    /// The question's name, the title of its HTML view.
    question: &'static str,
    /// A browser's view (`f=html`, or `Accept: text/html` without `f`).
    html: bool,
}

const FILTERS: [&str; 5] = ["kind", "field", "category", "status", "tag"];

impl Asked {
    /// The parameters, each known to the question; answers are JSON, or
    /// HTML for a browser.
    fn read(
        question: &'static str,
        raw: Option<String>,
        known: &[&str],
        headers: &HeaderMap,
    ) -> Result<Self, Problem> {
        let pairs = parameters(raw, known, &["json", "html"])?;
        let html = html_asked(&pairs, headers);
        let pairs = pairs.into_iter().filter(|(k, _)| k != "f").collect();
        Ok(Self {
            pairs,
            question,
            html,
        })
    }

    /// A question's result: the answer as `--format json` prints it (or
    /// its HTML view), or the refusal.
    fn reply<T: Serialize>(&self, result: Result<T, QueryError>) -> Result<Response, Problem> {
        let value = match result {
            Ok(value) => value,
            Err(e) => return Ok(refused(&e)),
        };
        if self.html {
            let value = serde_json::to_value(&value).expect("answers serialise");
            let page = super::html::answer(self.question, &value);
            return Ok(([(header::CONTENT_TYPE, super::ogc::HTML)], page).into_response());
        }
        let mut body = serde_json::to_string_pretty(&value).expect("answers serialise");
        body.push('\n');
        Ok(([(header::CONTENT_TYPE, JSON)], body).into_response())
    }

    /// Every value of `name`, comma-separated values split.
    fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// Every value of `name`, whole (district names may hold commas).
    fn each(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The one value of `name`, if given.
    fn one(&self, name: &str) -> Result<Option<String>, Problem> {
        let mut values = self.each(name);
        match values.len() {
            0 => Ok(None),
            1 => Ok(values.pop()),
            _ => Err(Problem::bad_request(format!("give {name} once"))),
        }
    }

    fn parsed<T: std::str::FromStr>(&self, name: &str, what: &str) -> Result<Option<T>, Problem> {
        self.one(name)?
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| Problem::bad_request(format!("{name}={v}: not {what}")))
            })
            .transpose()
    }

    fn point(&self, name: &str) -> Result<Option<LonLat>, Problem> {
        self.one(name)?
            .map(|v| {
                v.parse::<LonLat>()
                    .map_err(|e| Problem::bad_request(format!("{name}={v}: {e}")))
            })
            .transpose()
    }

    fn filter(&self) -> Result<Filter, Problem> {
        let lower = |name: &str| self.all(name).iter().map(|v| v.to_lowercase()).collect();
        Ok(Filter {
            kinds: self
                .all("kind")
                .iter()
                .map(|k| k.parse::<EntityKind>().map_err(Problem::bad_request))
                .collect::<Result<_, _>>()?,
            fields: lower("field"),
            categories: lower("category"),
            statuses: self
                .all("status")
                .iter()
                .map(|s| s.parse::<Status>().map_err(Problem::bad_request))
                .collect::<Result<_, _>>()?,
            tags: self.all("tag"),
            include_internal: false,
        })
    }
}

fn refused(e: &QueryError) -> Response {
    let status = match e {
        QueryError::UnknownEntity(_) => StatusCode::NOT_FOUND,
        QueryError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    Problem::new(status, "InvalidQuestion", e.to_string()).into_response()
}

fn with<const N: usize>(base: [&'static str; N]) -> Vec<&'static str> {
    base.into_iter().chain(FILTERS).collect()
}

/// Runs a question on the published view, off the async workers.
async fn ask(
    s: Arc<Shared>,
    name: &'static str,
    headers: HeaderMap,
    raw: Option<String>,
    known: Vec<&'static str>,
    question: impl FnOnce(&Asked, &super::Published) -> Result<Response, Problem> + Send + 'static,
) -> Response {
    let asked = match Asked::read(name, raw, &known, &headers) {
        Ok(a) => a,
        Err(p) => return p.into_response(),
    };
    let view = s.view();
    match tokio::task::spawn_blocking(move || question(&asked, &view)).await {
        Ok(Ok(r)) => r,
        Ok(Err(p)) => p.into_response(),
        Err(_) => Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServerError",
            "the question failed".into(),
        )
        .into_response(),
    }
}

fn by(v: Option<String>) -> Result<MatrixBy, Problem> {
    Ok(match v.as_deref() {
        None | Some("field") => MatrixBy::Field,
        Some("category") => MatrixBy::Category,
        Some("kind") => MatrixBy::Kind,
        Some("status") => MatrixBy::Status,
        Some(other) => {
            return Err(Problem::bad_request(format!(
                "by={other}: field, category, kind or status"
            )));
        }
    })
}

fn lang(v: Option<String>) -> Result<Lang, Problem> {
    match v.as_deref() {
        None | Some("en") => Ok(Lang::En),
        Some("de") => Ok(Lang::De),
        Some(other) => Err(Problem::bad_request(format!("lang={other}: de or en"))),
    }
}

/// `where TARGET`: `?target=LON,LAT` or `?target=ID`.
pub async fn where_(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    ask(s, "where", headers, raw, vec!["target"], |a, v| {
        let target = a
            .one("target")?
            .ok_or_else(|| Problem::bad_request("give target=LON,LAT or target=ID"))?;
        let rows = match WhereTarget::asked(&target) {
            Ok(WhereTarget::Point(p)) => Ok(where_point(&v.atlas, p)),
            Ok(WhereTarget::Entity(id)) => where_entity(&v.atlas, &id),
            Err(e) => Err(e),
        };
        a.reply(rows)
    })
    .await
}

/// `in DISTRICT…`: `?district=NAME` (repeatable), `level`, filters.
pub async fn in_(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    ask(
        s,
        "in",
        headers,
        raw,
        with(["district", "level"]),
        |a, v| {
            let names = a.each("district");
            if names.is_empty() {
                return Err(Problem::bad_request("give district=NAME (one or more)"));
            }
            let level = a.one("level")?;
            let filter = a.filter()?;
            a.reply(inside(&v.atlas, &names, level.as_deref(), &filter))
        },
    )
    .await
}

/// `near`: `?at=LON,LAT` or `?target=ID|DISTRICT` (`level`), `within`
/// metres or `nearest` K, filters.
pub async fn near_(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    ask(
        s,
        "near",
        headers,
        raw,
        with(["at", "target", "level", "within", "nearest"]),
        |a, v| {
            let atlas = &v.atlas;
            let within = a.parsed::<f64>("within", "a number of metres")?;
            let nearest = a.parsed::<usize>("nearest", "a whole number")?;
            let filter = a.filter()?;
            let result =
                NearTarget::asked(a.point("at")?, a.one("target")?, a.one("level")?, |id| {
                    Ok(atlas.entity_index(id).is_ok())
                })
                .and_then(|target| Ok((target, Reach::asked(within, nearest)?)))
                .and_then(|(target, reach)| near(atlas, &target, reach, &filter));
            a.reply(result)
        },
    )
    .await
}

/// `matrix`: `level`, `by`, `per_capita=true`, filters.
pub async fn matrix_(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    ask(
        s,
        "matrix",
        headers,
        raw,
        with(["level", "by", "per_capita"]),
        |a, v| {
            let per_capita = a
                .parsed::<bool>("per_capita", "true or false")?
                .unwrap_or(false);
            let m = matrix(
                &v.atlas,
                a.one("level")?.as_deref(),
                by(a.one("by")?)?,
                per_capita,
                &a.filter()?,
            );
            a.reply(m)
        },
    )
    .await
}

/// `gaps`: `level`, filters.
pub async fn gaps_(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    ask(s, "gaps", headers, raw, with(["level"]), |a, v| {
        let g = gaps(&v.atlas, a.one("level")?.as_deref(), &a.filter()?);
        a.reply(g)
    })
    .await
}

/// `districts`: `level`, filters.
pub async fn districts_(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    ask(s, "districts", headers, raw, with(["level"]), |a, v| {
        let t = district_table(&v.atlas, a.one("level")?.as_deref(), &a.filter()?);
        a.reply(t)
    })
    .await
}

/// `network [ID]`: `id`, `depth` (default 1).
pub async fn network_(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    ask(s, "network", headers, raw, vec!["id", "depth"], |a, v| {
        let depth = a.parsed::<usize>("depth", "a whole number")?.unwrap_or(1);
        let n = governance::network(&v.atlas, a.one("id")?.as_deref(), depth);
        a.reply(n)
    })
    .await
}

/// `board check BODY`: `with` (ids, comma-separated or repeated), `lang`;
/// against the council's requirement of June 2020.
pub async fn board_check(
    State(s): State<Arc<Shared>>,
    Path(body): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    ask(
        s,
        "board check",
        headers,
        raw,
        vec!["with", "lang"],
        move |a, v| {
            let requirement = Requirement::council_2020();
            let c = governance::check_with(
                &v.atlas,
                &body,
                &requirement,
                lang(a.one("lang")?)?,
                &a.all("with"),
            );
            a.reply(c)
        },
    )
    .await
}
