//! `json` mode: one JSON object per statement, on one line (JSON Lines).
//!
//! ```text
//! {"session":"main","sql":"SELECT id, v FROM t","status":"ok","tag":"SELECT 2","columns":["id","v"],"rows":[[1,"a"],[2,null]]}
//! {"session":"main","sql":"INSERT INTO t VALUES (1)","status":"ok","tag":"INSERT 0 1"}
//! {"session":"main","sql":"INSERT INTO t VALUES (1)","status":"error","sqlstate":"23505","message":"duplicate key value violates unique constraint \"t_pkey\"","detail":"Key (id)=(1) already exists.","hint":null}
//! ```
//!
//! `columns` and `rows` appear exactly when the statement returns rows (even zero of them).
//! `"resumed":true` follows the status of a statement that had been reported waiting. A
//! statement seen waiting has status `waiting`, `waiting_for` (the sessions it waits for) and
//! `lock` (what it waits for); a meta-command that prints text has status `ok` and `text`.
//! Errors carry `sqlstate`, `message`, `detail` and `hint` (the last two `null` when absent).
//! Values: integers and finite reals are JSON numbers, `NaN`, `Infinity` and `-Infinity` are
//! strings (JSON has no such numbers), text is a string, booleans are `true`/`false`, NULL is
//! `null`. Strings are escaped as RFC 8259 requires (`"`, `\` and control characters); other
//! characters are written as they are (the output is UTF-8).

use std::fmt::Write;

use isolde::{Error, Value};

use super::{Context, Wait};

pub fn result(context: &Context, columns: &[String], rows: &[Vec<Value>], tag: &str) -> String {
    let mut out = head(context, "ok");
    out.push_str(",\"tag\":");
    string(&mut out, tag);
    if !columns.is_empty() {
        out.push_str(",\"columns\":[");
        for (i, name) in columns.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            string(&mut out, name);
        }
        out.push_str("],\"rows\":[");
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            for (j, v) in row.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                value(&mut out, v);
            }
            out.push(']');
        }
        out.push(']');
    }
    out.push_str("}\n");
    out
}

pub fn error(context: &Context, error: &Error) -> String {
    let mut out = head(context, "error");
    out.push_str(",\"sqlstate\":");
    string(&mut out, error.sqlstate());
    out.push_str(",\"message\":");
    string(&mut out, &error.to_string());
    out.push_str(",\"detail\":");
    optional_string(&mut out, error.detail().as_deref());
    out.push_str(",\"hint\":");
    optional_string(&mut out, error.hint());
    out.push_str("}\n");
    out
}

pub fn waiting(context: &Context, wait: &Wait) -> String {
    let mut out = head(context, "waiting");
    out.push_str(",\"waiting_for\":[");
    for (i, blocker) in wait.blockers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(&mut out, blocker);
    }
    out.push_str("],\"lock\":");
    string(&mut out, wait.what);
    out.push_str("}\n");
    out
}

pub fn text(context: &Context, text: &str) -> String {
    let mut out = head(context, "ok");
    out.push_str(",\"text\":");
    string(&mut out, text);
    out.push_str("}\n");
    out
}

/// `{"session":...,"sql":...,"status":...` and `"resumed":true` if so (the object is left open).
fn head(context: &Context, status: &str) -> String {
    let mut out = String::from("{\"session\":");
    string(&mut out, context.session);
    out.push_str(",\"sql\":");
    string(&mut out, context.sql);
    out.push_str(",\"status\":");
    string(&mut out, status);
    if context.resumed {
        out.push_str(",\"resumed\":true");
    }
    out
}

fn value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Real(r) if r.is_finite() => {
            let _ = write!(out, "{r}");
        }
        Value::Real(_) | Value::Text(_) => string(out, &v.to_text()),
        Value::Boolean(b) => {
            let _ = write!(out, "{b}");
        }
    }
}

fn optional_string(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.push_str("null"),
    }
}

/// A JSON string literal (RFC 8259, section 7).
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(sql: &str) -> Context<'_> {
        Context::new("main", sql)
    }

    fn columns(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn query_result() {
        let rows = vec![vec![Value::Integer(1), Value::text("a")], vec![Value::Integer(2), Value::Null]];
        assert_eq!(
            result(&context("SELECT id, v FROM t"), &columns(&["id", "v"]), &rows, "SELECT 2"),
            r#"{"session":"main","sql":"SELECT id, v FROM t","status":"ok","tag":"SELECT 2","columns":["id","v"],"rows":[[1,"a"],[2,null]]}"#
                .to_string()
                + "\n"
        );
    }

    #[test]
    fn empty_query_result_keeps_columns_and_rows() {
        assert_eq!(
            result(&context("SELECT v FROM t"), &columns(&["v"]), &[], "SELECT 0"),
            "{\"session\":\"main\",\"sql\":\"SELECT v FROM t\",\"status\":\"ok\",\"tag\":\"SELECT 0\",\"columns\":[\"v\"],\"rows\":[]}\n"
        );
    }

    #[test]
    fn non_query_has_no_columns_or_rows() {
        assert_eq!(
            result(&context("BEGIN"), &[], &[], "BEGIN"),
            "{\"session\":\"main\",\"sql\":\"BEGIN\",\"status\":\"ok\",\"tag\":\"BEGIN\"}\n"
        );
    }

    #[test]
    fn values() {
        let row = vec![
            Value::Integer(i64::MIN),
            Value::Real(1.5),
            Value::Real(-0.25),
            Value::Real(3.0),
            Value::Real(f64::NAN),
            Value::Real(f64::INFINITY),
            Value::Real(f64::NEG_INFINITY),
            Value::Boolean(true),
            Value::Boolean(false),
            Value::Null,
            Value::text("x"),
        ];
        let out = result(&context("SELECT"), &columns(&["c"; 11]), &[row], "SELECT 1");
        assert!(out.ends_with(
            "\"rows\":[[-9223372036854775808,1.5,-0.25,3,\"NaN\",\"Infinity\",\"-Infinity\",true,false,null,\"x\"]]}\n"
        ));
    }

    #[test]
    fn string_escaping() {
        let mut out = String::new();
        string(&mut out, "q\" b\\ n\n r\r t\t \u{8}\u{c}\u{1}\u{1f} é 日 \u{7f} /");
        assert_eq!(out, r#""q\" b\\ n\n r\r t\t \b\f\u0001\u001f é 日 "#.to_string() + "\u{7f} /\"");
    }

    #[test]
    fn statement_text_is_escaped() {
        let out = result(&context("SELECT 'a\"b'\n"), &[], &[], "SELECT 0");
        assert!(out.starts_with(r#"{"session":"main","sql":"SELECT 'a\"b'\n","status""#));
        assert_eq!(out.matches('\n').count(), 1, "one line per statement");
    }

    #[test]
    fn error_with_and_without_detail() {
        let e = Error::UniqueViolation { constraint: "t_pkey".into(), key: "(id)=(1)".into() };
        assert_eq!(
            error(&context("INSERT INTO t VALUES (1)"), &e),
            r#"{"session":"main","sql":"INSERT INTO t VALUES (1)","status":"error","sqlstate":"23505","message":"duplicate key value violates unique constraint \"t_pkey\"","detail":"Key (id)=(1) already exists.","hint":null}"#
                .to_string()
                + "\n"
        );
        let e = Error::UndefinedTable("nope".into());
        assert!(error(&context("SELECT * FROM nope"), &e).ends_with(
            "\"sqlstate\":\"42P01\",\"message\":\"relation \\\"nope\\\" does not exist\",\"detail\":null,\"hint\":null}\n"
        ));
    }
}
