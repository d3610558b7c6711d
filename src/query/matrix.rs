//! `matrix`: counts per district × column (field, category, kind or status).

use super::{Atlas, Filter, QueryError};
use crate::districts::{Assignment, DistrictRef};
use crate::model::{Entity, EntityKind, Status};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the columns of a matrix are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatrixBy {
    Field,
    Category,
    Kind,
    Status,
}

/// Column id for entities with no value for the column's attribute.
pub const NONE_COLUMN: &str = "(none)";

/// One row: a district, a coarser named district, `city-wide` or `outside`.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub district_id: String,
    pub district: String,
    /// The row's own level (differs from the matrix level for coarser named districts).
    pub level: Option<String>,
    pub counts: BTreeMap<String, usize>,
    /// Entities in the row, each once.
    pub total: usize,
    /// Inhabitants, where known.
    pub population: Option<u64>,
    /// Counts per 10,000 inhabitants; only with `--per-capita`, `None` where population is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_10000: Option<BTreeMap<String, Option<f64>>>,
    pub provisional: bool,
}

/// SPEC: `{level, by, columns[], rows[…]}`; `totals` counts distinct entities.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub level: String,
    pub by: MatrixBy,
    pub columns: Vec<String>,
    pub rows: Vec<MatrixRow>,
    /// Distinct entities per column over the whole matrix (an entity in two
    /// districts counts once here).
    pub totals: BTreeMap<String, usize>,
    pub total: usize,
}

fn values(e: &Entity, by: MatrixBy) -> Vec<String> {
    let v: Vec<String> = match by {
        MatrixBy::Field => e.fields.clone(),
        MatrixBy::Category => e.category.iter().cloned().collect(),
        MatrixBy::Kind => vec![e.kind.as_str().to_string()],
        MatrixBy::Status => e.status.iter().map(|s| s.as_str().to_string()).collect(),
    };
    if v.is_empty() {
        vec![NONE_COLUMN.to_string()]
    } else {
        v
    }
}

/// Counts entities per district of a level and per column.
///
/// Every district that tiles the level gets a row (zeros included, so gaps
/// show); entities that name only a coarser district get that district's row;
/// `city-wide` and `outside` rows appear when non-empty. An entity with several
/// fields counts once per field and once in `total`. Values outside the
/// vocabulary get columns after the vocabulary's, in alphabetical order.
///
/// # Errors
/// [`QueryError`] for an unknown level.
pub fn matrix(
    atlas: &Atlas,
    level: Option<&str>,
    by: MatrixBy,
    per_capita: bool,
    filter: &Filter,
) -> Result<Matrix, QueryError> {
    let mut counter = MatrixCounter::new(atlas, level, by, filter)?;
    for (e, assignment) in atlas.entities.iter().zip(&atlas.assignments) {
        counter.add(e, assignment);
    }
    Ok(counter.finish(atlas, per_capita))
}

/// A matrix being counted, one entity at a time: [`matrix`] feeds it the
/// loaded entities, a store-backed question feeds it chunks read in turn.
pub struct MatrixCounter {
    level: String,
    position: usize,
    by: MatrixBy,
    filter: Filter,
    columns: Vec<String>,
    extra_columns: std::collections::BTreeSet<String>,
    cells: BTreeMap<DistrictRef, (BTreeMap<String, usize>, usize)>,
    totals: BTreeMap<String, usize>,
    total: usize,
}

impl MatrixCounter {
    /// An empty count over the districts of `atlas` (its entities are not read).
    ///
    /// # Errors
    /// [`QueryError`] for an unknown level.
    pub fn new(
        atlas: &Atlas,
        level: Option<&str>,
        by: MatrixBy,
        filter: &Filter,
    ) -> Result<Self, QueryError> {
        let level = atlas.level(level)?.to_string();
        let position = atlas.level_position(&level);
        let columns: Vec<String> = match by {
            MatrixBy::Field => atlas
                .vocabulary
                .fields
                .iter()
                .map(|t| t.id.clone())
                .collect(),
            MatrixBy::Category => atlas
                .vocabulary
                .categories
                .iter()
                .map(|t| t.id.clone())
                .collect(),
            MatrixBy::Kind => EntityKind::ALL
                .iter()
                .map(|k| k.as_str().to_string())
                .collect(),
            MatrixBy::Status => Status::ALL.iter().map(|s| s.as_str().to_string()).collect(),
        };
        let cells = atlas
            .districts
            .tiling(&level)
            .iter()
            .map(|&d| (DistrictRef::District(d), Default::default()))
            .collect();
        Ok(Self {
            level,
            position,
            by,
            filter: filter.clone(),
            columns,
            extra_columns: Default::default(),
            cells,
            totals: BTreeMap::new(),
            total: 0,
        })
    }

