//! German wording of the errors a planner meets most: unknown ids and
//! districts, requirement files, balance rules, `board propose`, the store
//! (missing, of another version, a conflicting import), a refused import's
//! frame and places, and the command line's own usage errors. What a file's
//! problem is (the readers' messages) and other causes keep the library's
//! English text after the German prefix.

use stadtatlas::districts::ResolveError;
use stadtatlas::export::stream::ExportError;
use stadtatlas::governance::balance::BalanceError;
use stadtatlas::governance::{ProposeError, RequirementError};
use stadtatlas::import::run::RunError;
use stadtatlas::import::{ImportError, Issue};
use stadtatlas::query::QueryError;
use stadtatlas::store::StoreError;

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
    if let Some(e) = e.downcast_ref::<ImportError>() {
        return Some(import(e));
    }
    if let Some(e) = e.downcast_ref::<RunError>() {
        return match e {
            RunError::Input(i) => Some(import(i)),
            RunError::Read { store, .. } => Some(format!("beim Lesen des Speichers {store}")),
            RunError::Write { store, .. } => Some(format!("beim Schreiben des Imports in {store}")),
            _ => None,
        };
    }
    if let Some(e) = e.downcast_ref::<StoreError>() {
        return store(e);
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

/// The frame of a refused import and where each problem is, in German;
/// what the problem is stays in the reader's English.
fn import(e: &ImportError) -> String {
    let n = e.issues.len();
    let lines: Vec<String> = e.issues.iter().map(|i| format!("  {}", issue(i))).collect();
    format!(
        "Import abgelehnt, der Speicher bleibt unverändert ({n} Problem{}):\n{}",
        if n == 1 { "" } else { "e" },
        lines.join("\n")
    )
}

fn issue(i: &Issue) -> String {
    let mut out = i.file.display().to_string();
    if let Some(line) = i.line {
        out.push_str(&format!(":{line}"));
    }
    out.push_str(": ");
    if let Some(place) = &i.place {
        let place = if let Some(column) = place.strip_prefix("column ") {
            format!("Spalte {column}")
        } else if let Some(number) = place.strip_prefix("feature ") {
            format!("Objekt {number}")
        } else {
            place.clone()
        };
        out.push_str(&format!("{place}: "));
    }
    out.push_str(&i.message);
    out
}

fn store(e: &StoreError) -> Option<String> {
    Some(match e {
        StoreError::Open { store, .. } => format!("Speicher {store} kann nicht geöffnet werden"),
        StoreError::NotAStore { store } => format!(
            "{store} ist kein stadtatlas-Speicher (keine Tabelle stadtatlas_meta); \
             `stadtatlas init` legt einen neuen an"
        ),
        StoreError::SchemaVersion {
            store,
            found,
            expected,
        } => format!(
            "Speicher {store} hat die Schemaversion {found}, dieses Programm liest Version \
             {expected} (einen älteren Speicher bringt es auf den Stand, wenn es hineinschreiben darf)"
        ),
        StoreError::Exists { store } => format!("{store} gibt es schon; er bleibt, wie er ist"),
        StoreError::Missing { store } => format!(
            "Speicher {store} gibt es nicht; `stadtatlas init` oder `stadtatlas import` legt ihn an"
        ),
        StoreError::Conflict { what, id, import } => format!(
            "{} '{id}' wurde von Import #{import} geändert, nachdem dieser Import den Speicher \
             gelesen hatte; nichts wurde geschrieben. Führen Sie den Import noch einmal aus: er \
             wird dann gegen den jetzigen Speicher geplant",
            match *what {
                "record" => "Eintrag",
                "district" => "Bezirk",
                other => other,
            }
        ),
        StoreError::NotPending { id, state } => {
            let state = match state
                .strip_prefix("is ")
                .and_then(|s| s.strip_suffix(" already"))
            {
                Some(s) => format!("ist schon {s}"),
                None if state == "does not exist" => "gibt es nicht".to_string(),
                None => state.clone(),
            };
            format!("Einreichung #{id} {state}; nichts wurde geschrieben")
        }
        StoreError::Corrupt { what, id, .. } => {
            format!("gespeicherter Datensatz {what} '{id}' ist nicht lesbar")
        }
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
