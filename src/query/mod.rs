//! The questions planners ask, answered as plain data.
//!
//! [`Atlas`] joins the store's records with the spatial indices; every question
//! is a function over it. Nothing here formats output or knows the command line.

mod around;
mod atlas;
mod check;
mod district_table;
mod filter;
mod gaps;
mod inside;
mod listing;
mod location_quality;
mod matrix;
mod near;
mod rows;
mod whereis;

pub use around::{
    Around, Rows, district_table_in_store, entity_in_store, gaps_in_store, inside_in_store,
    inside_in_store_by, matrix_in_store, near_in_store, near_in_store_by, where_entity_in_store,
    where_point_in_store,
};
pub use atlas::{Atlas, QueryError};
pub use check::{Checked, Finding, Findings, check, check_in_store, check_in_store_by};
pub use district_table::{DistrictCounter, DistrictRow, district_table};
pub use filter::Filter;
pub use gaps::{Gap, gaps, gaps_of};
pub use inside::{inside, inside_found};
pub use listing::{Chunked, HOLD_LIMIT, Listing};
pub use location_quality::{LocationQuality, location_quality, location_quality_line};
pub use matrix::{Matrix, MatrixBy, MatrixCounter, MatrixRow, NONE_COLUMN, matrix};
pub use near::{NearTarget, Reach, near, near_found};
pub use rows::{EntityRow, Found, Located};
pub use whereis::{WhereRow, WhereTarget, where_entity, where_point};
