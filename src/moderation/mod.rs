//! Partner self-registration and its moderation queue.
//!
//! An organisation or initiative proposes itself (or a correction of its
//! record) through the server's form; the proposal waits in the store's
//! queue and never enters the inventory by itself. A coordinator approves
//! it — it is then written by the import operation like any other record,
//! as a new revision whose import names the submission and who approved it
//! — or rejects it, which stores nothing but the decision. The command
//! line and the server both call these functions.

mod form;

pub use form::{CONSENT_TEXT, CONSENT_VERSION, FORM_FIELDS, FieldError, Form, read_form};

use crate::import::run::{self, RunError};
use crate::import::{Batch, ContactRef, Origin};
use crate::metric::degree_margin;
use crate::model::names::slug;
use crate::model::{Contact, Entity, EntityKind, LonLat, Visibility};
use crate::quality::{NEAR, NameAndPlace, likely_duplicates, website_key};
use crate::store::web::{Decision, SubmissionRow};
use crate::store::{Location, StoreError};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What a partner proposes: a new record, or a correction of one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub name: String,
    pub kind: EntityKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<LonLat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The id of the record this corrects; `None` for a new record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction_of: Option<String>,
}

/// The person to contact about the record (personal data: internal only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPerson {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The consent given with a contact person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// Which text was agreed to ([`CONSENT_VERSION`]).
    pub version: String,
    /// UTC, RFC 3339.
    pub given_at: String,
}

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Approved,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(Status::Pending),
            "approved" => Ok(Status::Approved),
            "rejected" => Ok(Status::Rejected),
            other => Err(format!(
                "\"{other}\" is not a status (pending, approved, rejected)"
            )),
        }
    }
}

/// A submission in the queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Submission {
    pub id: i64,
    pub received_at: String,
    pub status: Status,
    pub proposal: Proposal,
    /// Personal data: shown to coordinators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactPerson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The record an approval wrote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// The import an approval wrote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_id: Option<i64>,
}

impl Submission {
    /// The submission without its contact person and consent (for viewers).
    pub fn without_contact(mut self) -> Self {
        self.contact = None;
        self.consent = None;
        self
    }
}

/// Why a moderation step failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModerationError {
    #[error("there is no submission #{0}")]
    Unknown(i64),
    #[error("submission #{id} is {status} already (by {by}); nothing was written")]
    Decided { id: i64, status: Status, by: String },
    #[error("the submission corrects record '{0}', which the inventory does not have")]
    NoSuchRecord(String),
    #[error("stored submission #{id} cannot be read: {why}")]
    Corrupt { id: i64, why: String },
    #[error("a reason for the rejection is needed (1 to 500 characters)")]
    Reason,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Import(#[from] RunError),
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn parse(row: SubmissionRow) -> Result<Submission, ModerationError> {
    let corrupt = |why: String| ModerationError::Corrupt { id: row.id, why };
    let proposal: Proposal =
        serde_json::from_str(&row.proposal).map_err(|e| corrupt(e.to_string()))?;
    let contact = row
        .contact
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| corrupt(e.to_string()))?;
    let consent = row
        .consent
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| corrupt(e.to_string()))?;
    Ok(Submission {
        id: row.id,
        received_at: row.received_at,
        status: row.status.parse().map_err(corrupt)?,
        proposal,
        contact,
        consent,
        decided_by: row.decided_by,
        decided_at: row.decided_at,
        reason: row.reason,
        record_id: row.record_id,
        import_id: row.import_id,
    })
}

/// Puts a proposal into the queue; returns its number. A correction must
/// name a public record of the inventory (the form's users see only
/// those; an internal record's id answers as unknown, so that the form
/// tells nobody which internal ids exist).
///
/// # Errors
/// [`ModerationError::NoSuchRecord`]; the store's errors.
pub fn submit(
    location: &Location,
    proposal: &Proposal,
    contact: Option<&ContactPerson>,
    consent: Option<&Consent>,
) -> Result<i64, ModerationError> {
    let mut store = location.open()?;
    if let Some(id) = &proposal.correction_of
        && !store
            .entities_by_id(&[id.as_str()])?
            .iter()
            .any(|e| e.visibility == Visibility::Public)
    {
        return Err(ModerationError::NoSuchRecord(id.clone()));
    }
    Ok(store.submit(
        &now(),
        &json(proposal),
        contact.map(json).as_deref(),
        consent.map(json).as_deref(),
    )?)
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("a submission serialises")
}

/// The queue, oldest first; with `status`, only those.
///
/// # Errors
/// The store's errors; a stored submission that cannot be read.
pub fn list(
    location: &Location,
    status: Option<Status>,
) -> Result<Vec<Submission>, ModerationError> {
    let rows = location.open_for_reading()?.submissions(None)?;
    let mut all = rows.into_iter().map(parse).collect::<Result<Vec<_>, _>>()?;
    if let Some(status) = status {
        all.retain(|s| s.status == status);
    }
    Ok(all)
}

