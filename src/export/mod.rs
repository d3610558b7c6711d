//! Output shapes: tables (terminal, CSV, Markdown), JSON and GeoJSON.
//!
//! The query layer returns plain data; this layer turns it into text. The CLI
//! picks a format and writes what comes back.

pub mod csv_out;
pub mod geojson_out;
pub mod gpkg_out;
mod grid;
mod labels;
mod profile;
pub mod stream;
mod tables;

pub use grid::{Grid, TableStyle};
pub use labels::label;
pub use profile::{INTERNAL_NOTICE, Profile, public_snapshot};
pub use tables::{EntityGrid, districts_grid, entity_grid, gaps_grid, matrix_grid, where_grid};
