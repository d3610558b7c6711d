//! Data quality: likely duplicates and the checks of `stadtatlas check`.
//! Speaks model, metric and rstar; used by the importer and the questions.

mod duplicates;

pub use duplicates::{
    Candidate, Duplicate, DuplicateReason, NEAR, NameAndPlace, SHOWN_PAIRS, likely_duplicates,
    strongest, website_key,
};
