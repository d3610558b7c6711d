//! German wording of the errors: unknown ids and districts, requirement
//! files, balance rules, `board propose`, the store (missing, of another
//! version, a conflicting import), a refused import (frame, places, and each
//! problem as its reader worded it in both languages, [`Issue::message`]),
//! `locate`, moderation, accounts, saved queries, the report and the
//! server, the command line's own refusals ([`Said`]) and its usage errors.
//! Causes from outside (the system's, a parser's, SQLite's) keep their own
//! text after the German.
use stadtatlas::access::AccessError;
use stadtatlas::districts::ResolveError;
use stadtatlas::export::stream::ExportError;
use stadtatlas::governance::balance::BalanceError;
use stadtatlas::governance::{ProposeError, RequirementError};
use stadtatlas::import::run::RunError;
use stadtatlas::import::{ImportError, Issue};
use stadtatlas::locate::LocateError;
use stadtatlas::model::{Lang, Text};
use stadtatlas::moderation::ModerationError;
use stadtatlas::query::QueryError;
use stadtatlas::report::ReportError;
use stadtatlas::serve::ServeError;
use stadtatlas::sql::SqlError;
use stadtatlas::store::StoreError;

/// An error of the command line itself, worded in both languages:
/// `return Err(said(text!(…)))`, or around its cause with [`Saying::said`]
/// (anyhow's `context`, but the German survives: a context's type cannot be
/// recovered from the error chain, this one's can).
#[derive(Debug)]
pub struct Said {
    text: Text,
    cause: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// The command line's own error, without a cause.
pub fn said(text: Text) -> anyhow::Error {
    anyhow::Error::new(Said { text, cause: None })
}

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text.en())
    }
}

impl std::error::Error for Said {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// [`Said`] as the context of a failed step: what the tool was doing.
pub trait Saying<T> {
    /// The error, with what was being done in both languages before it.
    fn said(self, text: impl FnOnce() -> Text) -> anyhow::Result<T>;
}

impl<T, E: std::error::Error + Send + Sync + 'static> Saying<T> for Result<T, E> {
    fn said(self, text: impl FnOnce() -> Text) -> anyhow::Result<T> {
        self.map_err(|e| {
            anyhow::Error::new(Said {
                text: text(),
                cause: Some(Box::new(e)),
            })
        })
    }
}

/// The error chain as `{:#}` prints it, known causes in German.
pub fn chain(err: &anyhow::Error) -> String {
    err.chain()
        .map(|e| cause(e).unwrap_or_else(|| e.to_string()))
        .collect::<Vec<_>>()
        .join(": ")
}

