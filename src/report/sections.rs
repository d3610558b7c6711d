//! The report's tables, computed from the atlas as [`Grid`]s.

use super::text::t;
use crate::districts::DistrictRef;
use crate::export::{Grid, Profile, label};
use crate::model::{EntityKind, Lang, Role};
use crate::query::{Atlas, EntityRow, Filter, QueryError};
use std::collections::BTreeMap;

/// One titled table of the report.
pub struct Section {
    /// File stem of its CSV (`matrix_field` → `tables/matrix_field.csv`).
    pub key: &'static str,
    pub title: String,
    pub grid: Grid,
    /// Shown instead of an empty table.
    pub empty_text: Option<&'static str>,
}

/// The entity rows a profile may show.
pub fn visible_rows(atlas: &Atlas, profile: Profile) -> Vec<EntityRow> {
    let filter = profile.apply(&Filter::default());
    let mut rows: Vec<EntityRow> = (0..atlas.entities.len())
        .filter(|&i| filter.matches(&atlas.entities[i]))
        .map(|i| atlas.row(i))
        .collect();
    rows.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.name.cmp(&b.name)));
    rows
}

/// All sections, in report order.
///
/// # Errors
/// [`QueryError`] for an unknown level.
pub fn sections(
    atlas: &Atlas,
    rows: &[EntityRow],
    level: &str,
    profile: Profile,
    lang: Lang,
) -> Result<Vec<Section>, QueryError> {
    let filter = profile.apply(&Filter::default());
    let mut out = vec![summary(rows, lang)];
    let by_field = crate::query::matrix(
        atlas,
        Some(level),
        crate::query::MatrixBy::Field,
        false,
        &filter,
    )?;
    out.push(Section {
        key: "matrix_field",
        title: format!("{} ({})", t("matrix_field", lang), level),
        grid: crate::export::matrix_grid(&by_field, &atlas.vocabulary, lang),
        empty_text: None,
    });
    let by_kind = crate::query::matrix(
        atlas,
        Some(level),
        crate::query::MatrixBy::Kind,
        false,
        &filter,
    )?;
    out.push(Section {
        key: "matrix_kind",
        title: format!("{} ({})", t("matrix_kind", lang), level),
        grid: crate::export::matrix_grid(&by_kind, &atlas.vocabulary, lang),
        empty_text: None,
    });
    let gaps = crate::query::gaps(atlas, Some(level), &filter)?;
    out.push(Section {
        key: "gaps",
        title: format!("{} ({})", t("gaps", lang), level),
        grid: crate::export::gaps_grid(&gaps, &atlas.vocabulary, lang),
        empty_text: None,
    });
    out.push(bodies(atlas, rows, lang));
    out.push(coverage(atlas, lang)?);
    out.push(stories(atlas, rows, lang));
    out.push(quality(atlas, rows, lang));
    out.push(sources(atlas, rows, lang));
    Ok(out)
}

