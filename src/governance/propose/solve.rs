//! The universe as an integer linear program, solved exactly with microlp
//! (pure-Rust simplex with branch and bound).
//!
//! One binary `x` per candidate (fixed seats pinned to 1, barred ones to 0).
//! Goals are lexicographic, solved in stages, each stage pinning the optimum
//! of the one before (exact, whatever the weights): without a seat limit,
//! fewest seats, then the least soft penalty; with `--seats N`, most field and
//! category lines covered, then the least soft penalty, then fewest seats.
//! Soft rules therefore never cost a seat.

use super::ProposeError;
use super::model::Universe;
use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOptions, TerminationReason};
use serde::Serialize;
use std::time::{Duration, Instant};

type Terms = Vec<(usize, f64)>;

/// One objective of the lexicographic order and how far it was solved.
#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    /// `seats`, `coverage` (field and category lines missed) or `balance` (soft penalty).
    pub goal: &'static str,
    /// The value reached.
    pub value: f64,
    /// The best proven lower bound (equal to `value` when proven).
    pub bound: Option<f64>,
    /// Relative gap between value and bound, when known.
    pub gap: Option<f64>,
    pub proven: bool,
}

/// What the solver did.
#[derive(Debug, Clone, Serialize)]
pub struct SolverReport {
    pub solver: &'static str,
    /// Every stage proven optimal.
    pub optimal: bool,
    pub stages: Vec<Stage>,
    pub nodes: u64,
    pub seconds: f64,
    pub time_limit_seconds: f64,
}

/// A chosen set of seats and how it was found.
pub(crate) struct Solved {
    pub chosen: Vec<bool>,
    pub report: SolverReport,
}

/// The ILP: integer variables (bounds), rows, and the stage objectives.
struct Ilp {
    bounds: Vec<(i32, i32)>,
    rows: Vec<(Terms, ComparisonOp, f64)>,
    seats: Terms,
    missed: Terms,
    penalty: Terms,
}

impl Ilp {
    fn var(&mut self, lo: i32, hi: i32) -> usize {
        self.bounds.push((lo, hi));
        self.bounds.len() - 1
    }

    /// Builds the program; `without` leaves out the hard rule of that id
    /// (used to find which hard rules conflict).
    fn new(u: &Universe, seats: Option<usize>, without: Option<&str>) -> Self {
        let n = u.candidates.len();
        let mut ilp = Ilp {
            bounds: Vec::with_capacity(n),
            rows: Vec::new(),
            seats: (0..n).map(|k| (k, 1.0)).collect(),
            missed: Vec::new(),
            penalty: Vec::new(),
        };
        for c in &u.candidates {
            let b = match (c.fixed, c.barred) {
                (Some(_), _) => (1, 1),
                (None, true) => (0, 0),
                (None, false) => (0, 1),
            };
            ilp.var(b.0, b.1);
        }
        let dropped = |rule: &Option<String>| without.is_some() && rule.as_deref() == without;
        for l in &u.lines {
            let reach = l.reachable();
            if reach == 0 || dropped(&l.rule) {
                continue;
            }
            let mut terms: Terms = l.holders.iter().map(|&k| (k, 1.0)).collect();
            let r = reach as f64;
            if l.is_coverage() && seats.is_some() {
                let m = ilp.var(0, 1);
                terms.push((m, r));
                ilp.missed.push((m, 1.0));
            } else if !l.hard && !l.is_coverage() {
                let s = ilp.var(0, reach as i32);
                terms.push((s, 1.0));
                ilp.penalty.push((s, l.weight));
            }
            ilp.rows.push((terms, ComparisonOp::Ge, r));
        }
        for cap in &u.caps {
            if cap.hard && without == Some(cap.rule.as_str()) {
                continue;
            }
            let mut terms: Terms = cap.members.iter().map(|&k| (k, 1.0)).collect();
            if !cap.hard {
                let e = ilp.var(0, cap.members.len() as i32);
                terms.push((e, -1.0));
                ilp.penalty.push((e, cap.weight));
            }
            ilp.rows.push((terms, ComparisonOp::Le, cap.max as f64));
        }
        for f in u.freshness.iter().filter(|f| !f.hard) {
            ilp.penalty.extend(f.stale.iter().map(|&k| (k, f.weight)));
        }
        if let Some(limit) = seats {
            ilp.rows
                .push((ilp.seats.clone(), ComparisonOp::Le, limit as f64));
        }
        ilp
    }

    fn problem(
        &self,
        objective: &Terms,
        pinned: &[(Terms, f64)],
    ) -> (Problem, Vec<microlp::Variable>) {
        let mut coeff = vec![0.0; self.bounds.len()];
        for &(v, c) in objective {
            coeff[v] += c;
        }
        let mut p = Problem::new(OptimizationDirection::Minimize);
        let vars: Vec<microlp::Variable> = self
            .bounds
            .iter()
            .zip(&coeff)
            .map(|(&b, &c)| p.add_integer_var(c, b))
            .collect();
        let lin = |t: &Terms| t.iter().map(|&(v, c)| (vars[v], c)).collect::<Vec<_>>();
        for (terms, op, rhs) in &self.rows {
            p.add_constraint(lin(terms).as_slice(), *op, *rhs);
        }
        for (terms, at_most) in pinned {
            p.add_constraint(lin(terms).as_slice(), ComparisonOp::Le, *at_most);
        }
        (p, vars)
    }
}

