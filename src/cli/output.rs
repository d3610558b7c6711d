//! Writing results in the chosen format.

use super::args::Format;
use anyhow::{Result, bail};
use serde::Serialize;
use stadtatlas::export::{self, Grid};
use stadtatlas::model::Lang;
use stadtatlas::query::{Atlas, EntityRow};
use stadtatlas::store::Revision;
use std::io::Write;

/// Where and how to write.
pub struct Out {
    pub format: Format,
    pub lang: Lang,
    pub quiet: bool,
}

impl Out {
    /// A progress line on stderr (not with -q).
    pub fn progress(&self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    /// A warning on stderr (always).
    pub fn warn(&self, line: &str) {
        eprintln!("warning: {line}");
    }
}

/// Writes text to stdout; a closed pipe surfaces as an io error the caller maps to exit 0.
pub fn print(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()?;
    Ok(())
}

fn grid_text(out: &Out, grid: &Grid) -> Result<String> {
    Ok(match out.format {
        Format::Table => grid.to_table(),
        Format::Csv => grid.to_csv(),
        Format::Md => grid.to_markdown(),
        Format::Json | Format::Geojson => unreachable!("handled by the caller"),
    })
}

/// Writes a result: JSON as its serde form, tables from its grid.
pub fn emit<T: Serialize + ?Sized>(out: &Out, data: &T, grid: impl FnOnce() -> Grid) -> Result<()> {
    match out.format {
        Format::Json => print(&serde_json::to_string_pretty(data)?),
        Format::Geojson => bail!("--format geojson is for entity listings (list, in, near)"),
        _ => print(&grid_text(out, &grid())?),
    }
}

/// Writes an entity listing, GeoJSON included.
pub fn emit_entities(out: &Out, atlas: &Atlas, rows: &[EntityRow]) -> Result<()> {
    let levels: Vec<String> = atlas
        .districts
        .hierarchy
        .levels()
        .iter()
        .map(|l| l.id.clone())
        .collect();
    match out.format {
        Format::Geojson => print(&serde_json::to_string(&export::geojson_out::entities(
            atlas,
            rows,
            export::Profile::Public,
        ))?),
        _ => emit(out, rows, || {
            export::entity_grid(rows, &levels, &atlas.vocabulary, out.lang)
        }),
    }
}

/// `show ID`.
pub fn show(out: &Out, atlas: &Atlas, id: &str, revisions: usize) -> Result<()> {
    let i = atlas.entity_index(id)?;
    let e = &atlas.entities[i];
    let name_of = |id: &str| {
        atlas
            .entity_index(id)
            .map(|j| atlas.entities[j].name.clone())
            .unwrap_or_else(|_| id.to_string())
    };
    let relations: Vec<serde_json::Value> = atlas
        .relations
        .iter()
        .filter(|r| r.from == e.id || r.to == e.id)
        .map(|r| {
            serde_json::json!({
                "from": r.from, "from_name": name_of(&r.from),
                "to": r.to, "to_name": name_of(&r.to),
                "role": r.role, "field": r.field,
            })
        })
        .collect();
    let contacts = atlas.contacts.iter().filter(|c| c.entity == e.id).count();
    let districts = super::district_names(atlas, i);
    if out.format == Format::Json {
        return print(&serde_json::to_string_pretty(&serde_json::json!({
            "entity": e,
            "districts": districts.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
            "relations": relations,
            "revisions": revisions,
            "contacts_withheld": contacts,
        }))?);
    }
    let mut grid = Grid {
        headers: vec!["".into(), "".into()],
        ..Grid::default()
    };
    let mut add = |k: &str, v: String| {
        if !v.is_empty() {
            grid.rows.push(vec![k.to_string(), v]);
        }
    };
    add("id", e.id.clone());
    add("name", e.name.clone());
    add("kind", e.kind.to_string());
    add("category", e.category.clone().unwrap_or_default());
    add(
        "fields",
        e.fields
            .iter()
            .map(|f| atlas.vocabulary.field_label(f, out.lang))
            .collect::<Vec<_>>()
            .join("; "),
    );
    add(
        "location",
        e.location.map(|p| p.to_string()).unwrap_or_else(|| {
            if e.is_city_wide() {
                "city-wide (no location)".into()
            } else {
                String::new()
            }
        }),
    );
    add(
        "area",
        if e.area.is_some() {
            "yes (see export)".into()
        } else {
            String::new()
        },
    );
    add("named districts", e.district_names.join("; "));
    for (level, names) in &districts {
        add(&format!("district ({level})"), names.clone());
    }
    add("address", e.address.clone().unwrap_or_default());
    add("website", e.website.clone().unwrap_or_default());
    add(
        "status",
        e.status.map(|s| s.to_string()).unwrap_or_default(),
    );
    add("start", e.start.clone().unwrap_or_default());
    add("end", e.end.clone().unwrap_or_default());
    add("description", e.description.clone().unwrap_or_default());
    add("success story", e.success_story.clone().unwrap_or_default());
    add("tags", e.tags.join("; "));
    add("source", e.source.clone().unwrap_or_default());
    add("license", e.license.clone().unwrap_or_default());
    add(
        "verified on",
        e.verified_on.map(|d| d.to_string()).unwrap_or_default(),
    );
    add("visibility", e.visibility.as_str().to_string());
    for (k, v) in &e.extra {
        add(k, v.clone());
    }
    for r in &relations {
        let line = format!(
            "{} ({}) {} {} ({})",
            r["from_name"].as_str().unwrap_or_default(),
            r["from"].as_str().unwrap_or_default(),
            r["role"].as_str().unwrap_or_default(),
            r["to_name"].as_str().unwrap_or_default(),
            r["to"].as_str().unwrap_or_default()
        );
        add("relation", line);
    }
    add("revisions", revisions.to_string());
    if contacts > 0 {
        add("contacts", format!("{contacts} (personal data, not shown)"));
    }
    if atlas.has_provisional_districts() {
        grid.notes
            .push("(provisional) = provisional district boundaries, not official".into());
    }
    match out.format {
        Format::Geojson => bail!("--format geojson is for entity listings (list, in, near)"),
        _ => print(&grid_text(out, &grid)?),
    }
}

/// `history ID`: each revision and the fields it changed.
pub fn history(out: &Out, revisions: &[Revision]) -> Result<()> {
    let mut grid = Grid {
        headers: vec![
            "rev".into(),
            "recorded_at".into(),
            "import".into(),
            "changed".into(),
            "files".into(),
        ],
        ..Grid::default()
    };
    let mut previous: Option<&serde_json::Value> = None;
    for r in revisions {
        let changed = match (previous, &r.record) {
            (None, _) => "created".to_string(),
            (Some(serde_json::Value::Object(a)), serde_json::Value::Object(b)) => {
                let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
                keys.sort();
                keys.dedup();
                keys.into_iter()
                    .filter(|k| a.get(*k) != b.get(*k))
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            _ => String::new(),
        };
        grid.rows.push(vec![
            r.rev.to_string(),
            r.recorded_at.clone(),
            r.import_id.to_string(),
            changed,
            r.files.join("; "),
        ]);
        previous = Some(&r.record);
    }
    emit(out, revisions, || grid)
}
