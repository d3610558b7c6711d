//! What the store keeps for the web: the moderation queue of partners'
//! submissions, the accounts of the people who review them, and their API
//! tokens. Plain rows; [`crate::moderation`] and [`crate::access`] give
//! them meaning.
//!
//! None of these tables is public: a submission holds a contact person
//! (personal data), an account a password hash. The GeoPackage store does not
//! list them in `gpkg_contents`, saved SQL may not read them, and the
//! PostgreSQL reader role is not granted them.

/// One submission as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionRow {
    pub id: i64,
    /// UTC, RFC 3339.
    pub received_at: String,
    /// The proposed record (JSON of [`crate::moderation::Proposal`]).
    pub proposal: String,
    /// The contact person (JSON), personal data.
    pub contact: Option<String>,
    /// What the person consented to and when (JSON).
    pub consent: Option<String>,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub reason: Option<String>,
    /// The record an approval wrote.
    pub record_id: Option<String>,
    /// The import an approval wrote.
    pub import_id: Option<i64>,
}

/// A decision on a pending submission. An approval travels in the import
/// that writes its record ([`super::ChangeSet::decision`]), so that both land
/// or neither; a rejection is written alone ([`super::Store::decide`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub submission: i64,
    pub approved: bool,
    /// Who decided (an account name).
    pub by: String,
    /// UTC, RFC 3339.
    pub at: String,
    pub reason: Option<String>,
    /// The record an approval writes.
    pub record_id: Option<String>,
}

impl Decision {
    /// The status the submission gets.
    pub fn status(&self) -> &'static str {
        if self.approved {
            "approved"
        } else {
            "rejected"
        }
    }
}

/// An account of someone who logs in to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub name: String,
    /// `coordinator` or `viewer`.
    pub role: String,
    /// The password's Argon2id hash (PHC string).
    pub password: String,
    /// UTC, RFC 3339.
    pub created_at: String,
}

/// An API token: only its SHA-256 is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// Hex SHA-256 of the token.
    pub hash: String,
    pub account: String,
    pub label: String,
    /// UTC, RFC 3339.
    pub created_at: String,
}

/// Everything of the web part, for `copy`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebRows {
    pub submissions: Vec<SubmissionRow>,
    pub accounts: Vec<AccountRow>,
    pub tokens: Vec<TokenRow>,
}
