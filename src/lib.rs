//! stadtatlas: a city's Smart City stakeholder inventory on a map.
//!
//! Layers, each depending only on those before it:
//! [`model`] ← {[`store`], [`districts`], [`metric`]} ← [`import`] / [`query`] ← [`export`];
//! [`locate`] matches addresses with the model alone and reads and writes through [`import`].
//! The command-line tool (`src/cli/`) and the web server ([`serve`]: OGC API – Features,
//! the questions as JSON, the report's map page) are thin adapters over [`query`],
//! [`governance`], [`export`] and [`report`].

pub mod access;
pub mod crs;
pub mod districts;
pub mod export;
pub mod governance;
pub mod import;
pub mod locate;
pub mod metric;
pub mod model;
pub mod moderation;
pub mod quality;
pub mod query;
pub mod report;
pub mod serve;
pub mod sql;
pub mod store;
