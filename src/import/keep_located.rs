//! A re-import does not undo `locate`: an incoming record without a point
//! whose stored version was located in an address register from the same
//! address keeps that point and its source. A changed address drops it
//! (the old point belongs to the old address).

use super::Origin;
use crate::locate::address_of;
use crate::model::Entity;

/// Copies register points from `stored` onto the incoming records that
/// have none and the same address.
pub(super) fn carry(incoming: &mut [(Entity, Origin)], stored: &[Entity]) {
    if !stored.iter().any(|e| e.coord_source.is_some()) {
        return;
    }
    let located: std::collections::HashMap<&str, &Entity> = stored
        .iter()
        .filter(|e| e.coord_source.is_some() && e.location.is_some())
        .map(|e| (e.id.as_str(), e))
        .collect();
    for (e, _) in incoming.iter_mut() {
        if e.location.is_some() || e.area.is_some() || e.coord_source.is_some() {
            continue;
        }
        if let Some(old) = located.get(e.id.as_str())
            && address_of(old) == address_of(e)
        {
            e.location = old.location;
            e.coord_source.clone_from(&old.coord_source);
        }
    }
}