fn cause(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    if let Some(e) = e.downcast_ref::<Said>() {
        return Some(e.text.in_lang(Lang::De).to_string());
    }
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
    if let Some(e) = e.downcast_ref::<LocateError>() {
        return locate(e);
    }
    if let Some(e) = e.downcast_ref::<ModerationError>() {
        return moderation(e);
    }
    if let Some(e) = e.downcast_ref::<AccessError>() {
        return access(e);
    }
    if let Some(e) = e.downcast_ref::<SqlError>() {
        return sql(e);
    }
    if let Some(e) = e.downcast_ref::<ReportError>() {
        return match e {
            ReportError::Io { path, .. } => {
                Some(format!("{} kann nicht geschrieben werden", path.display()))
            }
            _ => None,
        };
    }
    if let Some(e) = e.downcast_ref::<ServeError>() {
        return match e {
            ServeError::Bind { addr, source } => {
                Some(format!("auf {addr} kann nicht gelauscht werden: {source}"))
            }
            ServeError::BaseUrl(url) => Some(format!(
                "--base-url {url}: eine http://- oder https://-Adresse ohne Abfrage und Fragment"
            )),
            ServeError::Io(source) => Some(format!("der Server ist ausgefallen: {source}")),
            _ => None,
        };
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

/// A refused import in German: the frame, where each problem is and what
/// it is (the readers word each problem in both languages).
fn import(e: &ImportError) -> String {
    refused("Import abgelehnt, der Speicher bleibt unverändert", e)
}

/// `what` was refused for the problems of `e`, one line each.
fn refused(what: &str, e: &ImportError) -> String {
    let n = e.issues.len();
    let lines: Vec<String> = e.issues.iter().map(|i| format!("  {}", issue(i))).collect();
    format!(
        "{what} ({n} Problem{}):\n{}",
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
        } else if let Some(number) = place.strip_prefix("line ") {
            format!("Zeile {number}")
        } else {
            place.clone()
        };
        out.push_str(&format!("{place}: "));
    }
    out.push_str(i.message.in_lang(Lang::De));
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

fn locate(e: &LocateError) -> Option<String> {
    Some(match e {
        LocateError::NoStore { store } => {
            format!("Speicher {store} gibt es nicht; importieren Sie zuerst das Inventar")
        }
        LocateError::NoRegister => {
            "kein Adressregister angegeben; nennen Sie eines mit --register DATEI".into()
        }
        LocateError::Folder { path } => format!(
            "{} ist ein Ordner; ein Adressregister ist eine Datei (GeoJSON, CSV, Shapefile, eine .zip, …)",
            path.display()
        ),
        LocateError::EmptyRegister { files } => format!(
            "{} enthält keine Adressen",
            files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        LocateError::Register(i) => refused("Adressregister abgelehnt, nichts wurde verortet", i),
        LocateError::Store { store, .. } => format!("beim Lesen des Speichers {store}"),
        _ => return None,
    })
}

fn moderation(e: &ModerationError) -> Option<String> {
    Some(match e {
        ModerationError::Unknown(id) => format!("es gibt keine Einreichung #{id}"),
        ModerationError::Decided { id, status, by } => {
            format!("Einreichung #{id} ist bereits {status} (von {by}); nichts wurde geschrieben")
        }
        ModerationError::NoSuchRecord(id) => {
            format!("die Einreichung korrigiert den Eintrag '{id}', den das Inventar nicht hat")
        }
        ModerationError::Corrupt { id, why } => {
            format!("die gespeicherte Einreichung #{id} kann nicht gelesen werden: {why}")
        }
        ModerationError::Reason => "eine Ablehnung braucht einen Grund (1 bis 500 Zeichen)".into(),
        _ => return None,
    })
}

fn access(e: &AccessError) -> Option<String> {
    Some(match e {
        AccessError::Name(name) => format!(
            "Kontoname \"{name}\": 1 bis 64 Zeichen aus a-z, 0-9, '.', '_', '-', beginnend mit einem Buchstaben oder einer Ziffer"
        ),
        AccessError::ShortPassword(n) => format!(
            "das Passwort braucht mindestens {} Zeichen (es hat {n})",
            stadtatlas::access::MIN_PASSWORD
        ),
        AccessError::Unknown(name) => format!("es gibt kein Konto \"{name}\""),
        AccessError::Label(label) => {
            format!("Token-Bezeichnung \"{label}\": 1 bis 100 druckbare Zeichen")
        }
        AccessError::Corrupt { name, role } => format!(
            "der Speicher hat ein Konto \"{name}\" mit der Rolle \"{role}\", die dieses Programm nicht kennt"
        ),
        AccessError::Hash(why) => format!("das Passwort konnte nicht gehasht werden: {why}"),
        _ => return None,
    })
}

fn sql(e: &SqlError) -> Option<String> {
    Some(match e {
        SqlError::Folder { path, .. } => format!(
            "der Abfragenordner {} kann nicht gelesen werden",
            path.display()
        ),
        SqlError::Read { path, .. } => format!(
            "die Abfragedatei {} kann nicht gelesen werden",
            path.display()
        ),
        SqlError::UnknownQuery { name, known } => format!(
            "keine gespeicherte Abfrage heißt \"{name}\"; bekannt: {}",
            known.join(", ")
        ),
        SqlError::UnknownParam { name, known } => format!(
            "unbekannter Parameter \"{name}\"; bekannt: {}",
            if known.is_empty() {
                "keine".to_string()
            } else {
                known.join(", ")
            }
        ),
        SqlError::ParamType {
            name,
            expected,
            value,
        } => format!("Parameter \"{name}\" ist {expected}, nicht \"{value}\""),
        SqlError::MissingParam { name } => format!(
            "Parameter :{name} hat keinen Wert (geben Sie --param {name}=WERT an) und keine Vorgabe"
        ),
        SqlError::MultipleStatements => {
            "geben Sie genau eine SQL-Anweisung an; eine zweite folgt".into()
        }
        SqlError::Timeout { limit } => format!(
            "die Abfrage wurde nach der Zeitgrenze von {} s angehalten",
            limit.as_secs_f64()
        ),
        SqlError::Denied { detail, .. } => {
            format!("nicht erlaubt: Abfragen dürfen nur lesen ({detail})")
        }
        SqlError::Sql { .. } => "SQL-Fehler".into(),
        _ => return None,
    })
}

fn resolve(e: &ResolveError) -> String {
    e.text().in_lang(Lang::De).to_string()
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
    text.push_str("\n\nMehr dazu: '--help'");
    Some(text)
}
