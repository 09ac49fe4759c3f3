//! `box` mode: psql's default aligned format (`\pset format aligned`, `\pset border 1`).
//!
//! ```text
//!  id |  name
//! ----+-------
//!   1 | alice
//!   2 |
//! (2 rows)
//!
//! ```
//!
//! Column names are centred (extra space on the right), numbers right-aligned, everything
//! else left-aligned; NULL is empty. As in psql, the header line keeps its trailing space and
//! data lines have no trailing spaces, and a value containing line breaks spans several lines
//! with a `+` at the end of each line that continues. A statement without result columns
//! prints its command tag; `INSERT`/`UPDATE`/`DELETE ... RETURNING` print the table and then
//! the tag, as psql does. Widths count characters (wide East Asian characters count one).

use std::fmt::Write;

use isolde::Value;

pub fn result(columns: &[String], rows: &[Vec<Value>], tag: &str) -> String {
    if columns.is_empty() {
        return format!("{tag}\n");
    }
    let mut out = table(columns, rows);
    let count = rows.len();
    let _ = writeln!(out, "({count} {})\n", if count == 1 { "row" } else { "rows" });
    if ["INSERT", "UPDATE", "DELETE", "MERGE"].iter().any(|verb| tag.starts_with(verb)) {
        let _ = writeln!(out, "{tag}");
    }
    out
}

/// The header, separator and data lines.
pub fn table(columns: &[String], rows: &[Vec<Value>]) -> String {
    let cells: Vec<Vec<String>> = rows.iter().map(|row| row.iter().map(Value::to_text).collect()).collect();
    let right_aligned: Vec<bool> = (0..columns.len())
        .map(|c| {
            let mut values = rows.iter().filter_map(|row| row.get(c)).filter(|v| !v.is_null()).peekable();
            values.peek().is_some() && values.all(|v| matches!(v, Value::Integer(_) | Value::Real(_)))
        })
        .collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|c| {
            let cell_widths = cells.iter().filter_map(|row| row.get(c)).map(|cell| max_line_width(cell));
            cell_widths.fold(max_line_width(&columns[c]), usize::max)
        })
        .collect();

    let mut out = String::new();
    header(&mut out, columns, &widths);
    let rules: Vec<String> = widths.iter().map(|&w| "-".repeat(w + 2)).collect();
    let _ = writeln!(out, "{}", rules.join("+"));
    for row in &cells {
        data_row(&mut out, row, &widths, &right_aligned);
    }
    out
}

/// The column names, centred; a name with line breaks takes several lines, marked with `+`.
fn header(out: &mut String, columns: &[String], widths: &[usize]) {
    let names: Vec<Vec<&str>> = columns.iter().map(|name| name.split('\n').collect()).collect();
    let height = names.iter().map(Vec::len).max().unwrap_or(1);
    for line in 0..height {
        for (c, lines) in names.iter().enumerate() {
            if c > 0 {
                out.push('|');
            }
            let width = widths[c];
            match lines.get(line) {
                Some(text) => {
                    let spare = width - text.chars().count();
                    let mark = if line + 1 < lines.len() { '+' } else { ' ' };
                    let _ = write!(
                        out,
                        " {:left$}{text}{:right$}{mark}",
                        "",
                        "",
                        left = spare / 2,
                        right = spare - spare / 2
                    );
                }
                None => {
                    let _ = write!(out, " {:width$} ", "");
                }
            }
        }
        out.push('\n');
    }
}

/// One row; it takes as many lines as its tallest value.
fn data_row(out: &mut String, row: &[String], widths: &[usize], right_aligned: &[bool]) {
    let values: Vec<Vec<&str>> = row.iter().map(|cell| cell.split('\n').collect()).collect();
    let height = values.iter().map(Vec::len).max().unwrap_or(1);
    let last = values.len().saturating_sub(1);
    for line in 0..height {
        let mut text = String::new();
        for (c, lines) in values.iter().enumerate() {
            if c > 0 {
                text.push('|');
            }
            text.push(' ');
            let width = widths[c];
            let continues = line + 1 < lines.len();
            match lines.get(line) {
                Some(value) if right_aligned[c] => {
                    let _ = write!(text, "{value:>width$}");
                }
                // Padding on the right only where something follows on the line.
                Some(value) if c < last || continues => {
                    let _ = write!(text, "{value:<width$}");
                }
                Some(value) => text.push_str(value),
                None if c < last => {
                    let _ = write!(text, "{:width$}", "");
                }
                None => {}
            }
            if continues {
                text.push('+');
            } else if c < last {
                text.push(' ');
            }
        }
        out.push_str(&text);
        out.push('\n');
    }
}

