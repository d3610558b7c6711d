//! A table of strings and its renderings.

use std::fmt::Write;

/// Rows of text under a header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Lines shown under the table (provisional boundaries, totals).
    pub notes: Vec<String>,
}

/// How a terminal table is drawn. The caller decides (the CLI knows the
/// terminal); the default is plain text at its natural width.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableStyle {
    /// Fit into this many columns: long ids are abbreviated (`…`) and wide
    /// cells wrap. `None`: every cell at full length.
    pub width: Option<u16>,
    /// Bold headers (ANSI escapes); off for `NO_COLOR` and non-terminals.
    pub color: bool,
}

/// Longest id shown in a table fitted to a width (the full id is in CSV and JSON).
const ID_SHOWN: usize = 24;

/// Rows drawn at a time in a table at its natural width.
const BLOCK_ROWS: usize = 1_000;

impl Grid {
    /// A terminal table, plain and at its natural width.
    pub fn to_table(&self) -> String {
        self.to_table_styled(TableStyle::default())
    }

    /// A terminal table in a style (width, color).
    pub fn to_table_styled(&self, style: TableStyle) -> String {
        let ids: Vec<usize> = (0..self.headers.len())
            .filter(|&c| self.headers[c].eq_ignore_ascii_case("id"))
            .collect();
        let natural = self.natural_table(style);
        let wide = |text: &str| text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        let mut out = match style.width {
            Some(w) if wide(&natural) > usize::from(w) => {
                let rows: Vec<Vec<String>> = self
                    .rows
                    .iter()
                    .map(|row| {
                        let mut row = row.clone();
                        for &c in &ids {
                            if let Some(cell) = row.get_mut(c)
                                && cell.chars().count() > ID_SHOWN
                            {
                                *cell = cell.chars().take(ID_SHOWN - 1).collect::<String>() + "…";
                            }
                        }
                        row
                    })
                    .collect();
                let mut t = self.table(&rows, style, true);
                t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                    .set_width(w);
                // An (abbreviated) id stays on one line; the other columns wrap.
                for &c in &ids {
                    if let Some(column) = t.column_mut(c) {
                        column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
                    }
                }
                t.to_string()
            }
            _ => natural,
        };
        out.push('\n');
        for note in &self.notes {
            let _ = writeln!(out, "{note}");
        }
        out
    }

    /// `rows` under the headers (when `header`), plain or bold, not yet arranged.
    fn table(&self, rows: &[Vec<String>], style: TableStyle, header: bool) -> comfy_table::Table {
        let mut t = comfy_table::Table::new();
        t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        if style.color {
            t.enforce_styling();
        } else {
            t.force_no_tty();
        }
        t.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
        if header {
            t.set_header(self.headers.iter().map(|h| {
                let cell = comfy_table::Cell::new(h);
                if style.color {
                    cell.add_attribute(comfy_table::Attribute::Bold)
                } else {
                    cell
                }
            }));
        }
        for row in rows {
            t.add_row(row);
        }
        t
    }

    /// The table at its natural width (every cell at full length), drawn
    /// [`BLOCK_ROWS`] rows at a time with the widths of the whole: the
    /// crate keeps every formatted cell of a table until it is drawn, which
    /// for `list` of 10^5 records took 0.69 GB and 2.8 s; block by block it
    /// is the same text.
    fn natural_table(&self, style: TableStyle) -> String {
        if self.rows.len() <= BLOCK_ROWS {
            return self.table(&self.rows, style, true).to_string();
        }
        let mut widths = vec![0u16; self.headers.len()];
        for block in self.rows.chunks(BLOCK_ROWS) {
            let t = self.table(block, style, true);
            for (w, b) in widths.iter_mut().zip(t.column_max_content_widths()) {
                *w = (*w).max(b);
            }
        }
        let blocks = self.rows.len().div_ceil(BLOCK_ROWS);
        let mut out = String::new();
        for (i, block) in self.rows.chunks(BLOCK_ROWS).enumerate() {
            let mut t = self.table(block, style, i == 0);
            for (c, &w) in widths.iter().enumerate() {
                if let Some(column) = t.column_mut(c) {
                    let padding = column.padding_width();
                    column.set_constraint(comfy_table::ColumnConstraint::Absolute(
                        comfy_table::Width::Fixed(w.saturating_add(padding)),
                    ));
                }
            }
            let drawn = t.to_string();
            let lines: Vec<&str> = drawn.lines().collect();
            // The first block keeps its top border and header, the last its
            // bottom border; between blocks both borders go.
            let from = usize::from(i > 0);
            let to = if i + 1 < blocks {
                lines.len() - 1
            } else {
                lines.len()
            };
            for line in &lines[from..to] {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(line);
            }
        }
        out
    }

