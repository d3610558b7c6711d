//! German wording of the errors a planner meets most: unknown ids and
//! districts, requirement files, balance rules, `board propose`, and the
//! command line's own usage errors. Other causes keep the library's English
//! text after the German prefix; `--help` is English.

use stadtatlas::districts::ResolveError;
use stadtatlas::export::stream::ExportError;
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
    if let Some(ExportError::Write { path, .. }) = e.downcast_ref::<ExportError>() {
        return Some(format!("{path} kann nicht geschrieben werden"));
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

/// A usage error of the command line (clap's) in German, with the usage
/// line and where to read more; `None` for help and version output and for
/// the kinds clap words best itself.
pub fn usage_error(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::StyledStrs(v)) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let quoted = |k: ContextKind| get(k).map(|s| format!("'{s}'")).unwrap_or_default();
    let arg = quoted(ContextKind::InvalidArg);
    let mut text = match e.kind() {
        ErrorKind::InvalidValue => {
            let value = get(ContextKind::InvalidValue).unwrap_or_default();
            if value.is_empty() {
                format!("für {arg} fehlt ein Wert")
            } else {
                format!("ungültiger Wert '{value}' für {arg}")
            }
        }
        ErrorKind::UnknownArgument => format!("unbekannte Angabe {arg}"),
        ErrorKind::InvalidSubcommand => {
            format!(
                "unbekannter Befehl {}",
                quoted(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::MissingRequiredArgument => {
            format!("es fehlt: {}", get(ContextKind::InvalidArg)?)
        }
        ErrorKind::ArgumentConflict => match get(ContextKind::PriorArg) {
            Some(prior) => format!("{arg} kann nicht zusammen mit '{prior}' angegeben werden"),
            None => format!("{arg} kann nicht mit den anderen Angaben zusammen stehen"),
        },
        ErrorKind::ValueValidation => {
            let value = get(ContextKind::InvalidValue).unwrap_or_default();
            let why = std::error::Error::source(e)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            format!("ungültiger Wert '{value}' für {arg}{why}")
        }
        ErrorKind::NoEquals => format!("{arg} verlangt ein '=' vor dem Wert"),
        ErrorKind::TooManyValues => format!(
            "zu viele Werte für {arg}: '{}'",
            get(ContextKind::InvalidValue).unwrap_or_default()
        ),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!(
            "{arg} verlangt {} Wert(e), gegeben: {}",
            get(ContextKind::ExpectedNumValues)
                .or_else(|| get(ContextKind::MinValues))
                .unwrap_or_default(),
            get(ContextKind::ActualNumValues).unwrap_or_default()
        ),
        ErrorKind::MissingSubcommand => format!(
            "es fehlt ein Befehl für {}",
            quoted(ContextKind::InvalidSubcommand)
        ),
        _ => return None,
    };
    if let Some(valid) = get(ContextKind::ValidValue).filter(|v| !v.is_empty()) {
        text.push_str(&format!("\n  mögliche Werte: {valid}"));
    }
    for k in [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ] {
        if let Some(s) = get(k) {
            text.push_str(&format!("\n  meinten Sie '{s}'?"));
        }
    }
    if let Some(usage) = get(ContextKind::Usage) {
        let usage = usage.trim_start_matches("Usage:").trim();
        text.push_str(&format!("\n\nAufruf: {usage}"));
    }
    text.push_str("\n\nMehr dazu: '--help' (die Hilfe ist englisch)");
    Some(text)
}
