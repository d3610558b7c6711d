//! `moderation` and `user`: the server's queue and accounts from the
//! command line, through the same library calls as `serve`.

use super::Outcome;
use super::args::{ModerationCommand, UserCommand};
use super::german::{Saying, said};
use super::output::{Out, emit, tr};
use anyhow::Result;
use stadtatlas::access;
use stadtatlas::export::{Grid, label};
use stadtatlas::model::Lang;
use stadtatlas::moderation::{self, Submission};
use stadtatlas::store::Location;
use stadtatlas::text;
use std::io::IsTerminal;

/// Who decides when `--by` is not given: the login name.
fn decider(by: Option<String>) -> Result<String> {
    match by.or_else(|| std::env::var("USER").ok()) {
        Some(by) if !by.trim().is_empty() && !by.chars().any(char::is_control) => {
            Ok(by.trim().to_string())
        }
        _ => Err(said(text!(
            "say who decides with --by NAME (there is no $USER)",
            "geben Sie mit --by NAME an, wer entscheidet (es gibt kein $USER)"
        ))),
    }
}

/// Columns' or rows' labels in the language of the messages.
fn labels<const N: usize>(lang: Lang, keys: [&str; N]) -> Vec<String> {
    keys.map(|k| label(k, lang)).to_vec()
}

fn queue_grid(list: &[Submission], lang: Lang) -> Grid {
    Grid {
        headers: labels(
            lang,
            [
                "#", "received", "status", "proposal", "name", "kind", "fields", "decided",
            ],
        ),
        rows: list
            .iter()
            .map(|s| {
                vec![
                    s.id.to_string(),
                    s.received_at.clone(),
                    s.status.as_str().to_string(),
                    s.proposal.correction_of.as_ref().map_or(
                        tr(lang, "neuer Eintrag", "new record").to_string(),
                        |id| {
                            text!("correction of {id}", "Korrektur von {id}")
                                .in_lang(lang)
                                .to_string()
                        },
                    ),
                    s.proposal.name.clone(),
                    s.proposal.kind.as_str().to_string(),
                    s.proposal.fields.join(", "),
                    match (&s.decided_by, &s.decided_at) {
                        (Some(by), Some(at)) => format!("{by}, {at}"),
                        _ => String::new(),
                    },
                ]
            })
            .collect(),
        notes: vec![match lang {
            Lang::De => format!("{} Einreichungen", list.len()),
            Lang::En => format!("{} submissions", list.len()),
        }],
    }
}

