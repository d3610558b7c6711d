//! Relations between entities and the people responsible for them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The part an entity plays for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Lead,
    Partner,
    Member,
    Funder,
    Operator,
    Chair,
}

impl Role {
    /// The id used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Partner => "partner",
            Role::Member => "member",
            Role::Funder => "funder",
            Role::Operator => "operator",
            Role::Chair => "chair",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl super::ParseText for Role {
    fn parse_text(s: &str) -> Result<Self, super::Text> {
        match s.trim().to_lowercase().as_str() {
            "lead" | "federführung" => Ok(Role::Lead),
            "partner" => Ok(Role::Partner),
            "member" | "mitglied" => Ok(Role::Member),
            "funder" | "förderer" => Ok(Role::Funder),
            "operator" | "betreiber" => Ok(Role::Operator),
            "chair" | "vorsitz" => Ok(Role::Chair),
            other => Err(crate::text!(
                "\"{other}\" is not a role (lead, partner, member, funder, operator, chair)",
                "\"{other}\" ist keine Rolle (lead, partner, member, funder, operator, chair)"
            )),
        }
    }
}

/// `from` plays `role` for `to`: `lead` of a project, `member` of a body.
///
/// For a project file's `lead_org` column the relation reads
/// *partner → project*, so `from` is always the acting organisation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Relation {
    pub from: String,
    pub to: String,
    pub role: Role,
    /// Field of expertise of a body membership (vocabulary id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A responsible person. Personal data: internal, never in a public output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The entity the person is responsible for.
    pub entity: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl Contact {
    /// The person on one line: name, role, e-mail, phone, those given.
    pub fn one_line(&self) -> String {
        [
            Some(self.name.as_str()),
            self.role.as_deref(),
            self.email.as_deref(),
            self.phone.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

from_str_by_parse_text!(Role);