/// Solves the universe within `time_limit`.
///
/// # Errors
/// [`ProposeError::Infeasible`] when the hard rules (with the seat limit)
/// cannot all hold, naming the rules whose removal would help;
/// [`ProposeError::NoSolutionInTime`]; [`ProposeError::Solver`].
pub(crate) fn solve(
    u: &Universe,
    seats: Option<usize>,
    time_limit: Duration,
) -> Result<Solved, ProposeError> {
    let started = Instant::now();
    let ilp = Ilp::new(u, seats, None);
    let goals: Vec<(&'static str, &Terms, bool)> = match seats {
        None => vec![
            ("seats", &ilp.seats, true),
            ("balance", &ilp.penalty, false),
        ],
        Some(_) => vec![
            ("coverage", &ilp.missed, true),
            ("balance", &ilp.penalty, false),
            ("seats", &ilp.seats, true),
        ],
    };
    let mut pinned: Vec<(Terms, f64)> = Vec::new();
    let mut stages = Vec::new();
    let mut values: Option<Vec<f64>> = None;
    let mut nodes = 0;
    for (goal, objective, integral) in goals {
        let left = time_limit.saturating_sub(started.elapsed());
        if values.is_some() && (objective.is_empty() || left.is_zero()) {
            if !objective.is_empty() {
                // No time left for this goal: keep the last answer, unproven.
                stages.push(Stage {
                    goal,
                    value: eval(objective, values.as_deref().unwrap_or_default()),
                    bound: None,
                    gap: None,
                    proven: false,
                });
            }
            continue;
        }
        let (p, vars) = ilp.problem(objective, &pinned);
        let mut options = SolveOptions::default();
        options.time_limit = Some(left.max(Duration::from_millis(1)));
        options.warm_start = values
            .as_ref()
            .map(|v| vars.iter().copied().zip(v.iter().copied()).collect());
        let outcome = match p.solve_with(options) {
            Ok(o) => o,
            Err(microlp::Error::Infeasible) => return Err(infeasible(u, seats)),
            Err(source) => return Err(ProposeError::Solver { source }),
        };
        let reason = outcome.termination_reason();
        let stats = outcome.stats();
        nodes += stats.nodes_solved;
        let solution = outcome
            .into_solution()
            .map_err(|_| ProposeError::NoSolutionInTime {
                seconds: time_limit.as_secs_f64(),
            })?;
        let v: Vec<f64> = vars.iter().map(|&x| solution.var_value(x)).collect();
        let value = eval(objective, &v);
        let proven = reason == TerminationReason::ProvenOptimal;
        stages.push(Stage {
            goal,
            value,
            bound: if proven {
                Some(value)
            } else {
                stats.best_bound
            },
            gap: if proven { Some(0.0) } else { stats.gap },
            proven,
        });
        // The next goal may not worsen this one.
        let slack = if integral {
            0.5
        } else {
            1e-6 * value.abs().max(1.0)
        };
        pinned.push((objective.clone(), value + slack));
        values = Some(v);
        if !proven {
            break;
        }
    }
    let v = values.unwrap_or_else(|| vec![0.0; ilp.bounds.len()]);
    Ok(Solved {
        chosen: (0..u.candidates.len()).map(|k| v[k] > 0.5).collect(),
        report: SolverReport {
            solver: "microlp",
            optimal: stages.iter().all(|s| s.proven),
            stages,
            nodes,
            seconds: started.elapsed().as_secs_f64(),
            time_limit_seconds: time_limit.as_secs_f64(),
        },
    })
}

fn eval(terms: &Terms, v: &[f64]) -> f64 {
    terms
        .iter()
        .map(|&(k, c)| c * v.get(k).copied().unwrap_or(0.0))
        .sum()
}

/// Names the hard rules whose removal makes the program feasible (all hard
/// rules, and the seat limit, when no single one does).
fn infeasible(u: &Universe, seats: Option<usize>) -> ProposeError {
    let mut hard: Vec<String> = u
        .lines
        .iter()
        .filter(|l| l.hard && !l.is_coverage())
        .filter_map(|l| l.rule.clone())
        .chain(u.caps.iter().filter(|c| c.hard).map(|c| c.rule.clone()))
        .collect();
    hard.dedup();
    let feasible = |ilp: Ilp| {
        let (p, _) = ilp.problem(&Vec::new(), &[]);
        let mut options = SolveOptions::default();
        options.time_limit = Some(Duration::from_secs(2));
        !matches!(p.solve_with(options), Err(microlp::Error::Infeasible))
    };
    let culprits: Vec<String> = hard
        .iter()
        .filter(|r| feasible(Ilp::new(u, seats, Some(r.as_str()))))
        .cloned()
        .collect();
    let seat_limit = seats.filter(|_| feasible(Ilp::new(u, None, None)));
    ProposeError::Infeasible {
        rules: if culprits.is_empty() && seat_limit.is_none() {
            hard
        } else {
            culprits
        },
        seats: seat_limit,
    }
}
