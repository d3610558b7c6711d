//! The inventory's data model: plain data, no storage and no geometry algorithms.

mod coord_source;
mod district;
mod entity;
pub(crate) mod geometry_json;
mod lonlat;
pub mod names;
mod relation;
mod text;
mod vocabulary;

pub use coord_source::{CoordSource, MatchQuality};
pub use district::{District, Level};
pub use entity::{Entity, EntityKind, ParseText, Status, Visibility};
pub use lonlat::{LonLat, LonLatError, Meters};
pub use relation::{Contact, Relation, Role};
pub use text::Text;
pub use vocabulary::{Lang, Term, Vocabulary};