    /// RFC 4180 CSV (notes are left out: a CSV holds only the table).
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        self.write_csv(&mut w, true).expect("writing to memory");
        String::from_utf8(w.into_inner().expect("flushing memory")).expect("CSV of UTF-8 cells")
    }

    /// The rows of [`Grid::to_csv`], after its header line when `headers`:
    /// a long table written a part at a time, as its parts come.
    ///
    /// # Errors
    /// What writing to `w` fails with.
    pub fn write_csv<W: std::io::Write>(
        &self,
        w: &mut csv::Writer<W>,
        headers: bool,
    ) -> csv::Result<()> {
        // Opened in a spreadsheet by people: text that would be a formula is
        // neutralised; numbers (counts, shares) stay numbers.
        let cell = |c: &String| {
            if c.trim().parse::<f64>().is_ok() {
                c.clone()
            } else {
                super::csv_out::neutralise(c)
            }
        };
        if headers {
            w.write_record(self.headers.iter().map(cell))?;
        }
        for row in &self.rows {
            w.write_record(row.iter().map(cell))?;
        }
        Ok(())
    }

    /// A GitHub-flavoured Markdown table, ready for an appendix.
    pub fn to_markdown(&self) -> String {
        // Markdown renders inline HTML: a record named `<script>` must stay text.
        let esc = |s: &str| {
            html_escape::encode_text(s)
                .replace('|', "\\|")
                .replace(['\n', '\r'], " ")
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| {} |",
            self.headers
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let _ = writeln!(
            out,
            "|{}|",
            self.headers
                .iter()
                .map(|_| " --- ")
                .collect::<Vec<_>>()
                .join("|")
        );
        for row in &self.rows {
            let _ = writeln!(
                out,
                "| {} |",
                row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "\n{}", esc(note));
        }
        out
    }
}

impl Grid {
    /// An HTML table (cells escaped, never rendered as markup), notes below.
    pub fn to_html(&self) -> String {
        use html_escape::encode_text as esc;
        let mut out = String::from("<table><thead><tr>");
        for h in &self.headers {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        out.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            out.push_str("<tr>");
            for c in row {
                let _ = write!(out, "<td>{}</td>", esc(c));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
        for note in &self.notes {
            let _ = write!(out, "<p class=\"note\">{}</p>", esc(note));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_table_drawn_in_blocks_is_the_table_drawn_at_once() {
        // Widths that differ from block to block (the widest cell of a
        // column in the last block), names with umlauts and quotes, a cell
        // of two lines, an empty cell.
        let rows: Vec<Vec<String>> = (0..2 * BLOCK_ROWS + 7)
            .map(|i| {
                vec![
                    format!("p{i:07}"),
                    if i == 2 * BLOCK_ROWS + 3 {
                        "Grundschule „Am Kirchteich“ – Außenstelle Neustadt".to_string()
                    } else {
                        format!("Kita {}", "ä".repeat(i % 17))
                    },
                    if i == 5 {
                        "zwei\nZeilen".into()
                    } else {
                        String::new()
                    },
                    (i * 37 % 1000).to_string(),
                ]
            })
            .collect();
        let g = Grid {
            headers: vec!["id".into(), "name".into(), "note".into(), "n".into()],
            rows,
            notes: vec!["2007 Einträge".into()],
        };
        for color in [false, true] {
            let style = TableStyle { width: None, color };
            let at_once = g.table(&g.rows, style, true).to_string();
            assert_eq!(g.natural_table(style), at_once);
            assert!(at_once.contains("Außenstelle Neustadt"));
        }
        let short = Grid {
            rows: g.rows[..3].to_vec(),
            ..g.clone()
        };
        let style = TableStyle::default();
        assert_eq!(
            short.natural_table(style),
            short.table(&short.rows, style, true).to_string()
        );
    }

    #[test]
    fn a_fitted_table_keeps_to_the_width_and_abbreviates_ids() {
        let g = Grid {
            headers: vec!["id".into(), "name".into(), "covers".into()],
            rows: vec![vec![
                "stadt-halle-saale-fachbereich-wirtschaft-wissenschaft-und-digitalisierung".into(),
                "Stadt Halle (Saale) – Fachbereich Wirtschaft, Wissenschaft und Digitalisierung"
                    .into(),
                "Economy, Science, Administration, Mitte".into(),
            ]],
            notes: vec![],
        };
        let plain = g.to_table();
        assert!(plain.contains("und-digitalisierung") && !plain.contains('\x1b'));
        let fitted = g.to_table_styled(TableStyle {
            width: Some(60),
            color: false,
        });
        for line in fitted.lines() {
            assert!(line.chars().count() <= 60, "{line}\n{fitted}");
        }
        assert!(fitted.contains("stadt-halle-saale-fachb… "), "{fitted}");
        assert!(!fitted.contains('\x1b'));
        // A table that fits is drawn as it is; color adds only escapes.
        let colored = g.to_table_styled(TableStyle {
            width: Some(400),
            color: true,
        });
        assert!(colored.contains("\x1b[1m"));
        assert_eq!(
            colored.replace("\x1b[1m", "").replace("\x1b[0m", ""),
            plain,
            "{colored}"
        );
    }

    #[test]
    fn markdown_escapes_pipes_and_csv_quotes() {
        let g = Grid {
            headers: vec!["a".into(), "b".into()],
            rows: vec![vec!["x|y".into(), "say \"hi\", twice".into()]],
            notes: vec![],
        };
        assert!(g.to_markdown().contains("x\\|y"));
        assert!(g.to_csv().contains("\"say \"\"hi\"\", twice\""));
        let g = Grid {
            headers: vec!["<b>".into()],
            rows: vec![vec!["<script>alert(1)</script>".into()]],
            notes: vec![],
        };
        assert!(g.to_html().contains("&lt;script&gt;") && !g.to_html().contains("<script>"));
        assert!(
            g.to_markdown().contains("&lt;script&gt;") && !g.to_markdown().contains("<script>")
        );
        let g = Grid {
            headers: vec!["name".into(), "n".into()],
            rows: vec![vec!["=HYPERLINK(\"http://x\")".into(), "-3".into()]],
            notes: vec![],
        };
        assert!(g.to_csv().contains("\"'=HYPERLINK(") && g.to_csv().contains(",-3\n"));
    }
}
