//! Binary `COPY … FROM STDIN` of many rows.
//!
//! The rows are encoded by the driver's own `ToSql` (postgres-types) into
//! PostgreSQL's binary copy format a chunk at a time on every core, while
//! the previous chunk is sent as a few large messages
//! ([`crate::store::ahead`]). The `postgres` crate's `BinaryCopyInWriter`
//! writes the same bytes one row at a time through its async runtime (a
//! `block_on` per row, a message per 4 KiB): at 10^6 entities and 3 × 10^6
//! assignments that was ~1.7 s of the importing process's CPU, on the two
//! cores the server needs for the same rows.

use super::sql_err;
use crate::store::StoreError;
use bytes::{BufMut, BytesMut};
use postgres::Transaction;
use postgres::types::{IsNull, ToSql, Type};
use rayon::prelude::*;
use std::io::Write;

/// The binary copy format's header: signature, flags, extension length.
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
/// Its trailer: a row of -1 fields.
const TRAILER: &[u8] = &(-1i16).to_be_bytes();

/// Items per chunk sent while the next is encoded, and per piece of a
/// chunk encoded on one thread.
const CHUNK: usize = 16_384;
const PIECE: usize = 1_024;

/// Encodes rows of one table's columns (`types`, in the statement's order).
pub(super) struct Rows<'t> {
    types: &'t [Type],
    buf: BytesMut,
}

type EncodeError = Box<dyn std::error::Error + Sync + Send>;

impl Rows<'_> {
    /// Appends one row; `values` in the order of the types.
    ///
    /// # Panics
    /// When there are not as many values as types (a bug, as in the
    /// driver's writer).
    pub(super) fn row(&mut self, values: &[&(dyn ToSql + Sync)]) -> Result<(), EncodeError> {
        assert_eq!(values.len(), self.types.len(), "one value per column");
        self.buf.put_i16(values.len() as i16);
        for (value, ty) in values.iter().zip(self.types) {
            let at = self.buf.len();
            self.buf.put_i32(0);
            let len = match value.to_sql_checked(ty, &mut self.buf)? {
                IsNull::Yes => -1,
                IsNull::No => i32::try_from(self.buf.len() - at - 4)?,
            };
            self.buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
        }
        Ok(())
    }
}

/// Copies one row per item with `query` (a whole `COPY … FROM STDIN
/// (FORMAT binary…)` statement); `row` encodes an item's values. Returns
/// the number of rows.
pub(super) fn copy_in<T: Sync>(
    tx: &mut Transaction<'_>,
    query: &str,
    types: &[Type],
    items: &[T],
    row: impl Fn(&T, &mut Rows<'_>) -> Result<(), EncodeError> + Sync,
) -> Result<u64, StoreError> {
    let encode = |chunk: &[T]| -> Vec<Result<BytesMut, EncodeError>> {
        chunk
            .par_chunks(PIECE)
            .map(|piece| {
                let mut rows = Rows {
                    types,
                    buf: BytesMut::with_capacity(piece.len() * 64),
                };
                piece.iter().try_for_each(|item| row(item, &mut rows))?;
                Ok(rows.buf)
            })
            .collect()
    };
    let encoding = |e: EncodeError| StoreError::Sql {
        query: query.to_string(),
        source: e,
    };
    let sent = |e: std::io::Error| StoreError::Sql {
        query: query.to_string(),
        source: Box::new(e),
    };
    let mut writer = tx.copy_in(query).map_err(sql_err(query))?;
    writer.write_all(HEADER).map_err(sent)?;
    crate::store::ahead::encode_ahead(items, CHUNK, encode, |_, pieces| {
        pieces.into_iter().try_for_each(|piece| {
            let piece = piece.map_err(encoding)?;
            writer.write_all(&piece).map_err(sent)
        })
    })?;
    writer.write_all(TRAILER).map_err(sent)?;
    writer.finish().map_err(sql_err(query))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_its_field_count_then_each_value_with_its_length() {
        let types = [Type::TEXT, Type::INT4, Type::TEXT_ARRAY, Type::TEXT];
        let mut rows = Rows {
            types: &types,
            buf: BytesMut::new(),
        };
        let none: Option<&str> = None;
        let list = vec!["a".to_string()];
        rows.row(&[&"xy", &7i32, &list, &none]).unwrap();
        let b = &rows.buf[..];
        assert_eq!(&b[..2], &4i16.to_be_bytes());
        assert_eq!(&b[2..6], &2i32.to_be_bytes());
        assert_eq!(&b[6..8], b"xy");
        assert_eq!(&b[8..12], &4i32.to_be_bytes());
        assert_eq!(&b[12..16], &7i32.to_be_bytes());
        let array_len = i32::from_be_bytes(b[16..20].try_into().unwrap()) as usize;
        assert_eq!(
            &b[20 + array_len..],
            &(-1i32).to_be_bytes(),
            "NULL has length -1"
        );
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error_not_a_row() {
        let types = [Type::INT4];
        let mut rows = Rows {
            types: &types,
            buf: BytesMut::new(),
        };
        assert!(rows.row(&[&"seven"]).is_err());
    }
}
