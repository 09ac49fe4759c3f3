//! Golden SQL scripts: each `tests/sql/NAME.sql` runs statement by statement, and the
//! transcript (every statement followed by its result, error or notices) must equal
//! `tests/sql/NAME.out` exactly.
//!
//! Script format:
//! * a statement ends with a line whose last character is `;`;
//! * `NAME: SQL` runs the statement on session NAME (created on first use; the default session
//!   is `main`), so several sessions can interleave in one script (nothing here may block: use
//!   the two-session tests in `isolation-tests` for that);
//! * lines starting with `--` are copied into the transcript as they are.
//!
//! After a change that alters output on purpose, regenerate with
//! `UPDATE_GOLDEN=1 cargo test --test golden` and review the diff like code.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use isolde::{Connection, Database, Error, StatementResult};

fn render_result(out: &mut String, result: &StatementResult) {
    for notice in &result.notices {
        let _ = writeln!(out, "{} {}: {}", notice.severity, notice.sqlstate, notice.message);
    }
    if !result.returns_rows() {
        let _ = writeln!(out, "{}", result.tag);
        return;
    }
    let cells: Vec<Vec<String>> = result.rows.iter().map(|r| r.iter().map(|v| v.to_string()).collect()).collect();
    let widths: Vec<usize> = (0..result.columns.len())
        .map(|i| {
            cells.iter().map(|r| r[i].chars().count()).chain([result.columns[i].chars().count()]).max().unwrap_or(0)
        })
        .collect();
    let line = |values: Vec<&str>| {
        let padded: Vec<String> = values.iter().zip(&widths).map(|(v, w)| format!("{v:<w$}")).collect();
        padded.join(" | ").trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(result.columns.iter().map(String::as_str).collect()));
    let _ = writeln!(out, "{}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("-+-"));
    for row in &cells {
        let _ = writeln!(out, "{}", line(row.iter().map(String::as_str).collect()));
    }
    let n = result.rows.len();
    let _ = writeln!(out, "({n} {})", if n == 1 { "row" } else { "rows" });
}

fn render_error(out: &mut String, error: &Error) {
    let _ = writeln!(out, "ERROR {}: {}", error.sqlstate(), error);
    if let Some(p) = error.position() {
        let _ = writeln!(out, "POSITION: line {}, column {}, offset {}", p.line, p.column, p.offset);
    }
    if let Some(detail) = error.detail() {
        let _ = writeln!(out, "DETAIL: {detail}");
    }
}

/// Splits `NAME: SQL` into the session and the statement.
fn session_label(statement: &str) -> Option<(&str, &str)> {
    let (name, rest) = statement.split_once(':')?;
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| (name, rest.trim_start()))
}

fn run_script(script: &str) -> String {
    let db = Database::open_in_memory();
    let mut sessions: BTreeMap<String, Connection> = BTreeMap::new();
    let mut out = String::new();
    let mut pending = String::new();
    for line in script.lines() {
        if pending.is_empty() && (line.trim().is_empty() || line.starts_with("--")) {
            let _ = writeln!(out, "{line}");
            continue;
        }
        pending.push_str(line);
        pending.push('\n');
        if !line.trim_end().ends_with(';') {
            continue;
        }
        let statement = std::mem::take(&mut pending);
        let (session, sql) = session_label(statement.trim()).unwrap_or(("main", statement.trim()));
        for (i, text) in statement.trim_end().lines().enumerate() {
            let _ = writeln!(out, "{} {text}", if i == 0 { ">" } else { " " });
        }
        let conn = sessions.entry(session.to_string()).or_insert_with(|| db.connect());
        match conn.run(sql) {
            Ok(result) => render_result(&mut out, &result),
            Err(e) => render_error(&mut out, &e),
        }
    }
    assert!(pending.trim().is_empty(), "statement without a terminating ';': {pending}");
    out
}

#[test]
fn golden_scripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sql");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/sql exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no scripts in {}", dir.display());
    let mut failures = Vec::new();
    for script in scripts {
        let actual = run_script(&std::fs::read_to_string(&script).expect("readable script"));
        let expected_path = script.with_extension("out");
        if update {
            std::fs::write(&expected_path, &actual).expect("write golden file");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            let first_difference = expected
                .lines()
                .zip(actual.lines())
                .position(|(e, a)| e != a)
                .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
            let context: Vec<&str> = actual.lines().skip(first_difference.saturating_sub(3)).take(8).collect();
            failures.push(format!(
                "{}: differs from line {} (UPDATE_GOLDEN=1 to regenerate); actual around it:\n{}",
                script.display(),
                first_difference + 1,
                context.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
