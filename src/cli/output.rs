//! Writing results in the chosen format.

use super::args::Format;
use super::german::said;
use anyhow::Result;
use serde::Serialize;
use stadtatlas::export::{self, Grid, TableStyle, label};
use stadtatlas::governance;
use stadtatlas::model::Lang;
use stadtatlas::query::{Atlas, Chunked, Filter, Rows};
use stadtatlas::store::{EntityOrder, Revision};
use stadtatlas::text;
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

    /// A progress line in the message language: German or English text.
    pub fn say(&self, de: std::fmt::Arguments, en: std::fmt::Arguments) {
        match self.lang {
            Lang::De => self.progress(&de.to_string()),
            Lang::En => self.progress(&en.to_string()),
        }
    }

    /// A warning on stderr (always).
    pub fn warn(&self, line: &str) {
        match self.lang {
            Lang::De => eprintln!("Warnung: {line}"),
            Lang::En => eprintln!("warning: {line}"),
        }
    }
}

/// The German or the English text.
pub fn tr(lang: Lang, de: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::De => de,
        Lang::En => en,
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

/// Writes JSON to stdout as it is serialised: a big answer is never one
/// string in memory. Indented when `pretty` (GeoJSON is written compact).
pub fn print_json<T: Serialize + ?Sized>(data: &T, pretty: bool) -> Result<()> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    // io::Error keeps a closed pipe recognisable (exit 0, see main.rs).
    if pretty {
        serde_json::to_writer_pretty(&mut stdout, data).map_err(std::io::Error::from)?;
    } else {
        serde_json::to_writer(&mut stdout, data).map_err(std::io::Error::from)?;
    }
    stdout.write_all(b"\n")?;
    stdout.flush()?;
    Ok(())
}

