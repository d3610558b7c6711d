//! The inventory's data model: plain data, no storage and no geometry algorithms.

/// `FromStr` for types that parse with [`ParseText`]: the English message
/// as the error (clap's value parsers and serde take a `String`).
macro_rules! from_str_by_parse_text {
    ($($t:ty),+) => {$(
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <Self as $crate::model::ParseText>::parse_text(s).map_err(|t| t.en().to_string())
            }
        }
    )+};
}

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
