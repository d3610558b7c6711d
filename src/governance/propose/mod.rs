//! `board propose`: whom to invite. Chooses organisations from the inventory
//! so that a requirement file is covered with the fewest seats (or, within a
//! seat limit, as much of it as possible), keeps the body's members, and
//! explains every seat.
//!
//! `model` builds the candidates and requirement lines, `solve` finds the
//! exact optimum with an ILP solver, `explain` justifies the answer (with
//! `swap`: what seating an alternative instead would change) and `render`
//! writes it as a table or Markdown.

mod explain;
mod model;
mod render;
mod solve;
mod swap;

pub use explain::{Alternative, BalanceOutcome, Basis, LineOutcome, Seat, WhyNot};
pub use solve::{SolverReport, Stage};

use super::Requirement;
use super::balance::BalanceError;
use crate::export::Profile;
use crate::model::Lang;
use crate::query::{Atlas, QueryError};
use serde::Serialize;
use std::time::Duration;

/// What to propose.
#[derive(Debug, Clone)]
pub struct ProposeOptions<'a> {
    /// The body whose members are kept; none = a board from scratch.
    pub body: Option<&'a str>,
    pub requirement: &'a Requirement,
    /// At most this many seats (members included); none = as few as cover everything.
    pub seats: Option<usize>,
    /// Organisations never proposed.
    pub exclude: &'a [String],
    /// Organisations seated whatever the solver prefers.
    pub include: &'a [String],
    /// Wall-clock budget of the solver; past it the best seats found so far
    /// are returned with `optimal: false` and the gap.
    pub time_limit: Duration,
    /// The day `verified_within` rules count from.
    pub today: chrono::NaiveDate,
    /// Contacts of the seats only in the internal profile.
    pub profile: Profile,
    /// Labels of fields, categories and rules.
    pub lang: Lang,
}

/// A proposed composition with its justification.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub body: Option<String>,
    pub body_name: Option<String>,
    pub requirement: String,
    /// `public` or `internal` (internal outputs carry contacts).
    pub profile: &'static str,
    /// Members first, then `--include`, then proposed seats; by name within each.
    pub seats: Vec<Seat>,
    /// Ids of the field, category and hard-rule lines the seats do not meet.
    pub uncovered: Vec<String>,
    /// Proven optimal (every stage of the solve).
    pub optimal: bool,
    /// Every requirement line with how it is met.
    pub lines: Vec<LineOutcome>,
    /// Every balance rule with whether it holds.
    pub balance: Vec<BalanceOutcome>,
    pub solver: SolverReport,
}

/// A proposal that cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProposeError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Balance(#[from] BalanceError),
    #[error("\"{0}\" is both included and excluded")]
    IncludedAndExcluded(String),
    #[error("\"{0}\" is a member of the body and is kept; it cannot be excluded")]
    ExcludedMember(String),
    #[error("--seats {seats} leaves no room: {fixed} seats are members or included")]
    TooFewSeats { seats: usize, fixed: usize },
    #[error(
        "the hard rules cannot all hold{}{}; make one soft (`hard = false`) or relax it",
        if rules.is_empty() { String::new() } else { format!(": {}", rules.join(", ")) },
        seats.map(|n| format!(" within {n} seats")).unwrap_or_default()
    )]
    Infeasible {
        /// Rules whose removal alone would make a proposal possible.
        rules: Vec<String>,
        /// The seat limit, when dropping it alone would.
        seats: Option<usize>,
    },
    #[error("the solver found no composition within {seconds} s; raise --time-limit")]
    NoSolutionInTime { seconds: f64 },
    #[error("the solver failed")]
    Solver {
        #[source]
        source: microlp::Error,
    },
}

/// Proposes a composition.
///
/// # Errors
/// [`ProposeError`]: unknown ids or levels, unusable balance rules, hard
/// rules that cannot hold together, or a solver that found nothing in time.
pub fn propose(atlas: &Atlas, o: &ProposeOptions) -> Result<Proposal, ProposeError> {
    let universe = model::Universe::build(atlas, o, o.lang)?;
    let fixed = universe.fixed();
    if let Some(seats) = o.seats.filter(|&n| n < fixed) {
        return Err(ProposeError::TooFewSeats { seats, fixed });
    }
    let solved = solve::solve(&universe, o.seats, o.time_limit)?;
    let body_name = match o.body {
        Some(b) => Some(atlas.entities[atlas.entity_index(b)?].name.clone()),
        None => None,
    };
    let (seats, lines, balance) = explain::explain(atlas, &universe, &solved.chosen, o);
    let uncovered = lines
        .iter()
        .filter(|l| !l.met && (l.hard || l.kind == "field" || l.kind == "category"))
        .map(|l| l.id.clone())
        .collect();
    Ok(Proposal {
        body: o.body.map(str::to_string),
        body_name,
        requirement: o.requirement.title.clone(),
        profile: o.profile.as_str(),
        seats,
        uncovered,
        optimal: solved.report.optimal,
        lines,
        balance,
        solver: solved.report,
    })
}
