//! Query results as [`Grid`]s.

use super::{Grid, label};
use crate::model::{Lang, Vocabulary};
use crate::query::{DistrictRow, EntityRow, Gap, Matrix, MatrixBy, NONE_COLUMN, WhereRow};

fn yes(flag: bool, lang: Lang) -> String {
    match (flag, lang) {
        (false, _) => String::new(),
        (true, Lang::De) => "ja".into(),
        (true, Lang::En) => "yes".into(),
    }
}

/// Column headers for keys, labelled in a language.
fn headers(keys: &[&str], lang: Lang) -> Vec<String> {
    keys.iter().map(|k| label(k, lang)).collect()
}

/// The notice under every table that shows provisional districts.
fn provisional_notes(any: bool, lang: Lang) -> Vec<String> {
    if any {
        vec![provisional_note(lang)]
    } else {
        Vec::new()
    }
}

fn provisional_note(lang: Lang) -> String {
    match lang {
        Lang::De => "vorläufig = vorläufige Gebietsgrenzen (nicht amtlich; vor Verwendung im Antrag die amtlichen Grenzen importieren)".into(),
        Lang::En => "provisional = provisional district boundaries (not official; import the official layer before using results in a bid)".into(),
    }
}

fn fmt_coord(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.6}")).unwrap_or_default()
}

/// Entity listing (`list`, `in`, `near`).
pub fn entity_grid(
    rows: &[EntityRow],
    levels: &[String],
    vocabulary: &Vocabulary,
    lang: Lang,
) -> Grid {
    let with_distance = rows.iter().any(|r| r.distance_m.is_some());
    let mut grid = EntityGrid::new(levels.to_vec(), vocabulary.clone(), lang, with_distance);
    grid.add(rows);
    grid.finish()
}

/// [`entity_grid`] made a part at a time: a long listing keeps the cells
/// of the rows it was given, not the rows.
pub struct EntityGrid {
    levels: Vec<String>,
    vocabulary: Vocabulary,
    lang: Lang,
    with_distance: bool,
    body: Vec<Vec<String>>,
    any_provisional: bool,
}

impl EntityGrid {
    /// An empty listing; `with_distance` adds the column of distances.
    pub fn new(
        levels: Vec<String>,
        vocabulary: Vocabulary,
        lang: Lang,
        with_distance: bool,
    ) -> Self {
        Self {
            levels,
            vocabulary,
            lang,
            with_distance,
            body: Vec::new(),
            any_provisional: false,
        }
    }

