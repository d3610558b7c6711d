//! Tabular files as they arrive: CSV in UTF-8 (with or without BOM) or
//! Windows-1252, with `,`, `;` or tab; and spreadsheets (XLSX, XLS, ODS).
//! The result is a header and rows of trimmed text with their line numbers.

use super::Issue;
use super::manifest::FileEntry;
use crate::model::Text;
use calamine::{Data, Reader};
use csv::StringRecord;
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use std::borrow::Cow;
use std::path::Path;

/// A header and rows of text; `rows` are `(line or sheet row, cells)`.
/// A row is one [`StringRecord`] (one buffer for all its cells): a million
/// rows are a million allocations, not one per cell.
pub struct RawTable {
    pub headers: Vec<String>,
    pub rows: Rows,
    /// The sheet read, for spreadsheets.
    pub sheet: Option<String>,
}

/// Rows of text: `(line or sheet row, cells)`.
pub type Rows = Vec<(u64, StringRecord)>;

/// Largest file read (1 GiB): files are read whole, so this bounds memory.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Refuses files too large to read whole.
///
/// # Errors
/// An [`Issue`] naming the file and its size.
pub fn check_size(path: &Path) -> Result<(), Issue> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => Err(Issue::file(
            path,
            crate::text!(
                "is {} MiB; files over {} MiB are not read (split it)",
                "ist {} MiB groß; Dateien über {} MiB werden nicht gelesen (teilen Sie sie auf)",
                m.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
        )),
        _ => Ok(()),
    }
}

/// Extensions read as spreadsheets.
pub const SPREADSHEETS: &[&str] = &["xlsx", "xlsm", "xls", "ods"];

/// Reads a CSV or spreadsheet file. `notes` gets what the reader decided on
/// its own (the encoding it detected, the sheet it took).
///
/// # Errors
/// An [`Issue`] naming the file (and line) when it cannot be read.
pub fn read(entry: &FileEntry, notes: &mut Vec<Text>) -> Result<RawTable, Issue> {
    let ext = entry
        .path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    if SPREADSHEETS.contains(&ext.as_str()) {
        spreadsheet(entry, notes)
    } else {
        csv_file(entry, notes)
    }
}

/// The encoding a file declares: `utf-8`, `windows-1252`/`cp1252`, `latin1`.
///
/// # Errors
/// A message listing the accepted names.
pub fn encoding(name: &str) -> Result<&'static Encoding, Text> {
    match name.trim().to_lowercase().replace('_', "-").as_str() {
        "utf-8" | "utf8" => Ok(UTF_8),
        // ISO-8859-1 as browsers and Excel read it is Windows-1252.
        "windows-1252" | "cp1252" | "latin1" | "latin-1" | "iso-8859-1" | "ansi" => {
            Ok(WINDOWS_1252)
        }
        other => Err(crate::text!(
            "\"{other}\" is not a supported encoding (utf-8, windows-1252)",
            "\"{other}\" ist keine unterstützte Kodierung (utf-8, windows-1252)"
        )),
    }
}

/// The file's text: borrowed when it is UTF-8 already (no copy of a big file).
fn decode<'a>(
    entry: &FileEntry,
    bytes: &'a [u8],
    notes: &mut Vec<Text>,
) -> Result<Cow<'a, str>, Issue> {
    let path = &entry.path;
    let declared = match &entry.encoding {
        Some(name) => Some(encoding(name).map_err(|m| Issue::file(path, m))?),
        None => None,
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match declared {
        Some(enc) if enc == WINDOWS_1252 => Ok(WINDOWS_1252.decode_without_bom_handling(bytes).0),
        Some(_) => std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            Issue::line(
                path,
                line,
                crate::text!(
                    "not UTF-8 (byte {} is invalid), although declared UTF-8",
                    "nicht UTF-8 (Byte {} ist ungültig), obwohl als UTF-8 angegeben",
                    e.valid_up_to()
                ),
            )
        }),
        None => match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Cow::Borrowed(text)),
            Err(_) => {
                // Not UTF-8: German Excel and older systems write Windows-1252.
                notes.push(crate::text!(
                    "{}: not UTF-8, read as Windows-1252 (say --encoding utf-8 to refuse instead)",
                    "{}: nicht UTF-8, als Windows-1252 gelesen (mit --encoding utf-8 wird die Datei \
                     stattdessen abgelehnt)",
                    path.display()
                ));
                Ok(WINDOWS_1252.decode_without_bom_handling(bytes).0)
            }
        },
    }
}

