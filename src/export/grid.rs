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
        let draw = |rows: &[Vec<String>], width: Option<u16>| {
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            if style.color {
                t.enforce_styling();
            } else {
                t.force_no_tty();
            }
            match width {
                Some(w) => t
                    .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                    .set_width(w),
                None => t.set_content_arrangement(comfy_table::ContentArrangement::Disabled),
            };
            t.set_header(self.headers.iter().map(|h| {
                let cell = comfy_table::Cell::new(h);
                if style.color {
                    cell.add_attribute(comfy_table::Attribute::Bold)
                } else {
                    cell
                }
            }));
            for row in rows {
                t.add_row(row);
            }
            // An (abbreviated) id stays on one line; the other columns wrap.
            for &c in ids.iter().filter(|_| width.is_some()) {
                if let Some(column) = t.column_mut(c) {
                    column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
                }
            }
            t.to_string()
        };
        let natural = draw(&self.rows, None);
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
                draw(&rows, Some(w))
            }
            _ => natural,
        };
        out.push('\n');
        for note in &self.notes {
            let _ = writeln!(out, "{note}");
        }
        out
    }

    /// RFC 4180 CSV (notes are left out: a CSV holds only the table).
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Opened in a spreadsheet by people: text that would be a formula is
        // neutralised; numbers (counts, shares) stay numbers.
        let cell = |c: &String| {
            if c.trim().parse::<f64>().is_ok() {
                c.clone()
            } else {
                super::csv_out::neutralise(c)
            }
        };
        w.write_record(self.headers.iter().map(cell))
            .expect("writing to memory");
        for row in &self.rows {
            w.write_record(row.iter().map(cell))
                .expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("flushing memory")).expect("CSV of UTF-8 cells")
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
