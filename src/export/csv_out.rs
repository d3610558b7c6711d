//! Entity tables as CSV, plain (RFC 4180) or for German Excel.

use super::Profile;
use crate::query::{Atlas, EntityRow};

/// How the CSV is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsvDialect {
    /// UTF-8, `,`, decimal point.
    #[default]
    Plain,
    /// What German Excel opens correctly on a double click: UTF-8 with BOM,
    /// `;` separator, decimal comma; text cells that Excel would take for a
    /// formula (`=`, `+`, `-`, `@`, tab, carriage return) get a leading `'`.
    Excel,
    /// [`CsvDialect::Plain`] with text cells neutralised as for Excel: the
    /// report bundle's tables, which people open in a spreadsheet.
    PlainSafe,
}

/// Neutralises a text cell against CSV formula injection (OWASP).
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

fn number(v: Option<f64>, decimals: usize, dialect: CsvDialect) -> String {
    match v {
        None => String::new(),
        Some(x) => {
            let s = format!("{x:.decimals$}");
            match dialect {
                CsvDialect::Excel => s.replace('.', ","),
                CsvDialect::Plain | CsvDialect::PlainSafe => s,
            }
        }
    }
}

/// The entity table (one row per entity, one district column per level)
/// written to `W` a part at a time: a long table as the store
/// hands its records over.
pub struct EntityCsv<W: std::io::Write> {
    w: csv::Writer<W>,
    levels: Vec<String>,
    profile: Profile,
    dialect: CsvDialect,
}

impl<W: std::io::Write> EntityCsv<W> {
    /// Starts the table: the byte order mark for Excel, the header line.
    ///
    /// # Errors
    /// What writing to `w` fails with.
    pub fn new(
        mut w: W,
        levels: &[String],
        profile: Profile,
        dialect: CsvDialect,
    ) -> std::io::Result<Self> {
        if dialect == CsvDialect::Excel {
            w.write_all(b"\xEF\xBB\xBF")?;
        }
        let mut header: Vec<String> = [
            "id", "name", "kind", "category", "fields", "status", "lon", "lat",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        header.extend(levels.iter().map(|l| format!("district_{l}")));
        header.extend(
            [
                "districts_provisional",
                "address",
                "website",
                "start",
                "end",
                "source",
                "license",
                "verified_on",
                "visibility",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        if profile.shows_contacts() {
            header.push("contacts".into());
        }
        let mut w = csv::WriterBuilder::new()
            .delimiter(if dialect == CsvDialect::Excel {
                b';'
            } else {
                b','
            })
            .from_writer(w);
        w.write_record(&header)?;
        Ok(Self {
            w,
            levels: levels.to_vec(),
            profile,
            dialect,
        })
    }

    /// Writes the rows (entities of `atlas`).
    ///
    /// # Errors
    /// What writing fails with.
    pub fn write(&mut self, atlas: &Atlas, rows: &[EntityRow]) -> std::io::Result<()> {
        let dialect = self.dialect;
        let text = |s: &str| match dialect {
            CsvDialect::Excel | CsvDialect::PlainSafe => neutralise(s),
            CsvDialect::Plain => s.to_string(),
        };
        for r in rows {
            let e = &atlas.entities[r.index];
            let mut cells = vec![
                text(&r.id),
                text(&r.name),
                r.kind.to_string(),
                text(r.category.as_deref().unwrap_or_default()),
                text(&r.fields.join(";")),
                e.status.map(|s| s.to_string()).unwrap_or_default(),
                number(r.lon, 7, dialect),
                number(r.lat, 7, dialect),
            ];
            cells.extend(
                self.levels
                    .iter()
                    .map(|l| text(r.districts.get(l).map_or("", String::as_str))),
            );
            cells.push(if r.districts_provisional {
                "yes".into()
            } else {
                String::new()
            });
            for v in [
                &e.address, &e.website, &e.start, &e.end, &e.source, &e.license,
            ] {
                cells.push(text(v.as_deref().unwrap_or_default()));
            }
            cells.push(e.verified_on.map(|d| d.to_string()).unwrap_or_default());
            cells.push(e.visibility.as_str().to_string());
            if self.profile.shows_contacts() {
                let contacts: Vec<String> = atlas
                    .contacts
                    .iter()
                    .filter(|c| c.entity == e.id)
                    .map(crate::model::Contact::one_line)
                    .collect();
                cells.push(text(&contacts.join(" | ")));
            }
            self.w.write_record(&cells)?;
        }
        Ok(())
    }

    /// Flushes the table and hands back the writer.
    ///
    /// # Errors
    /// What flushing fails with.
    pub fn finish(self) -> std::io::Result<W> {
        self.w.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+49 345"), "'+49 345");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("Halle"), "Halle");
    }

    #[test]
    fn excel_numbers_use_a_decimal_comma() {
        assert_eq!(number(Some(51.4828), 4, CsvDialect::Excel), "51,4828");
        assert_eq!(number(Some(51.4828), 4, CsvDialect::Plain), "51.4828");
    }
}