    /// Adds the cells of `rows`.
    pub fn add(&mut self, rows: &[EntityRow]) {
        let lang = self.lang;
        self.body.extend(rows.iter().map(|r| {
            let mut cells = vec![
                r.id.clone(),
                r.name.clone(),
                label(&r.kind.to_string(), lang),
                r.category.as_deref().map_or_else(String::new, |c| {
                    self.vocabulary
                        .category(c)
                        .map_or(c, |t| t.label(lang))
                        .to_string()
                }),
                r.fields
                    .iter()
                    .map(|f| self.vocabulary.field_label(f, lang).to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
                fmt_coord(r.lon),
                fmt_coord(r.lat),
            ];
            for level in &self.levels {
                cells.push(match r.districts.get(level) {
                    Some(d) if PSEUDO_DISTRICTS.contains(&d.as_str()) => label(d, lang),
                    Some(d) => d.clone(),
                    None => String::new(),
                });
            }
            self.any_provisional |= r.districts_provisional;
            cells.push(yes(r.districts_provisional, lang));
            if self.with_distance {
                cells.push(r.distance_m.map(|d| format!("{d:.1}")).unwrap_or_default());
            }
            cells
        }));
    }

    /// The listing, with its count and notices under it.
    pub fn finish(self) -> Grid {
        let lang = self.lang;
        let mut headers = headers(
            &["id", "name", "kind", "category", "fields", "lon", "lat"],
            lang,
        );
        headers.extend(self.levels.iter().cloned());
        headers.push(label("provisional", lang));
        if self.with_distance {
            headers.push(label("distance_m", lang));
        }
        let mut notes = vec![match lang {
            Lang::De => format!("{} Einträge", self.body.len()),
            Lang::En => format!("{} entities", self.body.len()),
        }];
        notes.extend(provisional_notes(self.any_provisional, lang));
        Grid {
            headers,
            rows: self.body,
            notes,
        }
    }
}

/// Where records without a district are counted: named in the reader's
/// language in tables (ids and JSON keep `city-wide` and `outside`).
const PSEUDO_DISTRICTS: [&str; 2] = [crate::districts::CITY_WIDE, crate::districts::OUTSIDE];

/// `matrix`: one row per district, one column per value, totals last.
pub fn matrix_grid(m: &Matrix, vocabulary: &Vocabulary, lang: Lang) -> Grid {
    let per_capita = m.rows.iter().any(|r| r.per_10000.is_some());
    let by_label = label(
        match m.by {
            MatrixBy::Field => "field",
            MatrixBy::Category => "category",
            MatrixBy::Kind => "kind",
            MatrixBy::Status => "status",
        },
        lang,
    );
    let col_label = |c: &str| match m.by {
        _ if c == NONE_COLUMN => label(c, lang),
        MatrixBy::Field => vocabulary.field_label(c, lang).to_string(),
        MatrixBy::Category => vocabulary
            .category(c)
            .map_or(c.to_string(), |t| t.label(lang).to_string()),
        MatrixBy::Kind | MatrixBy::Status => label(c, lang),
    };
    let mut headers = vec![
        label("district_id", lang),
        label("district", lang),
        label("provisional", lang),
    ];
    if per_capita {
        headers.push(label("population", lang));
    }
    headers.extend(m.columns.iter().map(|c| col_label(c)));
    headers.push(label("total", lang));
    let mut any_provisional = false;
    let mut rows: Vec<Vec<String>> = m
        .rows
        .iter()
        .map(|r| {
            any_provisional |= r.provisional;
            let mut name = if PSEUDO_DISTRICTS.contains(&r.district_id.as_str()) {
                label(&r.district_id, lang)
            } else {
                r.district.clone()
            };
            if r.level.as_deref().is_some_and(|l| l != m.level) {
                name = format!("{name} ({})", r.level.as_deref().unwrap_or_default());
            }
            let mut cells = vec![r.district_id.clone(), name, yes(r.provisional, lang)];
            if per_capita {
                cells.push(r.population.map(|p| p.to_string()).unwrap_or_default());
            }
            for c in &m.columns {
                cells.push(match &r.per_10000 {
                    Some(pc) => pc
                        .get(c)
                        .copied()
                        .flatten()
                        .map(|v| format!("{v:.1}"))
                        .unwrap_or_default(),
                    None => r.counts.get(c).copied().unwrap_or(0).to_string(),
                });
            }
            cells.push(r.total.to_string());
            cells
        })
        .collect();
    if !per_capita {
        let mut totals = vec![String::new(), label("total", lang), String::new()];
        totals.extend(
            m.columns
                .iter()
                .map(|c| m.totals.get(c).copied().unwrap_or(0).to_string()),
        );
        totals.push(m.total.to_string());
        rows.push(totals);
    }
    let mut notes = vec![match lang {
        Lang::De => format!(
            "Ebene: {}; Spalten: {}. Einträge mit mehreren Werten zählen je Wert einmal, in \"gesamt\" einmal; die Summenzeile zählt jeden Eintrag einmal.",
            m.level, by_label
        ),
        Lang::En => format!(
            "level: {}; columns: {}. Entities with several values count once per value and once in total; the total row counts each entity once.",
            m.level, by_label
        ),
    }];
    if per_capita {
        notes.push(match lang {
            Lang::De => "je 10.000 Einwohner; leer, wo die Einwohnerzahl unbekannt ist".into(),
            Lang::En => "per 10,000 inhabitants; empty where the population is unknown".into(),
        });
    }
    notes.extend(provisional_notes(any_provisional, lang));
    Grid {
        headers,
        rows,
        notes,
    }
}

/// `gaps`.
pub fn gaps_grid(gaps: &[Gap], vocabulary: &Vocabulary, lang: Lang) -> Grid {
    let mut any_provisional = false;
    let rows = gaps
        .iter()
        .map(|g| {
            any_provisional |= g.provisional;
            vec![
                g.district_id.clone(),
                g.district.clone(),
                vocabulary.field_label(&g.field, lang).to_string(),
                yes(g.provisional, lang),
            ]
        })
        .collect();
    let mut notes = vec![match lang {
        Lang::De => format!("{} Lücken", gaps.len()),
        Lang::En => format!("{} gaps", gaps.len()),
    }];
    notes.extend(provisional_notes(any_provisional, lang));
    Grid {
        headers: headers(&["district_id", "district", "field", "provisional"], lang),
        rows,
        notes,
    }
}

/// `where`.
pub fn where_grid(rows: &[WhereRow], lang: Lang) -> Grid {
    let any = rows.iter().any(|r| r.provisional);
    Grid {
        headers: headers(&["level", "id", "name", "provisional"], lang),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.level.clone(),
                    r.id.clone(),
                    r.name.clone(),
                    yes(r.provisional, lang),
                ]
            })
            .collect(),
        notes: provisional_notes(any, lang),
    }
}

/// `districts`.
pub fn districts_grid(rows: &[DistrictRow], lang: Lang) -> Grid {
    let any = rows.iter().any(|r| r.provisional);
    Grid {
        headers: headers(
            &[
                "id",
                "name",
                "level",
                "parent",
                "area_km2",
                "population",
                "entities",
                "provisional",
            ],
            lang,
        ),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.id.clone(),
                    r.name.clone(),
                    r.level.clone(),
                    r.parent.clone().unwrap_or_default(),
                    r.area_km2.map(|a| format!("{a:.2}")).unwrap_or_default(),
                    r.population.map(|p| p.to_string()).unwrap_or_default(),
                    r.entities.to_string(),
                    yes(r.provisional, lang),
                ]
            })
            .collect(),
        notes: provisional_notes(any, lang),
    }
}