/// `;` when the header line has more semicolons than commas (German Excel),
/// tab when it has more tabs, else `,`.
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let count = |c: char| header.chars().filter(|&h| h == c).count();
    if count(';') > count(',') {
        b';'
    } else if count('\t') > count(',') {
        b'\t'
    } else {
        b','
    }
}

fn csv_issue(path: &Path, text: &str, e: &csv::Error) -> Issue {
    // The reader's own message names its own line (see [`line_of`]).
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => crate::text!(
            "the row has {len} cells, the header {expected_len}",
            "die Zeile hat {len} Zellen, die Kopfzeile {expected_len}"
        ),
        // The csv reader's own message, as it gives it.
        _ => crate::text!("{e}", "{e}"),
    };
    match e.position() {
        Some(p) => Issue::line(path, line_of(text.as_bytes(), p), message),
        None => Issue::file(path, message),
    }
}

fn csv_file(entry: &FileEntry, notes: &mut Vec<Text>) -> Result<RawTable, Issue> {
    let path = &entry.path;
    check_size(path)?;
    let bytes = std::fs::read(path).map_err(|e| {
        Issue::file(
            path,
            crate::text!("cannot read: {e}", "kann nicht gelesen werden: {e}"),
        )
    })?;
    let text = decode(entry, &bytes, notes)?;
    let (headers, rows) = csv_text(&text).map_err(|e| csv_issue(path, &text, &e))?;
    Ok(RawTable {
        headers,
        rows,
        sheet: None,
    })
}

/// The header and the rows of a CSV text, each row with its line.
fn csv_text(text: &str) -> Result<(Vec<String>, Rows), csv::Error> {
    let delimiter = sniff_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let start = reader.position().clone();
    // The body is cut at line ends between records and read on every core.
    // Anything amiss is read again in order below, for the csv reader's own
    // message. (With one column a piece cut inside a record could not be
    // told by its width.)
    let body = usize::try_from(start.byte())
        .ok()
        .and_then(|at| text.get(at..))
        .filter(|_| headers.len() > 1);
    if let Some(rows) = body.and_then(|body| {
        rows_in_parallel(body, start.line(), delimiter, headers.len(), PIECE_BYTES)
    }) {
        return Ok((headers, rows));
    }
    let mut rows = Vec::new();
    let mut record = StringRecord::new();
    while reader.read_record(&mut record)? {
        rows.push((line(text.as_bytes(), &record), trimmed(&record)));
    }
    Ok((headers, rows))
}

/// The line a record at `position` starts on. The csv reader numbers it where the
/// previous record ended: before the `\n` of a `\r\n` and before blank
/// lines, which it skips (every row of an Excel export would be reported
/// one line early).
fn line_of(text: &[u8], position: &csv::Position) -> u64 {
    let skipped = usize::try_from(position.byte())
        .ok()
        .and_then(|at| text.get(at..))
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .filter(|&&b| b == b'\n')
        .count();
    position.line() + skipped as u64
}

/// [`line_of`] a record read from `text`.
fn line(text: &[u8], record: &StringRecord) -> u64 {
    record.position().map_or(0, |p| line_of(text, p))
}

/// A row with its cells trimmed, sized to them (`record` is read into again).
fn trimmed(record: &StringRecord) -> StringRecord {
    let mut row = StringRecord::with_capacity(record.as_slice().len(), record.len());
    for cell in record {
        row.push_field(cell.trim());
    }
    row
}

/// Bytes of CSV body per piece read on one core.
const PIECE_BYTES: usize = 1 << 20;

