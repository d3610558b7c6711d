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

use crate::model::EntityKind;
use crate::query::{Atlas, QueryError};
use crate::store::Store;

/// The part of the store that bodies, their coverage and the network are
/// made of: every relation, the entities they name, every body, and the
/// entities `also` names (a focus, a hypothetical member) — not the rest of
/// the inventory, which none of them looks at (10^6 partners and no body:
/// `bodies` read 1.5 GB). The entities are in id order, as in a snapshot,
/// so the answers are those of the whole store.
///
/// # Errors
/// When the store fails.
pub fn atlas_in_store(store: &dyn Store, also: &[&str]) -> Result<Atlas, QueryError> {
    let mut part = store.frame()?;
    part.relations = store.relations()?;
    let mut ids: Vec<&str> = part
        .relations
        .iter()
        .flat_map(|r| [r.from.as_str(), r.to.as_str()])
        .chain(also.iter().copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut entities = store.entities_by_id(&ids)?;
    entities.extend(
        store
            .entities_of_kind(EntityKind::Body)?
            .into_iter()
            .filter(|b| ids.binary_search(&b.id.as_str()).is_err()),
    );
    entities.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    part.entities = entities;
    part.partial = true;
    Ok(Atlas::new(part))
}
