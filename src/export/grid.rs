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

impl Grid {
    /// A terminal table.
    pub fn to_table(&self) -> String {
        let mut t = comfy_table::Table::new();
        t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
            .set_header(&self.headers);
        for row in &self.rows {
            t.add_row(row);
        }
        let mut out = t.to_string();
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
