//! Districts in space: the level hierarchy, a point-in-polygon index and name
//! resolution. Speaks `geo` and `rstar`, never SQL.

mod assign;
mod hierarchy;
mod index;
mod resolve;

pub use assign::{
    Assignment, Containers, DistrictRef, assign_all, assign_entity, containers, tiles,
};
pub use hierarchy::Hierarchy;
pub use index::DistrictIndex;
pub use resolve::{ResolveError, Resolver};

/// Bucket id for entities with no location at all.
pub const CITY_WIDE: &str = "city-wide";
/// Bucket id for points outside every district of a level.
pub const OUTSIDE: &str = "outside";
