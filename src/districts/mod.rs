//! Districts in space: the level hierarchy, a point-in-polygon index and name
//! resolution, bundled in [`DistrictMap`]. Speaks `geo` and `rstar`, never SQL.

mod assign;
mod grid;
mod hierarchy;
mod index;
mod map;
mod nesting;
mod resolve;

pub use assign::{Assignment, DistrictRef, Places};
pub use grid::LocateGrid;
pub use hierarchy::Hierarchy;
pub use index::DistrictIndex;
pub use map::DistrictMap;
pub use nesting::{Straddle, derive_parents};
pub use resolve::ResolveError;
use resolve::Resolver;

/// Bucket id for entities with no location at all.
pub const CITY_WIDE: &str = "city-wide";
/// Bucket id for points outside every district of a level.
pub const OUTSIDE: &str = "outside";
