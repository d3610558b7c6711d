//! Who may do what on the server: accounts with a role, passwords hashed
//! with Argon2id, API tokens for scripts (only their SHA-256 is kept).
//!
//! Anonymous visitors see the public profile and may propose a record;
//! viewers also see the moderation queue (without the contact persons);
//! coordinators see everything and decide on submissions.

use crate::store::web::{AccountRow, TokenRow};
use crate::store::{Location, StoreError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;
use sha2::Digest;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reviews submissions and decides on them.
    Coordinator,
    /// Looks at the queue; decides nothing.
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Viewer => "viewer",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "coordinator" => Ok(Role::Coordinator),
            "viewer" => Ok(Role::Viewer),
            other => Err(format!("\"{other}\" is not a role (coordinator, viewer)")),
        }
    }
}

/// Someone logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub name: String,
    pub role: Role,
}

/// An account as `user list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountInfo {
    pub name: String,
    pub role: Role,
    pub created_at: String,
    /// How many API tokens it has.
    pub tokens: usize,
}

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccessError {
    #[error(
        "account name \"{0}\": 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit"
    )]
    Name(String),
    #[error("the password must have at least {MIN_PASSWORD} characters (it has {0})")]
    ShortPassword(usize),
    #[error("there is no account \"{0}\"")]
    Unknown(String),
    #[error("token label \"{0}\": 1 to 100 printable characters")]
    Label(String),
    #[error(
        "the store has a stored account \"{name}\" whose role \"{role}\" this build does not know"
    )]
    Corrupt { name: String, role: String },
    #[error("hashing the password failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `n` random bytes from the operating system.
///
/// # Panics
/// When the operating system has no randomness to give (then nothing
/// secure can be made).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    bytes
}

/// A random secret for a cookie or token: 32 bytes, URL-safe base64.
pub fn random_secret() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// Hex SHA-256 of a token, as kept in the store.
pub fn token_hash(token: &str) -> String {
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hash_password(password: &str) -> Result<String, AccessError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>())
        .map_err(|e| AccessError::Hash(e.to_string()))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccessError::Hash(e.to_string()))
}

fn account_of(row: &AccountRow) -> Result<Account, AccessError> {
    Ok(Account {
        name: row.name.clone(),
        role: row.role.parse().map_err(|_| AccessError::Corrupt {
            name: row.name.clone(),
            role: row.role.clone(),
        })?,
    })
}

/// Adds an account, or gives an existing one a new role and password.
///
/// # Errors
/// [`AccessError`] for a bad name or a short password; the store's errors.
pub fn add_user(
    location: &Location,
    name: &str,
    role: Role,
    password: &str,
) -> Result<(), AccessError> {
    if !valid_name(name) {
        return Err(AccessError::Name(name.to_string()));
    }
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        return Err(AccessError::ShortPassword(length));
    }
    let row = AccountRow {
        name: name.to_string(),
        role: role.as_str().to_string(),
        password: hash_password(password)?,
        created_at: now(),
    };
    location.open()?.put_account(&row)?;
    Ok(())
}

/// Removes an account and its tokens.
///
/// # Errors
/// [`AccessError::Unknown`]; the store's errors.
pub fn remove_user(location: &Location, name: &str) -> Result<(), AccessError> {
    if location.open()?.remove_account(name)? {
        Ok(())
    } else {
        Err(AccessError::Unknown(name.to_string()))
    }
}

/// Every account, by name.
///
/// # Errors
/// The store's errors; a stored role this build does not know.
pub fn users(location: &Location) -> Result<Vec<AccountInfo>, AccessError> {
    let store = location.open_for_reading()?;
    let tokens = store.tokens()?;
    store
        .accounts()?
        .iter()
        .map(|row| {
            let account = account_of(row)?;
            Ok(AccountInfo {
                tokens: tokens.iter().filter(|t| t.account == account.name).count(),
                name: account.name,
                role: account.role,
                created_at: row.created_at.clone(),
            })
        })
        .collect()
}

/// Makes an API token for an account; returns it (it is shown once: the
/// store keeps only its hash).
///
/// # Errors
/// [`AccessError::Unknown`], a bad label; the store's errors.
pub fn new_token(location: &Location, name: &str, label: &str) -> Result<String, AccessError> {
    let label = label.trim();
    if !(1..=100).contains(&label.chars().count()) || label.chars().any(char::is_control) {
        return Err(AccessError::Label(label.to_string()));
    }
    let mut store = location.open()?;
    if !store.accounts()?.iter().any(|a| a.name == name) {
        return Err(AccessError::Unknown(name.to_string()));
    }
    let token = format!("sa_{}", random_secret());
    store.put_token(&TokenRow {
        hash: token_hash(&token),
        account: name.to_string(),
        label: label.to_string(),
        created_at: now(),
    })?;
    Ok(token)
}

/// A hash to check passwords of unknown accounts against, so that a wrong
/// name takes as long as a wrong password.
fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

/// The account when `password` is its password.
///
/// # Errors
/// The store's errors.
pub fn log_in(
    accounts: &[AccountRow],
    name: &str,
    password: &str,
) -> Result<Option<Account>, AccessError> {
    let row = accounts.iter().find(|a| a.name == name);
    let stored = row.map_or_else(|| decoy().to_string(), |r| r.password.clone());
    let matches = PasswordHash::new(&stored).is_ok_and(|hash| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    });
    match row {
        Some(row) if matches => account_of(row).map(Some),
        _ => Ok(None),
    }
}

/// The account an API token belongs to.
///
/// # Errors
/// A stored role this build does not know.
pub fn token_account(
    accounts: &[AccountRow],
    tokens: &[TokenRow],
    token: &str,
) -> Result<Option<Account>, AccessError> {
    let hash = token_hash(token);
    let Some(t) = tokens.iter().find(|t| t.hash == hash) else {
        return Ok(None);
    };
    accounts
        .iter()
        .find(|a| a.name == t.account)
        .map(account_of)
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for good in ["anna", "a.b-c_d", "9x"] {
            assert!(valid_name(good), "{good}");
        }
        for bad in ["", "Anna", "-x", "a b", "a/b", &"x".repeat(65)] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn passwords_verify_and_wrong_ones_do_not() {
        let row = AccountRow {
            name: "anna".into(),
            role: "coordinator".into(),
            password: hash_password("ein langes Passwort").unwrap(),
            created_at: now(),
        };
        assert!(row.password.starts_with("$argon2id$"));
        let rows = [row];
        assert_eq!(
            log_in(&rows, "anna", "ein langes Passwort").unwrap(),
            Some(Account {
                name: "anna".into(),
                role: Role::Coordinator
            })
        );
        assert_eq!(log_in(&rows, "anna", "ein langes passwort").unwrap(), None);
        assert_eq!(log_in(&rows, "bert", "ein langes Passwort").unwrap(), None);
    }

    #[test]
    fn tokens_are_found_by_their_hash_only() {
        let accounts = [AccountRow {
            name: "bot".into(),
            role: "viewer".into(),
            password: "x".into(),
            created_at: now(),
        }];
        let tokens = [TokenRow {
            hash: token_hash("sa_secret"),
            account: "bot".into(),
            label: "script".into(),
            created_at: now(),
        }];
        assert_eq!(
            token_account(&accounts, &tokens, "sa_secret")
                .unwrap()
                .map(|a| a.role),
            Some(Role::Viewer)
        );
        assert_eq!(token_account(&accounts, &tokens, "sa_other").unwrap(), None);
    }
}