fn submission_grid(s: &Submission, lookalikes: &[moderation::Lookalike], lang: Lang) -> Grid {
    let p = &s.proposal;
    let row = |key: &str, value: String| vec![label(key, lang), value];
    let mut rows: Vec<Vec<String>> = vec![
        row(
            "submission",
            text!("#{} of {}", "#{} vom {}", s.id, s.received_at)
                .in_lang(lang)
                .to_string(),
        ),
        row("status", format!("{:?}", s.status).to_lowercase()),
        row("name", p.name.clone()),
        row("kind", p.kind.as_str().into()),
        row("category", p.category.clone().unwrap_or_default()),
        row("fields", p.fields.join(", ")),
        row("address", p.address.clone().unwrap_or_default()),
        row(
            "point",
            p.location
                .map(|l| format!("{:.6}, {:.6}", l.lon(), l.lat()))
                .unwrap_or_default(),
        ),
        row("website", p.website.clone().unwrap_or_default()),
        row("description", p.description.clone().unwrap_or_default()),
        row("corrects", p.correction_of.clone().unwrap_or_default()),
    ];
    if let Some(c) = &s.contact {
        let how = [c.email.as_deref(), c.phone.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        rows.push(row("contact (internal)", format!("{} ({how})", c.name)));
    }
    if let Some(c) = &s.consent {
        rows.push(row(
            "consent",
            text!(
                "text of {}, given {}",
                "Text {}, erteilt {}",
                c.version,
                c.given_at
            )
            .in_lang(lang)
            .to_string(),
        ));
    }
    if let Some(by) = &s.decided_by {
        rows.push(row(
            "decided",
            format!(
                "{by}, {}{}",
                s.decided_at.clone().unwrap_or_default(),
                s.reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ),
        ));
    }
    for l in lookalikes {
        let what = if l.corrected {
            "corrects"
        } else {
            "may duplicate"
        };
        rows.push(row(
            what,
            format!(
                "{} ({}){}",
                l.entity.name,
                l.entity.id,
                l.entity
                    .address
                    .as_ref()
                    .map(|a| format!(", {a}"))
                    .unwrap_or_default()
            ),
        ));
    }
    Grid {
        headers: vec!["".into(), "".into()],
        rows,
        notes: Vec::new(),
    }
}

/// Runs a `moderation` subcommand.
pub fn moderation(out: &Out, store: &Location, action: ModerationCommand) -> Result<Outcome> {
    match action {
        ModerationCommand::List { status } => {
            let list: Vec<Submission> = moderation::list(store, status.0)?
                .into_iter()
                .map(Submission::without_contact)
                .collect();
            emit(out, &list, || queue_grid(&list, out.lang))?;
            Ok(if list.is_empty() {
                Outcome::Nothing
            } else {
                Outcome::Ok
            })
        }
        ModerationCommand::Show { id } => {
            let s = moderation::get(store, id)?;
            let lookalikes = moderation::lookalikes(store, &s)?;
            let json = serde_json::json!({ "submission": s, "lookalikes": lookalikes });
            emit(out, &json, || submission_grid(&s, &lookalikes, out.lang))?;
            Ok(Outcome::Ok)
        }
        ModerationCommand::Approve { id, by } => {
            let by = decider(by)?;
            let approved = moderation::approve(store, id, &by)?;
            emit(out, &approved, || Grid {
                headers: labels(out.lang, ["submission", "record", "import"]),
                rows: vec![vec![
                    format!("#{}", approved.submission),
                    approved.record_id.clone(),
                    format!("#{}", approved.import_id),
                ]],
                notes: std::iter::once(match out.lang {
                    Lang::De => format!("freigegeben von {by}"),
                    Lang::En => format!("approved by {by}"),
                })
                .chain(approved.warnings.iter().map(|w| match out.lang {
                    Lang::De => format!("Warnung: {}", w.in_lang(Lang::De)),
                    Lang::En => format!("warning: {w}"),
                }))
                .collect(),
            })?;
            Ok(Outcome::Ok)
        }
        ModerationCommand::Reject { id, reason, by } => {
            let by = decider(by)?;
            let s = moderation::reject(store, id, &by, &reason)?.without_contact();
            emit(out, &s, || Grid {
                headers: labels(out.lang, ["submission", "status", "reason"]),
                rows: vec![vec![format!("#{id}"), "rejected".into(), reason.clone()]],
                notes: vec![match out.lang {
                    Lang::De => {
                        format!("abgelehnt von {by}; gespeichert wurde nur die Entscheidung")
                    }
                    Lang::En => format!("rejected by {by}; nothing was stored but the decision"),
                }],
            })?;
            Ok(Outcome::Ok)
        }
    }
}

/// The new password: asked twice on a terminal, else one line of stdin.
fn password(name: &str, lang: Lang) -> Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(match lang {
            Lang::De => format!("Passwort für {name}: "),
            Lang::En => format!("password for {name}: "),
        })?;
        let again = rpassword::prompt_password(tr(lang, "noch einmal: ", "again: "))?;
        if first != again {
            return Err(said(text!(
                "the two passwords differ; nothing was changed",
                "die beiden Passwörter unterscheiden sich; nichts wurde geändert"
            )));
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).said(|| {
            text!(
                "reading the password from standard input",
                "beim Lesen des Passworts von der Standardeingabe"
            )
        })?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

/// Runs a `user` subcommand.
pub fn user(out: &Out, store: &Location, action: UserCommand) -> Result<Outcome> {
    match action {
        UserCommand::Add { name, role } => {
            let password = password(&name, out.lang)?;
            access::add_user(store, &name, role, &password)?;
            let role = role.as_str();
            out.say(
                format_args!("Konto {name} ({role}) gespeichert"),
                format_args!("account {name} ({role}) saved"),
            );
            Ok(Outcome::Ok)
        }
        UserCommand::List => {
            let users = access::users(store)?;
            emit(out, &users, || Grid {
                headers: labels(out.lang, ["name", "role", "created", "API tokens"]),
                rows: users
                    .iter()
                    .map(|u| {
                        vec![
                            u.name.clone(),
                            u.role.as_str().into(),
                            u.created_at.clone(),
                            u.tokens.to_string(),
                        ]
                    })
                    .collect(),
                notes: Vec::new(),
            })?;
            Ok(Outcome::Ok)
        }
        UserCommand::Remove { name } => {
            access::remove_user(store, &name)?;
            out.say(
                format_args!("Konto {name} und seine Tokens entfernt"),
                format_args!("account {name} and its tokens removed"),
            );
            Ok(Outcome::Ok)
        }
        UserCommand::Token { name, label } => {
            let token = access::new_token(store, &name, &label)?;
            // The token on stdout (for a script to keep), the advice on stderr.
            println!("{token}");
            out.say(
                format_args!(
                    "API-Token für {name} ({label}); er wird nur jetzt angezeigt. \
                     Senden Sie ihn als `Authorization: Bearer TOKEN`"
                ),
                format_args!(
                    "API token for {name} ({label}); it is shown only now. \
                     Send it as `Authorization: Bearer TOKEN`"
                ),
            );
            Ok(Outcome::Ok)
        }
    }
}