/// One submission.
///
/// # Errors
/// [`ModerationError::Unknown`]; the store's errors.
pub fn get(location: &Location, id: i64) -> Result<Submission, ModerationError> {
    let row = location
        .open_for_reading()?
        .submissions(Some(id))?
        .into_iter()
        .next()
        .ok_or(ModerationError::Unknown(id))?;
    parse(row)
}

fn pending(location: &Location, id: i64) -> Result<Submission, ModerationError> {
    let s = get(location, id)?;
    if s.status != Status::Pending {
        return Err(ModerationError::Decided {
            id,
            status: s.status,
            by: s.decided_by.unwrap_or_default(),
        });
    }
    Ok(s)
}

/// A stored record a submission may duplicate or corrects.
#[derive(Debug, Clone, Serialize)]
pub struct Lookalike {
    pub entity: Entity,
    /// True for the record a correction names.
    pub corrected: bool,
    /// Why it may be a duplicate (`None` for the corrected record).
    pub reason: Option<crate::quality::DuplicateReason>,
}

/// The stored records that the submission's proposal may duplicate: within
/// 100 m with a similar name, or with the same website (the import's
/// advice), each once; for a correction, its record first. The record an
/// approved submission became is not its own lookalike.
///
/// # Errors
/// The store's errors.
pub fn lookalikes(
    location: &Location,
    submission: &Submission,
) -> Result<Vec<Lookalike>, ModerationError> {
    let proposal = &submission.proposal;
    let store = location.open_for_reading()?;
    let mut found: Vec<Entity> = Vec::new();
    if let Some(p) = proposal.location {
        let (dlon, dlat) = degree_margin(p.lat(), NEAR);
        found.extend(store.entities_in_box(
            (p.lon() - dlon, p.lat() - dlat),
            (p.lon() + dlon, p.lat() + dlat),
            &|_, _| true,
        )?);
    }
    if let Some(w) = proposal.website.as_deref().map(website_key)
        && !w.is_empty()
    {
        found.extend(store.entities_with_websites(&[w])?);
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|e| seen.insert(e.id.clone()));
    // By id: the stores hand a box's records over in no set order.
    found.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let mut candidates = vec![NameAndPlace {
        id: String::new(),
        name: proposal.name.clone(),
        location: proposal.location,
        website: proposal.website.clone(),
    }];
    candidates.extend(found.iter().map(NameAndPlace::of));
    let mut out: Vec<Lookalike> = Vec::new();
    if let Some(id) = &proposal.correction_of {
        for entity in store.entities_by_id(&[id.as_str()])? {
            out.push(Lookalike {
                entity,
                corrected: true,
                reason: None,
            });
        }
    }
    out.extend(
        likely_duplicates(&candidates, Some(&[0]))
            .into_iter()
            .map(|d| Lookalike {
                entity: found[d.a.max(d.b) - 1].clone(),
                corrected: false,
                reason: Some(d.reason),
            })
            .filter(|l| {
                Some(&l.entity.id) != proposal.correction_of.as_ref()
                    && Some(&l.entity.id) != submission.record_id.as_ref()
            }),
    );
    // A record alike in name and website is one lookalike (the first reason).
    let mut listed = std::collections::HashSet::new();
    out.retain(|l| listed.insert(l.entity.id.clone()));
    Ok(out)
}

/// What an approval wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Approved {
    pub submission: i64,
    pub record_id: String,
    pub import_id: i64,
    /// The import's advice (likely duplicates, unknown vocabulary).
    pub warnings: Vec<crate::model::Text>,
}

/// A free id for a new record named `name`.
fn free_id(store: &dyn crate::store::Store, name: &str) -> Result<String, StoreError> {
    let base = match slug(name) {
        s if s.is_empty() => "eintrag".to_string(),
        s => s,
    };
    let mut n = 1;
    loop {
        let id = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if store.entities_by_id(&[id.as_str()])?.is_empty() {
            return Ok(id);
        }
        n += 1;
    }
}

