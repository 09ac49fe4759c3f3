//! Running statements on a connection and printing their outcomes.
//!
//! A [`Runner`] owns the session's [`Connection`] and the two output streams. It splits a
//! script into statements ([`crate::lexer`]), runs each with [`Connection::run`], and writes
//! what the output [`Mode`] makes of it: first the statement's notices (stderr), then its
//! result or error.
//!
//! A failed statement does not stop the script: the runner goes on with the next statement
//! and remembers the failure, so that the process exits with status 1 at the end. This is
//! psql's behaviour without `ON_ERROR_STOP` (and sqlite3's without `-bail`), and it is what a
//! transaction script needs: after an error inside `BEGIN ... COMMIT`, the following
//! statements fail with 25P02 and the `COMMIT` reports `ROLLBACK`, exactly as in PostgreSQL.
//!
//! Stdout is flushed before anything is written to stderr, so that on a terminal (or in a
//! combined log) messages appear in the order the statements ran.

use std::io::{self, Write};

use isolde::Connection;

use crate::lexer::{split_statements, StatementText};
use crate::output::{Context, Mode, Origin, Rendered};

/// The session name every statement runs on, until the shell has several sessions.
const SESSION: &str = "main";

pub struct Runner<W: Write, E: Write> {
    conn: Connection,
    mode: Mode,
    stdout: W,
    stderr: E,
    failed: bool,
}

impl<W: Write, E: Write> Runner<W, E> {
    pub fn new(conn: Connection, mode: Mode, stdout: W, stderr: E) -> Self {
        Runner { conn, mode, stdout, stderr, failed: false }
    }

    /// Runs every statement of `script`, in order. `source` names where the script came from
    /// (a file name or `<stdin>`) for the location prefix of diagnostics; `None` for `-c`
    /// commands and interactive input. Fails only if the output cannot be written.
    pub fn run_script(&mut self, script: &str, source: Option<&str>) -> io::Result<()> {
        for statement in split_statements(script) {
            self.run_statement(&statement, source)?;
        }
        Ok(())
    }

    fn run_statement(&mut self, statement: &StatementText, source: Option<&str>) -> io::Result<()> {
        let origin = source.map(|source| Origin { source, line: statement.line });
        let context = Context { session: SESSION, sql: &statement.text, origin };
        match self.conn.run(&statement.text) {
            Ok(result) => {
                for notice in &result.notices {
                    self.write(self.mode.notice(&context, notice))?;
                }
                self.write(self.mode.result(&context, &result))
            }
            Err(error) => {
                self.failed = true;
                self.write(self.mode.error(&context, &error))
            }
        }
    }

    fn write(&mut self, rendered: Rendered) -> io::Result<()> {
        if !rendered.stdout.is_empty() {
            self.stdout.write_all(rendered.stdout.as_bytes())?;
        }
        if !rendered.stderr.is_empty() {
            self.stdout.flush()?;
            self.stderr.write_all(rendered.stderr.as_bytes())?;
        }
        Ok(())
    }

    /// Flushes stdout (stderr is unbuffered in practice, but it is flushed too).
    pub fn flush(&mut self) -> io::Result<()> {
        self.stdout.flush()?;
        self.stderr.flush()
    }

    /// Whether any statement has failed so far.
    pub fn failed(&self) -> bool {
        self.failed
    }
}

#[cfg(test)]
mod tests {
    use isolde::Database;

    use super::*;

    /// Runs `script` on a fresh database; returns (stdout, stderr, failed).
    fn run(mode: Mode, script: &str, source: Option<&str>) -> (String, String, bool) {
        let mut runner = Runner::new(Database::open_in_memory().connect(), mode, Vec::new(), Vec::new());
        runner.run_script(script, source).expect("writing to a Vec cannot fail");
        let failed = runner.failed();
        let Runner { stdout, stderr, .. } = runner;
        (String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap(), failed)
    }

    const SETUP: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO t VALUES (1, 'a'), (2, NULL);\n";

    #[test]
    fn runs_statements_in_order_and_prints_tags_and_tables() {
        let (out, err, failed) = run(Mode::Box, &format!("{SETUP}SELECT id, v FROM t ORDER BY id;"), None);
        assert_eq!(out, "CREATE TABLE\nINSERT 0 2\n id | v \n----+---\n  1 | a\n  2 | \n(2 rows)\n\n");
        assert_eq!(err, "");
        assert!(!failed);
    }

    #[test]
    fn continues_after_an_error_and_remembers_it() {
        let script = format!("{SETUP}INSERT INTO t VALUES (1, 'dup');\nSELECT count(*) FROM t;");
        let (out, err, failed) = run(Mode::Box, &script, Some("test.sql"));
        assert!(failed);
        assert!(out.ends_with(" count \n-------\n     2\n(1 row)\n\n"), "{out}");
        assert!(err.starts_with("isolde:test.sql:3: ERROR:  23505: "), "{err}");
        assert!(err.contains("DETAIL:  Key (id)=(1) already exists."), "{err}");
    }

    #[test]
    fn warnings_go_to_stderr_before_the_result() {
        let (out, err, failed) = run(Mode::Box, "BEGIN; BEGIN; COMMIT;", None);
        assert_eq!(out, "BEGIN\nBEGIN\nCOMMIT\n");
        assert_eq!(err, "WARNING:  25001: there is already a transaction in progress\n");
        assert!(!failed, "a warning is not a failure");
    }

    #[test]
    fn json_lines_include_errors() {
        let (out, err, failed) = run(Mode::Json, "SELECT 1 AS x; SELECT * FROM missing;", None);
        assert!(failed);
        assert_eq!(err, "");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            r#"{"session":"main","sql":"SELECT 1 AS x","status":"ok","tag":"SELECT 1","columns":["x"],"rows":[[1]]}"#
        );
        assert!(lines[1]
            .starts_with(r#"{"session":"main","sql":"SELECT * FROM missing","status":"error","sqlstate":"42P01""#));
    }

    #[test]
    fn csv_prints_only_query_results() {
        let (out, _, failed) = run(Mode::Csv, &format!("{SETUP}SELECT id, v FROM t ORDER BY id;"), None);
        assert_eq!(out, "id,v\n1,a\n2,\n");
        assert!(!failed);
    }

    #[test]
    fn syntax_error_shows_where() {
        let (_, err, failed) = run(Mode::Box, "\n\nSELECT 1 +;", Some("<stdin>"));
        assert!(failed);
        assert!(err.starts_with("isolde:<stdin>:3: ERROR:  42601: "), "{err}");
        assert!(err.contains("\nLINE 1: SELECT 1 +\n"), "{err}");
    }
}