/// The rows of a CSV body, read in pieces of about `piece_bytes` cut at
/// line ends between records, on every core; `first_line` is
/// the body's first line in the file. `None` when a row does not have
/// `width` cells.
fn rows_in_parallel(
    body: &str,
    first_line: u64,
    delimiter: u8,
    width: usize,
    piece_bytes: usize,
) -> Option<Rows> {
    use rayon::prelude::*;
    let mut pieces = Vec::new();
    let mut rest = body;
    // Cut at the first line end after `piece_bytes` outside quotes, as an
    // even count of quotes before it tells. (A quote inside an unquoted
    // cell can put a cut inside a record: then a row of the pieces on
    // either side has another width, and the body is read in order.)
    while let Some(cut) = rest.as_bytes().get(piece_bytes..).and_then(|tail| {
        let before = &rest.as_bytes()[..piece_bytes];
        let mut inside = memchr::memchr_iter(b'"', before).count() % 2 == 1;
        memchr::memchr2_iter(b'"', b'\n', tail).find_map(|i| {
            if tail[i] == b'"' {
                inside = !inside;
                None
            } else {
                (!inside).then_some(piece_bytes + i + 1)
            }
        })
    }) {
        let (piece, after) = rest.split_at(cut);
        pieces.push(piece);
        rest = after;
    }
    pieces.push(rest);
    // Each piece's rows numbered from its own first line, and its line count.
    let read: Vec<Option<(Rows, u64)>> = pieces
        .par_iter()
        .map(|piece| {
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(piece.as_bytes());
            let mut rows = Vec::new();
            let mut record = StringRecord::new();
            while reader.read_record(&mut record).ok()? {
                if record.len() != width {
                    return None;
                }
                rows.push((line(piece.as_bytes(), &record), trimmed(&record)));
            }
            let lines = piece.bytes().filter(|&b| b == b'\n').count() as u64;
            Some((rows, lines))
        })
        .collect();
    let mut all = Vec::with_capacity(read.iter().flatten().map(|(rows, _)| rows.len()).sum());
    let mut before = first_line - 1;
    for piece in read {
        let (rows, lines) = piece?;
        all.extend(rows.into_iter().map(|(line, row)| (before + line, row)));
        before += lines;
    }
    Some(all)
}

/// A spreadsheet cell as text: whole numbers without `.0`, dates as ISO dates.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|dt| {
                if dt.time() == chrono::NaiveTime::MIN {
                    dt.date().to_string()
                } else {
                    dt.to_string()
                }
            })
            .unwrap_or_else(|| d.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#ERROR {e:?}"),
    }
}

