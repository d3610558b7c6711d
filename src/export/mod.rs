//! Output shapes: tables (terminal, CSV, Markdown), JSON and GeoJSON.
//!
//! The query layer returns plain data; this layer turns it into text. The CLI
//! picks a format and writes what comes back.

pub mod geojson_out;
mod grid;
mod labels;
mod tables;

pub use grid::Grid;
pub use labels::label;
pub use tables::{districts_grid, entity_grid, gaps_grid, matrix_grid, where_grid};
