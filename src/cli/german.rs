//! German wording of the errors a planner meets most: unknown ids and
//! districts, requirement files, balance rules and `board propose`. Other
//! causes keep the library's English text after the German prefix.

use stadtatlas::districts::ResolveError;
use stadtatlas::governance::balance::BalanceError;
use stadtatlas::governance::{ProposeError, RequirementError};
use stadtatlas::query::QueryError;

/// The error chain as `{:#}` prints it, known causes in German.
pub fn chain(err: &anyhow::Error) -> String {
    err.chain()
        .map(|e| cause(e).unwrap_or_else(|| e.to_string()))
        .collect::<Vec<_>>()
        .join(": ")
}

fn cause(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    if let Some(e) = e.downcast_ref::<QueryError>() {
        return query(e);
    }
    if let Some(e) = e.downcast_ref::<ResolveError>() {
        return Some(resolve(e));
    }
    if let Some(e) = e.downcast_ref::<BalanceError>() {
        return Some(balance(e));
    }
    if let Some(e) = e.downcast_ref::<RequirementError>() {
        return match e {
            RequirementError::Read { path, .. } => {
                Some(format!("{} kann nicht gelesen werden", path.display()))
            }
            RequirementError::Parse { path, .. } => {
                Some(format!("{} ist keine Anforderungsdatei", path.display()))
            }
            RequirementError::Balance { path, .. } => Some(format!(
                "{}: eine Ausgewogenheitsregel ist nicht verwendbar",
                path.display()
            )),
            _ => None,
        };
    }
    let e = e.downcast_ref::<ProposeError>()?;
    Some(match e {
        ProposeError::Query(q) => query(q)?,
        ProposeError::Balance(b) => balance(b),
        ProposeError::IncludedAndExcluded(id) => {
            format!("\"{id}\" ist zugleich gesetzt und ausgeschlossen")
        }
        ProposeError::ExcludedMember(id) => format!(
            "\"{id}\" ist Mitglied des Gremiums und bleibt; es kann nicht ausgeschlossen werden"
        ),
        ProposeError::TooFewSeats { seats, fixed } => format!(
            "--seats {seats} lässt keinen Platz: {fixed} Sitze sind Mitglieder oder gesetzt"
        ),
        ProposeError::Infeasible { rules, seats } => format!(
            "die harten Regeln können nicht alle gelten{}{}; machen Sie eine weich (`hard = false`) oder lockern Sie sie",
            if rules.is_empty() {
                String::new()
            } else {
                format!(": {}", rules.join(", "))
            },
            seats
                .map(|n| format!(" mit höchstens {n} Sitzen"))
                .unwrap_or_default()
        ),
        ProposeError::NoSolutionInTime { seconds } => {
            format!("der Löser fand in {seconds} s keine Besetzung; erhöhen Sie --time-limit")
        }
        ProposeError::Solver { .. } => "der Löser ist gescheitert".to_string(),
        _ => return None,
    })
}

fn query(e: &QueryError) -> Option<String> {
    Some(match e {
        QueryError::UnknownEntity(id) => format!("kein Eintrag hat die Kennung \"{id}\""),
        QueryError::District(r) => resolve(r),
        QueryError::NoDistricts => {
            "der Speicher enthält keine Bezirke; importieren Sie zuerst welche".to_string()
        }
        _ => return None,
    })
}

fn resolve(e: &ResolveError) -> String {
    match e {
        ResolveError::NotFound { name, level } => format!(
            "kein Bezirk heißt \"{name}\"{}",
            level
                .as_ref()
                .map(|l| format!(" auf der Ebene {l}"))
                .unwrap_or_default()
        ),
        ResolveError::Ambiguous { name, candidates } => format!(
            "\"{name}\" ist mehrdeutig: {}; wählen Sie mit --level oder über die Kennung",
            candidates.join(", ")
        ),
        ResolveError::UnknownLevel { level, known } => format!(
            "unbekannte Ebene \"{level}\"; Ebenen sind: {}",
            known.join(", ")
        ),
        other => other.to_string(),
    }
}

fn balance(e: &BalanceError) -> String {
    match e {
        BalanceError::UnknownRule { index, rule } => format!(
            "Ausgewogenheitsregel {index}: unbekannte Regel \"{rule}\" (at_least, at_most, every_district, verified_within)"
        ),
        BalanceError::Missing { index, rule, key } => {
            format!("Ausgewogenheitsregel {index} ({rule}): braucht `{key}`")
        }
        BalanceError::Unused { index, rule, key } => {
            format!("Ausgewogenheitsregel {index} ({rule}): `{key}` gehört nicht zu dieser Regel")
        }
        BalanceError::Weight { index, weight } => {
            format!("Ausgewogenheitsregel {index}: Gewicht {weight} muss eine Zahl ≥ 0 sein")
        }
        other => other.to_string(),
    }
}