/// The record a submission makes: a new one, or its target with the
/// proposed values in place of the stored ones.
fn record_of(
    s: &Submission,
    store: &dyn crate::store::Store,
    by: &str,
    today: chrono::NaiveDate,
) -> Result<Entity, ModerationError> {
    let p = &s.proposal;
    let received = s.received_at.get(..10).unwrap_or(&s.received_at);
    let note = format!(
        "Selbsteintrag über das Registrierungsformular (Einreichung #{} vom {received}), \
         geprüft und freigegeben von {by} am {today}",
        s.id
    );
    let mut e = match &p.correction_of {
        Some(id) => {
            let mut e = store
                .entities_by_id(&[id.as_str()])?
                .into_iter()
                .next()
                .ok_or_else(|| ModerationError::NoSuchRecord(id.clone()))?;
            e.name = p.name.clone();
            e.kind = p.kind;
            e.source = Some(match e.source.take() {
                Some(old) => format!("{old}; korrigiert: {note}"),
                None => note,
            });
            e
        }
        None => {
            let mut e = Entity::new(free_id(store, &p.name)?, p.name.clone(), p.kind);
            e.source = Some(note);
            e.visibility = Visibility::Public;
            e
        }
    };
    if p.category.is_some() {
        e.category = p.category.clone();
    }
    if !p.fields.is_empty() {
        e.fields = p.fields.clone();
    }
    if p.address.is_some() {
        e.address = p.address.clone();
    }
    if let Some(point) = p.location {
        e.location = Some(point);
        e.coord_source = None;
    }
    if p.website.is_some() {
        e.website = p.website.clone();
    }
    if p.description.is_some() {
        e.description = p.description.clone();
    }
    e.verified_on = Some(today);
    e.canonicalize();
    Ok(e)
}

/// Approves a pending submission: its record is written as an import (a
/// new revision) that names the submission and `by`, together with its
/// contact person, and the submission is marked approved in the same
/// transaction.
///
/// # Errors
/// [`ModerationError::Decided`] when it is decided already (also when
/// another coordinator decided meanwhile); the import's errors.
pub fn approve(location: &Location, id: i64, by: &str) -> Result<Approved, ModerationError> {
    let s = pending(location, id)?;
    let today = chrono::Utc::now().date_naive();
    let entity = {
        let store = location.open_for_reading()?;
        record_of(&s, &*store, by, today)?
    };
    let label = PathBuf::from(format!("Einreichung #{id}, freigegeben von {by}"));
    let origin = Origin {
        file: label.clone(),
        line: 0,
        column: String::new(),
        id_derived: false,
    };
    let contacts = s
        .contact
        .iter()
        .filter(|_| s.consent.is_some())
        .map(|c| ContactRef {
            contact: Contact {
                entity: entity.id.clone(),
                name: c.name.clone(),
                role: c.role.clone(),
                email: c.email.clone(),
                phone: c.phone.clone(),
            },
            origin: origin.clone(),
        })
        .collect();
    let record_id = entity.id.clone();
    let batch = Batch {
        entities: vec![(entity, origin)],
        contacts,
        files: vec![label],
        decision: Some(Decision {
            submission: id,
            approved: true,
            by: by.to_string(),
            at: now(),
            reason: None,
            record_id: Some(record_id.clone()),
        }),
        ..Batch::default()
    };
    let outcome = match run::apply(location, batch, false, &mut |_| {}) {
        Ok(outcome) => outcome,
        // Another coordinator decided between the check above and the
        // write (the store refuses it as not pending, or, when that one
        // approved, as a record changed since it was read): say who.
        Err(e) => {
            return Err(match get(location, id) {
                Ok(s) if s.status != Status::Pending => settled(location, id),
                _ => e.into(),
            });
        }
    };
    Ok(Approved {
        submission: id,
        record_id,
        import_id: outcome.import_id.unwrap_or_default(),
        warnings: outcome.summary.warnings,
    })
}

/// Rejects a pending submission: nothing is stored but the decision.
/// Returns the submission as decided.
///
/// # Errors
/// [`ModerationError::Reason`] without a reason; [`ModerationError::Decided`]
/// or [`ModerationError::Unknown`]; the store's errors.
pub fn reject(
    location: &Location,
    id: i64,
    by: &str,
    reason: &str,
) -> Result<Submission, ModerationError> {
    let reason = reason.trim();
    if !(1..=500).contains(&reason.chars().count())
        || reason.chars().any(|c| c.is_control() && c != '\n')
    {
        return Err(ModerationError::Reason);
    }
    let decision = Decision {
        submission: id,
        approved: false,
        by: by.to_string(),
        at: now(),
        reason: Some(reason.to_string()),
        record_id: None,
    };
    // The store writes a decision only on a pending submission.
    match location.open()?.decide(&decision) {
        Ok(()) => get(location, id),
        Err(StoreError::NotPending { .. }) => Err(settled(location, id)),
        Err(e) => Err(e.into()),
    }
}

/// Why the store refused a decision on submission `id`: it is decided
/// already (by whom), or there is no such submission.
fn settled(location: &Location, id: i64) -> ModerationError {
    match get(location, id) {
        Ok(s) => ModerationError::Decided {
            id,
            status: s.status,
            by: s.decided_by.unwrap_or_default(),
        },
        Err(e) => e,
    }
}
