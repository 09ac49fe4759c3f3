//! `csv` mode: a header row, then one line per row (psql's `--csv`).
//!
//! Fields are quoted as RFC 4180 asks when they contain `,`, `"`, CR or LF, with quotes
//! doubled. NULL is an empty unquoted field and the empty string is `""`, as in PostgreSQL's
//! `COPY ... (FORMAT csv)`, so the two stay distinguishable. A field that is exactly `\.` is
//! quoted too (psql does so that `COPY FROM` does not read it as the end-of-data marker).
//! Values use PostgreSQL's text forms (`t`/`f` for booleans). Lines end in LF, as psql's do.
//! Statements without result columns print nothing.

use isolde::Value;

pub fn result(columns: &[String], rows: &[Vec<Value>]) -> String {
    if columns.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    line(&mut out, columns.iter().map(|name| Some(name.as_str())));
    for row in rows {
        let texts: Vec<Option<String>> = row.iter().map(|v| (!v.is_null()).then(|| v.to_text())).collect();
        line(&mut out, texts.iter().map(Option::as_deref));
    }
    out
}

/// One line of fields; `None` is NULL.
fn line<'a>(out: &mut String, fields: impl Iterator<Item = Option<&'a str>>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        match field {
            None => {}
            Some(text) if text.is_empty() || text == "\\." || text.contains([',', '"', '\r', '\n']) => {
                out.push('"');
                out.push_str(&text.replace('"', "\"\""));
                out.push('"');
            }
            Some(text) => out.push_str(text),
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn header_then_rows() {
        let rows = vec![
            vec![Value::Integer(1), Value::text("a"), Value::Boolean(true), Value::Real(2.5)],
            vec![Value::Integer(-2), Value::Null, Value::Boolean(false), Value::Real(f64::NEG_INFINITY)],
        ];
        assert_eq!(result(&columns(&["id", "v", "ok", "r"]), &rows), "id,v,ok,r\n1,a,t,2.5\n-2,,f,-Infinity\n");
    }

    #[test]
    fn zero_rows_print_the_header() {
        assert_eq!(result(&columns(&["a", "b"]), &[]), "a,b\n");
    }

    #[test]
    fn no_columns_print_nothing() {
        assert_eq!(result(&[], &[]), "");
    }

    #[test]
    fn quoting() {
        let rows = vec![vec![
            Value::text("a,b"),
            Value::text("say \"hi\""),
            Value::text("two\nlines"),
            Value::text("cr\r"),
            Value::text(""),
            Value::Null,
            Value::text("\\."),
            Value::text(" plain 'text' "),
        ]];
        assert_eq!(
            result(&columns(&["c,1", "c\"2", "c3", "c4", "c5", "c6", "c7", "c8"]), &rows),
            "\"c,1\",\"c\"\"2\",c3,c4,c5,c6,c7,c8\n\
             \"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",\"\",,\"\\.\", plain 'text' \n"
        );
    }
}
