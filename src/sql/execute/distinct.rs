//! SELECT DISTINCT: streams the input and drops rows equal to one already emitted, so the
//! first occurrence of each row is kept in input order. Rows compare with `Value`'s equality
//! (NULLs equal each other here, as DISTINCT requires; `1` and `1.0` are the same row).

use std::collections::HashSet;

use crate::types::Row;

use super::RowIter;

/// Drops duplicate rows of `input`.
pub(crate) fn distinct(input: RowIter<'_>) -> RowIter<'_> {
    let mut seen: HashSet<Row> = HashSet::new();
    Box::new(input.filter(move |row| match row {
        Ok(row) => seen.insert(row.clone()),
        Err(_) => true,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::execute::test_support::{collect, int_rows, iter};

    #[test]
    fn keeps_first_occurrences_in_order() {
        let rows =
            int_rows(&[&[Some(2), None], &[Some(1), None], &[Some(2), None], &[Some(1), Some(1)], &[Some(1), None]]);
        let out = collect(distinct(iter(rows))).unwrap();
        assert_eq!(out, int_rows(&[&[Some(2), None], &[Some(1), None], &[Some(1), Some(1)]]));
    }
}