fn summary(rows: &[EntityRow], lang: Lang) -> Section {
    let mut grid = Grid {
        headers: vec![
            label("kind", lang),
            label("total", lang),
            "Punkt / point".into(),
            "Fläche / area".into(),
            "Gebiet genannt / district named".into(),
            "stadtweit / city-wide".into(),
        ],
        ..Grid::default()
    };
    for kind in EntityKind::ALL {
        let of_kind: Vec<&EntityRow> = rows.iter().filter(|r| r.kind == kind).collect();
        let count = |l: crate::query::Located| {
            of_kind
                .iter()
                .filter(|r| r.located == l)
                .count()
                .to_string()
        };
        grid.rows.push(vec![
            label(kind.as_str(), lang),
            of_kind.len().to_string(),
            count(crate::query::Located::Point),
            count(crate::query::Located::Area),
            count(crate::query::Located::District),
            count(crate::query::Located::CityWide),
        ]);
    }
    grid.rows.push(vec![
        label("total", lang),
        rows.len().to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    Section {
        key: "summary",
        title: t("summary", lang).into(),
        grid,
        empty_text: None,
    }
}

fn bodies(atlas: &Atlas, rows: &[EntityRow], lang: Lang) -> Section {
    let mut grid = Grid {
        headers: vec![
            label("name", lang),
            "Mitglieder / members".into(),
            label("fields", lang),
            label("source", lang),
        ],
        ..Grid::default()
    };
    for r in rows.iter().filter(|r| r.kind == EntityKind::Body) {
        let members: Vec<String> = atlas
            .relations
            .iter()
            .filter(|rel| rel.to == r.id && matches!(rel.role, Role::Member | Role::Chair))
            .map(|rel| {
                let name = atlas
                    .entity_index(&rel.from)
                    .map(|i| atlas.entities[i].name.clone())
                    .unwrap_or_else(|_| rel.from.clone());
                format!("{name} ({})", rel.role)
            })
            .collect();
        grid.rows.push(vec![
            r.name.clone(),
            members.join("; "),
            r.fields
                .iter()
                .map(|f| atlas.vocabulary.field_label(f, lang).to_string())
                .collect::<Vec<_>>()
                .join("; "),
            r.source.clone().unwrap_or_default(),
        ]);
    }
    Section {
        key: "bodies",
        title: t("bodies", lang).into(),
        grid,
        empty_text: Some(t("no_bodies", lang)),
    }
}

/// Every body checked against the council's 2020 request for an advisory board.
fn coverage(atlas: &Atlas, lang: Lang) -> Result<Section, QueryError> {
    let requirement = crate::governance::Requirement::council_2020();
    let (ok, missing) = match lang {
        Lang::De => ("abgedeckt", "FEHLT"),
        Lang::En => ("covered", "MISSING"),
    };
    let mut grid = Grid {
        headers: vec![
            label("name", lang),
            if lang == Lang::De {
                "Anforderung"
            } else {
                "requirement"
            }
            .into(),
            if lang == Lang::De {
                "abgedeckt durch"
            } else {
                "covered by"
            }
            .into(),
            label("status", lang),
        ],
        ..Grid::default()
    };
    for body in crate::governance::bodies(atlas) {
        let c = crate::governance::check(atlas, &body.id, &requirement, lang)?;
        for r in c.rows {
            grid.rows.push(vec![
                body.name.clone(),
                r.label,
                r.covered_by.join("; "),
                if r.covered { ok.into() } else { missing.into() },
            ]);
        }
    }
    grid.notes.push(format!(
        "{} — {}",
        requirement.title,
        requirement.source.unwrap_or_default()
    ));
    grid.notes.push(match lang {
        Lang::De => "Eine Mitgliedschaft mit benanntem Fachgebiet deckt genau dieses ab, sonst zählen die Handlungsfelder der Organisation. Sitze der Stadtratsfraktionen kann das Datenmodell noch nicht abbilden.".into(),
        Lang::En => "A membership naming a field of expertise covers exactly that field; otherwise the organisation's fields count. Council-group seats are not in the data model yet.".into(),
    });
    Ok(Section {
        key: "board_coverage",
        title: if lang == Lang::De {
            "Abdeckung der Gremien (Anforderungen des Stadtrats 2020)"
        } else {
            "Coverage of the bodies (council's request of 2020)"
        }
        .into(),
        grid,
        empty_text: Some(t("no_bodies", lang)),
    })
}

fn stories(atlas: &Atlas, rows: &[EntityRow], lang: Lang) -> Section {
    let mut grid = Grid {
        headers: vec![
            label("name", lang),
            label("kind", lang),
            label("district", lang),
            "Erfolgsgeschichte / success story".into(),
            label("source", lang),
        ],
        ..Grid::default()
    };
    let level = atlas.level(None).unwrap_or_default().to_string();
    for r in rows {
        if let Some(story) = &atlas.entities[r.index].success_story {
            grid.rows.push(vec![
                r.name.clone(),
                label(r.kind.as_str(), lang),
                r.districts.get(&level).cloned().unwrap_or_default(),
                story.clone(),
                r.source.clone().unwrap_or_default(),
            ]);
        }
    }
    Section {
        key: "success_stories",
        title: t("stories", lang).into(),
        grid,
        empty_text: Some(t("no_stories", lang)),
    }
}

fn quality(atlas: &Atlas, rows: &[EntityRow], lang: Lang) -> Section {
    let mut checks: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let de = lang == Lang::De;
    for r in rows {
        let e = &atlas.entities[r.index];
        let a = &atlas.assignments[r.index];
        if a.iter().flatten().any(|x| *x == DistrictRef::Outside) {
            checks
                .entry(if de {
                    "außerhalb aller Gebiete"
                } else {
                    "outside every district"
                })
                .or_default()
                .push(r.name.clone());
        }
        if e.is_city_wide() {
            checks
                .entry(if de {
                    "ohne Ort (stadtweit gezählt)"
                } else {
                    "no location (counted city-wide)"
                })
                .or_default()
                .push(r.name.clone());
        }
        if e.location.is_none() && !e.district_names.is_empty() {
            checks
                .entry(if de {
                    "nur über genanntes Gebiet verortet"
                } else {
                    "located only by a named district"
                })
                .or_default()
                .push(r.name.clone());
        }
        if e.verified_on.is_none() {
            checks
                .entry(if de {
                    "ohne Prüfdatum (verified_on)"
                } else {
                    "no verified_on date"
                })
                .or_default()
                .push(r.name.clone());
        }
        if e.source.is_none() {
            checks
                .entry(if de { "ohne Quelle" } else { "no source" })
                .or_default()
                .push(r.name.clone());
        }
        let unknown: Vec<&String> = e
            .fields
            .iter()
            .filter(|f| atlas.vocabulary.field(f).is_none())
            .collect();
        if !unknown.is_empty()
            || e.category
                .as_ref()
                .is_some_and(|c| atlas.vocabulary.category(c).is_none())
        {
            checks
                .entry(if de {
                    "unbekanntes Vokabular"
                } else {
                    "unknown vocabulary"
                })
                .or_default()
                .push(r.name.clone());
        }
    }
    let provisional = atlas.districts.iter().filter(|d| d.provisional).count();
    let mut grid = Grid {
        headers: vec![
            "Prüfung / check".into(),
            "Anzahl / count".into(),
            "Einträge / entries".into(),
        ],
        ..Grid::default()
    };
    if provisional > 0 {
        grid.rows.push(vec![
            if de {
                "vorläufige Gebietsgrenzen"
            } else {
                "provisional district boundaries"
            }
            .into(),
            provisional.to_string(),
            atlas.provisional_notice().unwrap_or_default().to_string(),
        ]);
    }
    let counts = crate::query::location_quality(rows.iter().map(|r| &atlas.entities[r.index]));
    grid.rows.push(vec![
        if de {
            "Verortung nach Güte"
        } else {
            "entities by location quality"
        }
        .into(),
        counts.iter().map(|(_, n)| n).sum::<usize>().to_string(),
        crate::query::location_quality_line(&counts),
    ]);
    for (check, names) in checks {
        let shown: Vec<String> = names.iter().take(12).cloned().collect();
        let more = names.len().saturating_sub(shown.len());
        let mut list = shown.join("; ");
        if more > 0 {
            list.push_str(&format!("; … (+{more})"));
        }
        grid.rows
            .push(vec![check.to_string(), names.len().to_string(), list]);
    }
    Section {
        key: "data_quality",
        title: t("quality", lang).into(),
        grid,
        empty_text: None,
    }
}

fn sources(atlas: &Atlas, rows: &[EntityRow], lang: Lang) -> Section {
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in rows {
        let e = &atlas.entities[r.index];
        *counts
            .entry((
                e.source.clone().unwrap_or_else(|| "—".into()),
                e.license.clone().unwrap_or_default(),
            ))
            .or_default() += 1;
    }
    let mut grid = Grid {
        headers: vec![
            label("source", lang),
            "Lizenz / licence".into(),
            "Einträge / entries".into(),
        ],
        ..Grid::default()
    };
    for ((source, license), n) in counts {
        grid.rows.push(vec![source, license, n.to_string()]);
    }
    let mut district_sources: BTreeMap<(String, String), usize> = BTreeMap::new();
    for d in atlas.districts.iter() {
        *district_sources
            .entry((
                d.source.clone().unwrap_or_else(|| "—".into()),
                d.license.clone().unwrap_or_default(),
            ))
            .or_default() += 1;
    }
    for ((source, license), n) in district_sources {
        grid.rows.push(vec![
            format!("{}: {source}", label("district", lang)),
            license,
            n.to_string(),
        ]);
    }
    Section {
        key: "sources",
        title: t("sources", lang).into(),
        grid,
        empty_text: None,
    }
}
