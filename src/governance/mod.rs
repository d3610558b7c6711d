//! Governance and partnerships: bodies and their members, whether a body
//! covers what the council asked for, whom to invite so that it does, and the
//! network of who works with whom.

pub mod balance;
mod bodies;
mod coverage;
mod network;
pub mod propose;
mod requirement;

pub use bodies::{BodyRow, Member, bodies, members};
pub use coverage::{Coverage, CoverageRow, check, check_with};
pub use network::{Network, NetworkEdge, NetworkNode, network};
pub use propose::{Proposal, ProposeError, ProposeOptions, propose};
pub use requirement::{Requirement, RequirementError};
