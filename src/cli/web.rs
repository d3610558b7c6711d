//! `moderation` and `user`: the server's queue and accounts from the
//! command line, through the same library calls as `serve`.

use super::Outcome;
use super::args::{ModerationCommand, UserCommand};
use super::output::{Out, emit};
use anyhow::{Context, Result, bail};
use stadtatlas::access;
use stadtatlas::export::Grid;
use stadtatlas::moderation::{self, Submission};
use stadtatlas::store::Location;
use std::io::IsTerminal;

/// Who decides when `--by` is not given: the login name.
fn decider(by: Option<String>) -> Result<String> {
    match by.or_else(|| std::env::var("USER").ok()) {
        Some(by) if !by.trim().is_empty() && !by.chars().any(char::is_control) => {
            Ok(by.trim().to_string())
        }
        _ => bail!("say who decides with --by NAME (there is no $USER)"),
    }
}

fn queue_grid(list: &[Submission]) -> Grid {
    Grid {
        headers: [
            "#", "received", "status", "proposal", "name", "kind", "fields", "decided",
        ]
        .map(String::from)
        .to_vec(),
        rows: list
            .iter()
            .map(|s| {
                vec![
                    s.id.to_string(),
                    s.received_at.clone(),
                    s.status.as_str().to_string(),
                    s.proposal
                        .correction_of
                        .as_ref()
                        .map_or("new record".to_string(), |id| format!("correction of {id}")),
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
        notes: vec![format!("{} submissions", list.len())],
    }
}

fn submission_grid(s: &Submission, lookalikes: &[moderation::Lookalike]) -> Grid {
    let p = &s.proposal;
    let mut rows: Vec<Vec<String>> = vec![
        vec![
            "submission".into(),
            format!("#{} of {}", s.id, s.received_at),
        ],
        vec!["status".into(), format!("{:?}", s.status).to_lowercase()],
        vec!["name".into(), p.name.clone()],
        vec!["kind".into(), p.kind.as_str().into()],
        vec!["category".into(), p.category.clone().unwrap_or_default()],
        vec!["fields".into(), p.fields.join(", ")],
        vec!["address".into(), p.address.clone().unwrap_or_default()],
        vec![
            "point".into(),
            p.location
                .map(|l| format!("{:.6}, {:.6}", l.lon(), l.lat()))
                .unwrap_or_default(),
        ],
        vec!["website".into(), p.website.clone().unwrap_or_default()],
        vec![
            "description".into(),
            p.description.clone().unwrap_or_default(),
        ],
        vec![
            "corrects".into(),
            p.correction_of.clone().unwrap_or_default(),
        ],
    ];
    if let Some(c) = &s.contact {
        let how = [c.email.as_deref(), c.phone.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        rows.push(vec![
            "contact (internal)".into(),
            format!("{} ({how})", c.name),
        ]);
    }
    if let Some(c) = &s.consent {
        rows.push(vec![
            "consent".into(),
            format!("text of {}, given {}", c.version, c.given_at),
        ]);
    }
    if let Some(by) = &s.decided_by {
        rows.push(vec![
            "decided".into(),
            format!(
                "{by}, {}{}",
                s.decided_at.clone().unwrap_or_default(),
                s.reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ),
        ]);
    }
    for l in lookalikes {
        let what = if l.corrected {
            "corrects".to_string()
        } else {
            "may duplicate".to_string()
        };
        rows.push(vec![
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
        ]);
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
            emit(out, &list, || queue_grid(&list))?;
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
            emit(out, &json, || submission_grid(&s, &lookalikes))?;
            Ok(Outcome::Ok)
        }
        ModerationCommand::Approve { id, by } => {
            let by = decider(by)?;
            let approved = moderation::approve(store, id, &by)?;
            emit(out, &approved, || Grid {
                headers: vec!["submission".into(), "record".into(), "import".into()],
                rows: vec![vec![
                    format!("#{}", approved.submission),
                    approved.record_id.clone(),
                    format!("#{}", approved.import_id),
                ]],
                notes: std::iter::once(format!("approved by {by}"))
                    .chain(approved.warnings.iter().map(|w| format!("warning: {w}")))
                    .collect(),
            })?;
            Ok(Outcome::Ok)
        }
        ModerationCommand::Reject { id, reason, by } => {
            let by = decider(by)?;
            let s = moderation::reject(store, id, &by, &reason)?.without_contact();
            emit(out, &s, || Grid {
                headers: vec!["submission".into(), "status".into(), "reason".into()],
                rows: vec![vec![format!("#{id}"), "rejected".into(), reason.clone()]],
                notes: vec![format!(
                    "rejected by {by}; nothing was stored but the decision"
                )],
            })?;
            Ok(Outcome::Ok)
        }
    }
}

/// The new password: asked twice on a terminal, else one line of stdin.
fn password(name: &str) -> Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("password for {name}: "))?;
        let again = rpassword::prompt_password("again: ")?;
        if first != again {
            bail!("the two passwords differ; nothing was changed");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

/// Runs a `user` subcommand.
pub fn user(out: &Out, store: &Location, action: UserCommand) -> Result<Outcome> {
    match action {
        UserCommand::Add { name, role } => {
            let password = password(&name)?;
            access::add_user(store, &name, role, &password)?;
            out.progress(&format!("account {name} ({}) saved", role.as_str()));
            Ok(Outcome::Ok)
        }
        UserCommand::List => {
            let users = access::users(store)?;
            emit(out, &users, || Grid {
                headers: ["name", "role", "created", "API tokens"]
                    .map(String::from)
                    .to_vec(),
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
            out.progress(&format!("account {name} and its tokens removed"));
            Ok(Outcome::Ok)
        }
        UserCommand::Token { name, label } => {
            let token = access::new_token(store, &name, &label)?;
            // The token on stdout (for a script to keep), the advice on stderr.
            println!("{token}");
            out.progress(&format!(
                "API token for {name} ({label}); it is shown only now. \
                 Send it as `Authorization: Bearer TOKEN`"
            ));
            Ok(Outcome::Ok)
        }
    }
}