fn spreadsheet(entry: &FileEntry, notes: &mut Vec<Text>) -> Result<RawTable, Issue> {
    let path = &entry.path;
    let mut book = calamine::open_workbook_auto(path).map_err(|e| {
        Issue::file(
            path,
            crate::text!(
                "cannot read the spreadsheet: {e}",
                "die Tabellenkalkulationsdatei kann nicht gelesen werden: {e}"
            ),
        )
    })?;
    let names = book.sheet_names();
    let name = match &entry.sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
            .cloned()
            .ok_or_else(|| {
                Issue::file(
                    path,
                    crate::text!(
                        "has no sheet \"{wanted}\"; its sheets are: {}",
                        "hat kein Tabellenblatt \"{wanted}\"; ihre Tabellenblätter sind: {}",
                        names.join(", ")
                    ),
                )
            })?,
        None => {
            let first = names.first().cloned().ok_or_else(|| {
                Issue::file(
                    path,
                    crate::text!("has no sheets", "hat keine Tabellenblätter"),
                )
            })?;
            if names.len() > 1 {
                notes.push(crate::text!(
                    "{0}: read the first sheet \"{first}\" of {1} (choose one with --sheet)",
                    "{0}: erstes Tabellenblatt \"{first}\" von {1} gelesen (wählen Sie eines mit \
                     --sheet)",
                    path.display(),
                    names.len()
                ));
            }
            first
        }
    };
    let range = book.worksheet_range(&name).map_err(|e| {
        Issue::file(
            path,
            crate::text!(
                "cannot read sheet \"{name}\": {e}",
                "Tabellenblatt \"{name}\" kann nicht gelesen werden: {e}"
            ),
        )
    })?;
    // Row numbers as the spreadsheet shows them (1-based, from the sheet's top).
    let first_row = range.start().map_or(0, |(r, _)| r as u64);
    let mut rows = range.rows().enumerate().map(|(i, r)| {
        (
            first_row + i as u64 + 1,
            r.iter().map(cell_text).collect::<Vec<_>>(),
        )
    });
    let Some((_, headers)) = rows.next() else {
        return Err(Issue::file(
            path,
            crate::text!(
                "sheet \"{name}\" is empty",
                "Tabellenblatt \"{name}\" ist leer"
            ),
        ));
    };
    let rows = rows
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .map(|(line, cells)| (line, StringRecord::from(cells)))
        .collect();
    Ok(RawTable {
        headers,
        rows,
        sheet: Some(name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_semicolons_of_german_excel() {
        assert_eq!(sniff_delimiter("Name;Breite;Länge\nA;51,4;11,9"), b';');
        assert_eq!(sniff_delimiter("name,lat,lon\n"), b',');
        assert_eq!(sniff_delimiter("name\tlat\tlon\n"), b'\t');
    }

    #[test]
    fn spreadsheet_cells_read_as_people_typed_them() {
        assert_eq!(cell_text(&Data::Float(2021.0)), "2021");
        assert_eq!(cell_text(&Data::Float(51.4828)), "51.4828");
        assert_eq!(cell_text(&Data::String(" Halle ".into())), "Halle");
    }

    /// Rows as (line, cells).
    type Cells = Vec<(u64, Vec<String>)>;

    /// Rows as (line, cells), the lines counted in the text itself.
    fn rows_of(text: &str) -> Cells {
        cells(csv_text(text).unwrap().1)
    }

    fn cells(rows: Rows) -> Cells {
        rows.into_iter()
            .map(|(line, r)| (line, r.iter().map(String::from).collect()))
            .collect()
    }

    /// [`rows_in_parallel`] of `text`'s body cut into pieces of every size
    /// from 1 byte to the whole.
    fn every_cut(text: &str) -> Vec<Option<Cells>> {
        let delimiter = sniff_delimiter(text);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let width = reader.headers().unwrap().len();
        let start = reader.position().clone();
        let body = &text[start.byte() as usize..];
        (1..=body.len())
            .map(|piece_bytes| {
                rows_in_parallel(body, start.line(), delimiter, width, piece_bytes).map(cells)
            })
            .collect()
    }

    #[test]
    fn rows_are_numbered_by_the_line_they_start_on() {
        // Line endings of every kind, blank lines, cells to trim, letters
        // of two bytes, with and without quotes: in order and in pieces.
        for quote in ["", "\""] {
            let mut text = String::from("id;Name;Länge\r\n\r\n");
            let mut expected = Vec::new();
            for i in 0..40 {
                let line = 1 + text.matches('\n').count() as u64;
                text.push_str(&format!("p{i};{quote} Straße {i} {quote};11.9{i}"));
                text.push_str(["\n", "\r\n", "\n\n", "\r\n\r\n", "\n"][i % 5]);
                expected.push((
                    line,
                    vec![format!("p{i}"), format!("Straße {i}"), format!("11.9{i}")],
                ));
            }
            assert_eq!(rows_of(&text), expected, "quote {quote:?}");
            for (n, rows) in every_cut(&text).into_iter().enumerate() {
                assert_eq!(
                    rows,
                    Some(expected.clone()),
                    "quote {quote:?}, pieces of {}",
                    n + 1
                );
            }
        }
        // Windows line ends only, as Excel writes them.
        let text = "id,name\r\na,A\r\nb,B\r\n";
        assert_eq!(
            rows_of(text).iter().map(|r| r.0).collect::<Vec<_>>(),
            [2, 3]
        );
    }

    #[test]
    fn rows_read_in_pieces_are_the_rows_read_in_order() {
        // Quoted cells with delimiters, doubled quotes and line ends inside,
        // lone carriage returns, a last row without a line end.
        let mut text = String::from("id;Name;Länge\r\n\r\n");
        for i in 0..40 {
            let end = ["\n", "\r\n", "\n\n", "\r"][i % 4];
            let name = match i % 5 {
                0 => format!("\"Straße; {i}\""),
                1 => format!("\"Verein \"\"Nord\"\"\n{i}\""),
                2 => format!("\"\r\n{i}\n\""),
                _ => format!(" Straße {i} "),
            };
            text.push_str(&format!("p{i};{name};11.9{i}{end}"));
        }
        text.push_str("last;ü;12");
        let expected = rows_of(&text);
        assert_eq!(expected.len(), 41);
        assert_eq!(expected[1].1[1], "Verein \"Nord\"\n1");
        for (n, rows) in every_cut(&text).into_iter().enumerate() {
            assert_eq!(rows, Some(expected.clone()), "pieces of {} bytes", n + 1);
        }
        // A quote inside an unquoted cell miscounts the quotes after it:
        // a cut inside a record is refused (`None`), never read as rows.
        let literal = "id;Name;Länge\n1;5\" Zoll;2\n2;\"a\nb\";3\n3;c;4\n4;\"d\ne\";5\n";
        let expected = rows_of(literal);
        assert_eq!(expected.len(), 4);
        let cuts = every_cut(literal);
        assert!(
            cuts.iter()
                .all(|rows| rows.is_none() || rows.as_ref() == Some(&expected))
        );
        assert!(
            cuts.iter().any(Option::is_none),
            "some cut falls inside a record"
        );
        assert_eq!(cells(csv_text(literal).unwrap().1), expected);
        // A row of another width is left to the reader in order.
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.as_bytes());
        reader.headers().unwrap();
        let start = reader.position().clone();
        let ragged = format!("{}\nx;y\n", &text[start.byte() as usize..]);
        assert!(rows_in_parallel(&ragged, start.line(), b';', 3, 30).is_none());
    }
}