    /// Counts one entity with its districts at every level.
    pub fn add(&mut self, e: &Entity, assignment: &Assignment) {
        self.add_counted(e, None, 1);
        for r in &assignment[self.position] {
            self.add_counted(e, Some(*r), 1);
        }
    }

    /// The level the matrix counts.
    pub fn level(&self) -> &str {
        &self.level
    }

    /// Counts `n` entities like `e` in the row of `at`, or, for `None`, in
    /// the totals (where each entity counts once): a store's kept counts
    /// come this way.
    pub fn add_counted(&mut self, e: &Entity, at: Option<DistrictRef>, n: usize) {
        if !self.filter.matches(e) {
            return;
        }
        let vals = values(e, self.by);
        match at {
            None => {
                for v in &vals {
                    if !self.columns.contains(v) {
                        self.extra_columns.insert(v.clone());
                    }
                    *self.totals.entry(v.clone()).or_default() += n;
                }
                self.total += n;
            }
            Some(r) => {
                let (counts, row_total) = self.cells.entry(r).or_default();
                *row_total += n;
                for v in &vals {
                    *counts.entry(v.clone()).or_default() += n;
                }
            }
        }
    }

    /// The finished matrix; `atlas` must have the districts given to [`MatrixCounter::new`].
    pub fn finish(self, atlas: &Atlas, per_capita: bool) -> Matrix {
        let Self {
            level,
            by,
            mut columns,
            extra_columns,
            mut cells,
            mut totals,
            total,
            ..
        } = self;
        columns.extend(extra_columns);
        let rank = |r: &DistrictRef| match r {
            DistrictRef::District(d) => (
                0,
                atlas.districts.hierarchy.rank(&atlas.districts[*d].level),
                *d,
            ),
            DistrictRef::CityWide => (1, None, 0),
            DistrictRef::Outside => (2, None, 0),
        };
        let mut keys: Vec<DistrictRef> = cells.keys().copied().collect();
        keys.sort_by_key(|r| (rank(r).0, std::cmp::Reverse(rank(r).1), rank(r).2));
        let rows = keys
            .into_iter()
            .filter_map(|r| {
                let (mut counts, row_total) = cells.remove(&r)?;
                if matches!(r, DistrictRef::CityWide | DistrictRef::Outside) && row_total == 0 {
                    return None;
                }
                for c in &columns {
                    counts.entry(c.clone()).or_insert(0);
                }
                let district = match r {
                    DistrictRef::District(d) => Some(&atlas.districts[d]),
                    _ => None,
                };
                let population = district.and_then(|d| d.population);
                let per_10000 = per_capita.then(|| {
                    counts
                        .iter()
                        .map(|(c, n)| {
                            (
                                c.clone(),
                                population
                                    .filter(|&p| p > 0)
                                    .map(|p| *n as f64 * 10_000.0 / p as f64),
                            )
                        })
                        .collect()
                });
                Some(MatrixRow {
                    district_id: atlas.ref_id(r).to_string(),
                    district: atlas.ref_name(r).to_string(),
                    level: district.map(|d| d.level.clone()),
                    counts,
                    total: row_total,
                    population,
                    per_10000,
                    provisional: district.is_some_and(|d| d.provisional),
                })
            })
            .collect();
        for c in &columns {
            totals.entry(c.clone()).or_insert(0);
        }
        Matrix {
            level,
            by,
            columns,
            rows,
            totals,
            total,
        }
    }
}
