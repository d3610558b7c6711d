//! Governance and partnerships: bodies and their members, whether a body
//! covers what the council asked for, and the network of who works with whom.

mod bodies;
mod coverage;
mod network;
mod requirement;

pub use bodies::{BodyRow, Member, bodies, members};
pub use coverage::{Coverage, CoverageRow, check};
pub use network::{Network, NetworkEdge, NetworkNode, network};
pub use requirement::{Requirement, RequirementError};