fn max_line_width(text: &str) -> usize {
    text.split('\n').map(|line| line.chars().count()).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    fn text(s: &str) -> Value {
        Value::text(s)
    }

    /// The expected output: each line followed by a newline.
    fn lines(lines: &[&str]) -> String {
        lines.iter().map(|line| format!("{line}\n")).collect()
    }

    #[test]
    fn command_tag_for_statements_without_columns() {
        assert_eq!(result(&[], &[], "INSERT 0 1"), "INSERT 0 1\n");
        assert_eq!(result(&[], &[], "CREATE TABLE"), "CREATE TABLE\n");
        assert_eq!(result(&[], &[], "BEGIN"), "BEGIN\n");
    }

    #[test]
    fn psql_layout() {
        let rows = vec![vec![Value::Integer(1), text("alice")], vec![Value::Integer(22), Value::Null]];
        assert_eq!(
            result(&columns(&["id", "name"]), &rows, "SELECT 2"),
            lines(&[" id | name  ", "----+-------", "  1 | alice", " 22 | ", "(2 rows)", ""])
        );
    }

    #[test]
    fn one_row_and_zero_rows() {
        assert_eq!(
            result(&columns(&["?column?"]), &[vec![Value::Integer(1)]], "SELECT 1"),
            lines(&[" ?column? ", "----------", "        1", "(1 row)", ""])
        );
        assert_eq!(result(&columns(&["a", "b"]), &[], "SELECT 0"), lines(&[" a | b ", "---+---", "(0 rows)", ""]));
    }

    #[test]
    fn header_is_centred_with_the_extra_space_on_the_right() {
        let rows = vec![vec![text("abcdef"), text("abcdefg")]];
        assert_eq!(
            result(&columns(&["x", "xy"]), &rows, "SELECT 1"),
            lines(&["   x    |   xy    ", "--------+---------", " abcdef | abcdefg", "(1 row)", ""])
        );
    }

    #[test]
    fn numbers_right_text_and_booleans_left() {
        let rows = vec![
            vec![Value::Real(1.5), text("a"), Value::Boolean(true), Value::Integer(7)],
            vec![Value::Real(f64::NAN), text("bb"), Value::Boolean(false), Value::Null],
        ];
        assert_eq!(
            result(&columns(&["real", "t", "b", "n"]), &rows, "SELECT 2"),
            lines(&[
                " real | t  | b | n ",
                "------+----+---+---",
                "  1.5 | a  | t | 7",
                // psql pads a right-aligned NULL too.
                "  NaN | bb | f |  ",
                "(2 rows)",
                "",
            ])
        );
    }

    #[test]
    fn all_null_column_is_left_aligned() {
        let rows = vec![vec![Value::Null, Value::Integer(1)]];
        assert_eq!(
            result(&columns(&["n", "i"]), &rows, "SELECT 1"),
            lines(&[" n | i ", "---+---", "   | 1", "(1 row)", ""])
        );
    }

    #[test]
    fn multi_line_values_continue_with_plus() {
        let rows = vec![vec![text("a\nbcd"), Value::Integer(1), text("x\ny")]];
        assert_eq!(
            result(&columns(&["t", "n", "u"]), &rows, "SELECT 1"),
            lines(&["  t  | n | u ", "-----+---+---", " a  +| 1 | x+", " bcd |   | y", "(1 row)", ""])
        );
    }

    #[test]
    fn multi_line_column_name() {
        let rows = vec![vec![Value::Integer(1), Value::Integer(2)]];
        assert_eq!(
            result(&columns(&["a\nbb", "c"]), &rows, "SELECT 1"),
            lines(&[" a +| c ", " bb |   ", "----+---", "  1 | 2", "(1 row)", ""])
        );
    }

    #[test]
    fn width_counts_characters() {
        let rows = vec![vec![text("héllo"), Value::Integer(1)]];
        assert_eq!(
            result(&columns(&["é", "n"]), &rows, "SELECT 1"),
            lines(&["   é   | n ", "-------+---", " héllo | 1", "(1 row)", ""])
        );
    }

    #[test]
    fn returning_prints_the_table_then_the_tag() {
        let rows = vec![vec![Value::Integer(1)]];
        assert_eq!(
            result(&columns(&["id"]), &rows, "INSERT 0 1"),
            lines(&[" id ", "----", "  1", "(1 row)", "", "INSERT 0 1"])
        );
        assert_eq!(result(&columns(&["id"]), &rows, "SELECT 1"), lines(&[" id ", "----", "  1", "(1 row)", ""]));
    }
}
