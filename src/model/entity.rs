//! Entities of the inventory: partners, initiatives, projects and bodies.

use super::{CoordSource, LonLat, Text};
use geo::MultiPolygon;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Parsing a value a file or a person gives, with the reason it is not one
/// in English and German (`FromStr` gives the English alone).
pub trait ParseText: Sized {
    /// The value `s` stands for.
    ///
    /// # Errors
    /// What `s` is not, in both languages.
    fn parse_text(s: &str) -> Result<Self, Text>;
}

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// An organisation or institution.
    Partner,
    /// An ongoing collective effort.
    Initiative,
    /// A concrete measure; may be a success story.
    Project,
    /// A steering group, working group or advisory board.
    Body,
}

impl EntityKind {
    /// All kinds, in the order listings use.
    pub const ALL: [EntityKind; 4] = [
        EntityKind::Partner,
        EntityKind::Initiative,
        EntityKind::Project,
        EntityKind::Body,
    ];

    /// The id used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Partner => "partner",
            EntityKind::Initiative => "initiative",
            EntityKind::Project => "project",
            EntityKind::Body => "body",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ParseText for EntityKind {
    fn parse_text(s: &str) -> Result<Self, Text> {
        match s.trim().to_lowercase().as_str() {
            "partner" | "partners" | "organisation" | "organization" => Ok(EntityKind::Partner),
            "initiative" | "initiatives" => Ok(EntityKind::Initiative),
            "project" | "projects" | "projekt" => Ok(EntityKind::Project),
            "body" | "bodies" | "gremium" => Ok(EntityKind::Body),
            other => Err(crate::text!(
                "\"{other}\" is not a kind (partner, initiative, project, body)",
                "\"{other}\" ist keine Art (partner, initiative, project, body)"
            )),
        }
    }
}

/// Where a project or initiative stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Idea,
    Planned,
    Running,
    Completed,
}

impl Status {
    /// All states, in life-cycle order.
    pub const ALL: [Status; 4] = [
        Status::Idea,
        Status::Planned,
        Status::Running,
        Status::Completed,
    ];

    /// The id used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Idea => "idea",
            Status::Planned => "planned",
            Status::Running => "running",
            Status::Completed => "completed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ParseText for Status {
    fn parse_text(s: &str) -> Result<Self, Text> {
        match s.trim().to_lowercase().as_str() {
            "idea" | "idee" => Ok(Status::Idea),
            "planned" | "geplant" => Ok(Status::Planned),
            "running" | "laufend" | "active" => Ok(Status::Running),
            "completed" | "abgeschlossen" | "done" => Ok(Status::Completed),
            other => Err(crate::text!(
                "\"{other}\" is not a status (idea, planned, running, completed)",
                "\"{other}\" ist kein Status (idea, planned, running, completed)"
            )),
        }
    }
}

/// Who may see a record.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Public,
    Internal,
}

impl Visibility {
    /// The id used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Internal => "internal",
        }
    }
}

impl ParseText for Visibility {
    fn parse_text(s: &str) -> Result<Self, Text> {
        match s.trim().to_lowercase().as_str() {
            "" | "public" | "öffentlich" => Ok(Visibility::Public),
            "internal" | "intern" => Ok(Visibility::Internal),
            other => Err(crate::text!(
                "\"{other}\" is not a visibility (public, internal)",
                "\"{other}\" ist keine Sichtbarkeit (public, internal)"
            )),
        }
    }
}

/// One record of the inventory.
///
/// Its serde form is the revision format: two records are the same revision
/// exactly when their JSON is equal, so every field is in a canonical order
/// (sets are sorted, maps are ordered).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Stable slug, unique in the store.
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
    /// Organisation type, from the vocabulary's categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Fields of action, vocabulary ids, sorted and unique.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Point location; `None` with no `area` and no `district_names` = city-wide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<LonLat>,
    /// Set when `location` was matched from `address` in an address
    /// register (`stadtatlas locate`); `None` when the source gave the point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coord_source: Option<CoordSource>,
    /// Area of effect (WGS84), for projects that cover ground.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::geometry_json::optional"
    )]
    pub area: Option<MultiPolygon<f64>>,
    /// Districts named by the source when it gives no coordinate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub district_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Start, as the source gives it (a year or an ISO date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// End, as the source gives it (a year or an ISO date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_story: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Where the record comes from (URL, document, file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_on: Option<chrono::NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(default)]
    pub visibility: Visibility,
    /// Source columns the model has no field for, kept verbatim.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

impl Entity {
    /// A record with only the required fields set.
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: EntityKind) -> Self {
        Entity {
            id: id.into(),
            name: name.into(),
            kind,
            category: None,
            fields: Vec::new(),
            location: None,
            coord_source: None,
            area: None,
            district_names: Vec::new(),
            address: None,
            website: None,
            description: None,
            status: None,
            start: None,
            end: None,
            success_story: None,
            tags: Vec::new(),
            source: None,
            verified_on: None,
            license: None,
            visibility: Visibility::Public,
            extra: BTreeMap::new(),
        }
    }

    /// Sorts and dedups the set-valued fields, so equal content serialises equally.
    pub fn canonicalize(&mut self) {
        for set in [&mut self.fields, &mut self.tags] {
            set.sort();
            set.dedup();
        }
    }

    /// Whether a public output may show this record.
    pub fn is_public(&self) -> bool {
        self.visibility == Visibility::Public
    }

    /// True when the record has no point, no area and no named district.
    pub fn is_city_wide(&self) -> bool {
        self.location.is_none() && self.area.is_none() && self.district_names.is_empty()
    }
}

from_str_by_parse_text!(EntityKind, Status, Visibility);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Lang, MatchQuality, Role};

    #[test]
    fn a_refused_value_is_said_in_both_languages() {
        let e = EntityKind::parse_text(" Verein ").unwrap_err();
        assert_eq!(
            e.en(),
            "\"verein\" is not a kind (partner, initiative, project, body)"
        );
        assert_eq!(
            e.in_lang(Lang::De),
            "\"verein\" ist keine Art (partner, initiative, project, body)"
        );
        assert_eq!("Verein".parse::<EntityKind>().unwrap_err(), e.en());
        assert_eq!(
            Status::parse_text("gestoppt")
                .unwrap_err()
                .in_lang(Lang::De),
            "\"gestoppt\" ist kein Status (idea, planned, running, completed)"
        );
        assert_eq!(
            "geheim".parse::<Visibility>().unwrap_err(),
            "\"geheim\" is not a visibility (public, internal)"
        );
        assert_eq!(
            Role::parse_text("sponsor").unwrap_err().in_lang(Lang::De),
            "\"sponsor\" ist keine Rolle (lead, partner, member, funder, operator, chair)"
        );
        assert_eq!(
            MatchQuality::parse_text("exakt").unwrap_err().en(),
            "\"exakt\" is not a match quality (address, address_fuzzy, street, postcode, none)"
        );
        assert_eq!(Status::parse_text("Laufend"), Ok(Status::Running));
    }
}
