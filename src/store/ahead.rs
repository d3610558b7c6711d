//! Writing rows that take encoding first (JSON, geometry blobs) while the
//! database takes the previous ones: both backends write on one thread
//! (SQLite's writer, a `COPY` stream), so the encoding of the next chunk
//! runs on the other cores meanwhile. Only two chunks of encoded rows exist
//! at a time instead of a copy of the whole import.

/// Calls `write` with each chunk of `items` (`size` at a time) and its
/// encoding by `encode`, which for the chunk after it runs on rayon's pool
/// meanwhile. Stops at the first error of `write`.
pub(crate) fn encode_ahead<'a, T, E, Err>(
    items: &'a [T],
    size: usize,
    encode: impl Fn(&'a [T]) -> Vec<E> + Sync,
    mut write: impl FnMut(&'a [T], Vec<E>) -> Result<(), Err>,
) -> Result<(), Err>
where
    T: Sync,
    E: Send,
{
    let mut chunks = items.chunks(size);
    let mut current = chunks.next().map(|c| (c, encode(c)));
    while let Some((chunk, encoded)) = current.take() {
        let upcoming = chunks.next();
        let mut next = None;
        let mut written = Ok(());
        rayon::in_place_scope(|s| {
            if let Some(c) = upcoming {
                let (next, encode) = (&mut next, &encode);
                s.spawn(move |_| *next = Some((c, encode(c))));
            }
            written = write(chunk, encoded);
        });
        written?;
        current = next;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chunk_is_written_once_in_order_and_an_error_stops_it() {
        let items: Vec<u32> = (0..10).collect();
        let mut seen = Vec::new();
        let done: Result<(), ()> = encode_ahead(
            &items,
            3,
            |c| c.iter().map(|i| i * 10).collect(),
            |chunk, encoded| {
                assert_eq!(chunk.len(), encoded.len());
                seen.extend(encoded);
                Ok(())
            },
        );
        assert_eq!(done, Ok(()));
        assert_eq!(seen, (0..10).map(|i| i * 10).collect::<Vec<_>>());
        let mut calls = 0;
        let stopped = encode_ahead(
            &items,
            3,
            |c| c.to_vec(),
            |_, _| {
                calls += 1;
                if calls == 2 { Err("refused") } else { Ok(()) }
            },
        );
        assert_eq!((stopped, calls), (Err("refused"), 2));
    }
}
