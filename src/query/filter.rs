//! Listing filters: values of one filter OR, different filters AND.

use crate::model::{Entity, EntityKind, Status};

/// Which entities a listing shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kinds: Vec<EntityKind>,
    pub fields: Vec<String>,
    pub categories: Vec<String>,
    pub statuses: Vec<Status>,
    pub tags: Vec<String>,
    /// Include `visibility: internal` records.
    pub include_internal: bool,
}

impl Filter {
    /// True when the entity passes every filter given.
    pub fn matches(&self, e: &Entity) -> bool {
        (self.include_internal || e.is_public())
            && (self.kinds.is_empty() || self.kinds.contains(&e.kind))
            && (self.fields.is_empty() || self.fields.iter().any(|f| e.fields.contains(f)))
            && (self.categories.is_empty()
                || e.category
                    .as_ref()
                    .is_some_and(|c| self.categories.contains(c)))
            && (self.statuses.is_empty() || e.status.is_some_and(|s| self.statuses.contains(&s)))
            && (self.tags.is_empty() || self.tags.iter().any(|t| e.tags.contains(t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn or_within_and_across() {
        let mut e = Entity::new("a", "A", EntityKind::Partner);
        e.fields = vec!["bildung".into()];
        let f = Filter {
            kinds: vec![EntityKind::Project, EntityKind::Partner],
            fields: vec!["kultur".into(), "bildung".into()],
            ..Filter::default()
        };
        assert!(f.matches(&e));
        let f = Filter {
            kinds: vec![EntityKind::Project],
            fields: vec!["bildung".into()],
            ..Filter::default()
        };
        assert!(!f.matches(&e));
        e.visibility = crate::model::Visibility::Internal;
        assert!(!Filter::default().matches(&e));
    }
}
