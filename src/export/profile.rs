//! Privacy profiles: what an output may contain.
//!
//! Contacts are personal data (GDPR) and `visibility: internal` records are
//! not for publication. `Public` (the default) drops both; `Internal` keeps
//! them and every output says so in its header or metadata.

use crate::query::Filter;

/// Who an output is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Profile {
    #[default]
    Public,
    Internal,
}

/// The notice internal outputs carry.
pub const INTERNAL_NOTICE: &str =
    "INTERNAL: contains personal data (contacts) and internal records; do not publish";

impl Profile {
    /// The listing filter with this profile's visibility applied.
    pub fn apply(self, filter: &Filter) -> Filter {
        Filter {
            include_internal: self == Profile::Internal,
            ..filter.clone()
        }
    }

    /// True when contacts may be written.
    pub fn shows_contacts(self) -> bool {
        self == Profile::Internal
    }

    /// `public` or `internal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Public => "public",
            Profile::Internal => "internal",
        }
    }
}

/// What the public may see of a snapshot: its public records, the relations
/// between them, no contacts. A question asked of it can answer nothing else.
pub fn public_snapshot(mut s: crate::store::Snapshot) -> crate::store::Snapshot {
    s.entities.retain(|e| e.is_public());
    let kept: std::collections::HashSet<&str> = s.entities.iter().map(|e| e.id.as_str()).collect();
    s.relations
        .retain(|r| kept.contains(r.from.as_str()) && kept.contains(r.to.as_str()));
    s.contacts.clear();
    s
}