/// The table style for stdout: a terminal gets its width and bold headers
/// (plain with `NO_COLOR`); a pipe or a file gets plain text at full width,
/// so that nothing a script reads is cut.
pub fn table_style() -> TableStyle {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return TableStyle::default();
    }
    TableStyle {
        width: table_width(
            comfy_table::Table::new().width(),
            std::env::var("COLUMNS").ok().as_deref(),
        ),
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// The width tables fit on a terminal: its own, else `COLUMNS`, else none
/// (full width). A pseudo-terminal that was never given a size (`script`,
/// some CI runners and editors' shells) says 0 columns: that is no width,
/// not a table of one-letter columns.
fn table_width(terminal: Option<u16>, columns: Option<&str>) -> Option<u16> {
    let known = |w: &u16| *w > 0;
    terminal
        .filter(known)
        .or_else(|| columns.and_then(|c| c.trim().parse().ok()).filter(known))
}

fn grid_text(out: &Out, grid: &Grid) -> Result<String> {
    Ok(match out.format {
        Format::Table => grid.to_table_styled(table_style()),
        Format::Csv => grid.to_csv(),
        Format::Md => grid.to_markdown(),
        Format::Json | Format::Geojson | Format::Dot | Format::Graphml => {
            let format = out.format;
            return Err(said(text!(
                "this command has no {format:?} output; use table, csv, json or md",
                "dieser Befehl hat keine Ausgabe {format:?}; wählen Sie table, csv, json oder md"
            )));
        }
    })
}

/// Writes a result: JSON as its serde form, tables from its grid.
pub fn emit<T: Serialize + ?Sized>(out: &Out, data: &T, grid: impl FnOnce() -> Grid) -> Result<()> {
    match out.format {
        Format::Json => print_json(data, true),
        Format::Geojson => Err(said(text!(
            "--format geojson is for entity listings (list, in, near) and network",
            "--format geojson gilt für Listen von Einträgen (list, in, near) und network"
        ))),
        _ => print(&grid_text(out, &grid())?),
    }
}

/// How many findings of one check the table lists; the rest are counted.
pub const FINDINGS_PER_CHECK: usize = 50;

/// `check`: every finding, or with `listed` the first that many of each
/// check (a list of 100,000 partners without `verified_on` is one note,
/// not 100,000 lines); the note counts them all.
pub fn findings_grid(
    findings: &stadtatlas::query::Findings,
    listed: Option<usize>,
    lang: Lang,
) -> Grid {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut rows = Vec::new();
    for f in findings.iter() {
        let n = counts.entry(f.check).or_default();
        *n += 1;
        if listed.is_none_or(|limit| *n <= limit) {
            rows.push(finding_cells(&f, lang));
        }
    }
    let count = |(c, n): (&&str, &usize)| match listed {
        Some(limit) if *n > limit => match lang {
            Lang::De => format!("{}: {n} (die ersten {limit} aufgeführt)", label(c, lang)),
            Lang::En => format!("{c}: {n} (the first {limit} listed)"),
        },
        _ => format!("{}: {n}", label(c, lang)),
    };
    let mut notes = vec![if findings.is_empty() {
        tr(lang, "keine Befunde", "no findings").into()
    } else {
        counts.iter().map(count).collect::<Vec<_>>().join(", ")
    }];
    if listed.is_some_and(|limit| counts.values().any(|n| *n > limit)) {
        notes.push(
            tr(
                lang,
                "`check --format csv` oder `--format json` führt jeden Befund auf",
                "`check --format csv` or `--format json` lists every finding",
            )
            .into(),
        );
    }
    Grid {
        headers: finding_headers(lang),
        rows,
        notes,
    }
}

/// The columns of [`findings_grid`].
fn finding_headers(lang: Lang) -> Vec<String> {
    ["check", "id", "name", "detail"]
        .map(|k| label(k, lang))
        .to_vec()
}

/// The cells of a finding in [`findings_grid`].
fn finding_cells(f: &stadtatlas::query::Finding<'_>, lang: Lang) -> Vec<String> {
    vec![
        label(f.check, lang),
        f.id.to_string(),
        f.name.to_string(),
        f.detail.in_lang(lang).into_owned(),
    ]
}

/// `check --format csv`: [`findings_grid`]'s rows written as they are made,
/// a thousand at a time, not a grid of every finding.
pub fn findings_csv(findings: &stadtatlas::query::Findings, lang: Lang) -> Result<()> {
    let mut w = std::io::BufWriter::new(std::io::stdout().lock());
    let mut csv = csv::Writer::from_writer(&mut w);
    let mut part = Grid {
        headers: finding_headers(lang),
        rows: Vec::new(),
        notes: Vec::new(),
    };
    part.write_csv(&mut csv, true)
        .map_err(std::io::Error::from)?;
    let mut rest = findings.iter().peekable();
    while rest.peek().is_some() {
        part.rows = rest
            .by_ref()
            .take(1_000)
            .map(|f| finding_cells(&f, lang))
            .collect();
        part.write_csv(&mut csv, false)
            .map_err(std::io::Error::from)?;
    }
    csv.flush()?;
    drop(csv);
    w.flush()?;
    Ok(())
}

/// `bodies`.
pub fn bodies_grid(rows: &[governance::BodyRow], lang: Lang) -> Grid {
    Grid {
        headers: vec![
            label("id", lang),
            label("name", lang),
            label("status", lang),
            tr(lang, "Mitglieder", "members").into(),
            tr(lang, "Vorsitz", "chairs").into(),
            label("source", lang),
        ],
        rows: rows
            .iter()
            .map(|b| {
                vec![
                    b.id.clone(),
                    b.name.clone(),
                    b.status.clone().unwrap_or_default(),
                    b.members.to_string(),
                    b.chairs.to_string(),
                    b.source.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        notes: vec![match lang {
            Lang::De => format!("{} Gremien", rows.len()),
            Lang::En => format!("{} bodies", rows.len()),
        }],
    }
}

/// `board check`.
pub fn coverage_grid(c: &governance::Coverage, lang: Lang) -> Grid {
    let missing = if lang == Lang::De { "FEHLT" } else { "MISSING" };
    let ok = if lang == Lang::De {
        "abgedeckt"
    } else {
        "covered"
    };
    Grid {
        headers: vec![
            tr(lang, "Anforderung", "requirement").into(),
            "".into(),
            "min".into(),
            tr(lang, "abgedeckt durch", "covered by").into(),
            "status".into(),
        ],
        rows: c
            .rows
            .iter()
            .map(|r| {
                vec![
                    match (lang, r.kind) {
                        (Lang::De, "field") => "Handlungsfeld".into(),
                        (Lang::De, "category") => "Kategorie".into(),
                        (_, kind) => kind.to_string(),
                    },
                    r.label.clone(),
                    r.min.to_string(),
                    r.covered_by.join("; "),
                    if r.covered { ok.into() } else { missing.into() },
                ]
            })
            .collect(),
        notes: vec![match lang {
            Lang::De => format!(
                "{} ({}), {} Mitglieder{}, geprüft gegen \"{}\": {} von {} Anforderungen fehlen",
                c.body_name,
                c.body,
                c.members,
                with_note(&c.with, lang),
                c.requirement,
                c.missing,
                c.rows.len()
            ),
            Lang::En => format!(
                "{} ({}), {} members{}, checked against \"{}\": {} of {} requirements missing",
                c.body_name,
                c.body,
                c.members,
                with_note(&c.with, lang),
                c.requirement,
                c.missing,
                c.rows.len()
            ),
        }],
    }
}

/// `board check --with`: the organisations counted hypothetically.
fn with_note(with: &[String], lang: Lang) -> String {
    if with.is_empty() {
        return String::new();
    }
    match lang {
        Lang::De => format!(
            " (davon angenommen, nicht gespeichert: {})",
            with.join(", ")
        ),
        Lang::En => format!(" (hypothetical, not stored: {})", with.join(", ")),
    }
}

/// `network` as a table of partners.
pub fn network_grid(n: &governance::Network, lang: Lang) -> Grid {
    let mut nodes: Vec<&governance::NetworkNode> = n.nodes.iter().collect();
    nodes.sort_by(|a, b| {
        b.degree
            .cmp(&a.degree)
            .then(b.betweenness.total_cmp(&a.betweenness))
            .then(a.name.cmp(&b.name))
    });
    Grid {
        headers: vec![
            label("id", lang),
            label("name", lang),
            tr(lang, "Grad", "degree").into(),
            tr(lang, "Zwischenzentralität", "betweenness").into(),
            tr(lang, "Aktivitäten", "activities").into(),
        ],
        rows: nodes
            .iter()
            .map(|p| {
                let shown: Vec<&str> = p.activities.iter().take(3).map(String::as_str).collect();
                let more = p.activities.len().saturating_sub(shown.len());
                let mut activities = format!("{}: {}", p.activities.len(), shown.join("; "));
                if more > 0 {
                    activities.push_str(&format!("; … (+{more})"));
                }
                vec![
                    p.id.clone(),
                    p.name.clone(),
                    p.degree.to_string(),
                    format!("{:.3}", p.betweenness),
                    activities,
                ]
            })
            .collect(),
        notes: vec![network_note(n, lang)],
    }
}

/// How big the network shown is, and around what.
fn network_note(n: &governance::Network, lang: Lang) -> String {
    let (partners, links) = (n.nodes.len(), n.edges.len());
    let around = |word: &str, depth: &str| {
        n.focus
            .as_ref()
            .map(|f| format!(" {word} {f} ({depth} {})", n.depth))
            .unwrap_or_default()
    };
    match lang {
        Lang::En => format!(
            "{partners} partners, {links} links{}; degree and betweenness are those of the whole network",
            around("around", "depth")
        ),
        Lang::De => format!(
            "{partners} Partner, {links} Verbindungen{}; Grad und Zwischenzentralität gelten im ganzen Netz",
            around("um", "Tiefe")
        ),
    }
}

/// `list`: the records the store hands over in list order.
pub fn list(out: &Out, store: &dyn stadtatlas::store::Store, filter: &Filter) -> Result<()> {
    write_rows(out, &Rows::read(store, filter, EntityOrder::Listed, false)?)
}

/// Rows handed over a chunk at a time (`list`'s, the answers of `in` and
/// `near`), written as they come in JSON, GeoJSON and CSV (the same bytes
/// as one answer, with memory for one chunk); a table or Markdown, whose
/// column widths and count need every row, from the rows' cells.
pub fn write_rows(out: &Out, rows: &impl Chunked) -> Result<()> {
    use serde::ser::{SerializeSeq, Serializer};
    // Stdout, not its lock: the chunks may be written from the store's
    // reading thread.
    let mut w = std::io::BufWriter::new(std::io::stdout());
    let json_err = |e: serde_json::Error| anyhow::Error::from(std::io::Error::from(e));
    let districts = rows.districts();
    let levels = districts.districts.hierarchy.level_ids();
    let with_distance = rows.with_distance();
    let grid = || {
        export::EntityGrid::new(
            levels.clone(),
            districts.vocabulary.clone(),
            out.lang,
            with_distance,
        )
    };
    match out.format {
        Format::Json => {
            let mut json = serde_json::Serializer::pretty(&mut w);
            let mut seq = json.serialize_seq(None).map_err(json_err)?;
            rows.each(|_, rows| {
                rows.iter()
                    .try_for_each(|r| seq.serialize_element(r))
                    .map_err(json_err)
            })?;
            seq.end().map_err(json_err)?;
            w.write_all(b"\n")?;
        }
        Format::Geojson => {
            let to = "standard output";
            export::stream::write_geojson_of(rows, export::Profile::Public, &mut w, to)?;
            w.write_all(b"\n")?;
        }
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(&mut w);
            grid()
                .finish()
                .write_csv(&mut csv, true)
                .map_err(std::io::Error::from)?;
            rows.each(|_, rows| {
                let mut part = grid();
                part.add(&rows);
                part.finish()
                    .write_csv(&mut csv, false)
                    .map_err(|e| anyhow::Error::from(std::io::Error::from(e)))
            })?;
            csv.flush()?;
        }
        _ => {
            // The cells of every row, each chunk's rows dropped once they are cells.
            let mut cells = grid();
            rows.each(|_, rows| {
                cells.add(&rows);
                Ok::<(), anyhow::Error>(())
            })?;
            drop(w);
            return print(&grid_text(out, &cells.finish())?);
        }
    }
    w.flush()?;
    Ok(())
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
    // JSON is English whatever the language of the table.
    let names_in = if out.format == Format::Json {
        Lang::En
    } else {
        out.lang
    };
    let districts = super::district_names(atlas, i, names_in);
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
    let lang = out.lang;
    let de = lang == Lang::De;
    let mut add = |k: &str, v: String| {
        if !v.is_empty() {
            grid.rows.push(vec![label(k, lang), v]);
        }
    };
    add("id", e.id.clone());
    add("name", e.name.clone());
    add("kind", label(&e.kind.to_string(), lang));
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
                if de {
                    "stadtweit (ohne Ort)"
                } else {
                    "city-wide (no location)"
                }
                .into()
            } else {
                String::new()
            }
        }),
    );
    add(
        "area",
        if e.area.is_some() {
            if de {
                "ja (siehe Export)"
            } else {
                "yes (see export)"
            }
            .into()
        } else {
            String::new()
        },
    );
    add("named districts", e.district_names.join("; "));
    for (level, names) in &districts {
        let key = if de { "Gebiet" } else { "district" };
        add(&format!("{key} ({level})"), names.clone());
    }
    add("address", e.address.clone().unwrap_or_default());
    add("website", e.website.clone().unwrap_or_default());
    add(
        "status",
        e.status
            .map(|s| label(&s.to_string(), lang))
            .unwrap_or_default(),
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
        add(
            "contacts",
            if de {
                format!("{contacts} (personenbezogen, nicht angezeigt)")
            } else {
                format!("{contacts} (personal data, not shown)")
            },
        );
    }
    if atlas.has_provisional_districts() {
        grid.notes.push(if de {
            "(vorläufig) = vorläufige Gebietsgrenzen, nicht amtlich".into()
        } else {
            "(provisional) = provisional district boundaries, not official".into()
        });
    }
    match out.format {
        Format::Geojson => Err(said(text!(
            "--format geojson is for entity listings (list, in, near)",
            "--format geojson gilt für Listen von Einträgen (list, in, near)"
        ))),
        _ => print(&grid_text(out, &grid)?),
    }
}

/// `history ID`: each revision and the fields it changed.
pub fn history(out: &Out, revisions: &[Revision]) -> Result<()> {
    let mut grid = Grid {
        headers: ["rev", "recorded_at", "import", "changed", "files"]
            .map(|k| label(k, out.lang))
            .to_vec(),
        ..Grid::default()
    };
    let mut previous: Option<&serde_json::Value> = None;
    for r in revisions {
        let changed = match (previous, &r.record) {
            (None, _) => match out.lang {
                Lang::De => "angelegt".to_string(),
                Lang::En => "created".to_string(),
            },
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

#[cfg(test)]
mod tests {
    use super::table_width;

    #[test]
    fn a_terminal_without_a_size_is_no_width() {
        assert_eq!(table_width(Some(120), Some("80")), Some(120));
        assert_eq!(table_width(Some(0), Some("80")), Some(80));
        assert_eq!(table_width(Some(0), None), None);
        assert_eq!(table_width(None, Some(" 100 ")), Some(100));
        assert_eq!(table_width(None, Some("0")), None);
        assert_eq!(table_width(None, Some("wide")), None);
    }
}
