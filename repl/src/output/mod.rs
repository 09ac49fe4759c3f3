//! Turning statement outcomes into text: the three output modes of `--mode`.
//!
//! Every function here is pure: it takes a result (or an error, or a notice) and returns the
//! text to write to stdout and to stderr, so that each format is unit-tested without running
//! the binary. The runner decides when to write.
//!
//! | mode   | query result                          | other statements | errors, warnings     |
//! |--------|---------------------------------------|------------------|----------------------|
//! | `box`  | psql's aligned table and row count    | the command tag  | stderr, psql's style |
//! | `csv`  | header row and rows (RFC 4180 quoting) | nothing          | stderr, psql's style |
//! | `json` | one JSON object per statement         | one JSON object  | errors: stdout (JSON), warnings: stderr |
//!
//! Errors and warnings are written the way psql writes them with `\set VERBOSITY verbose`
//! (the SQLSTATE after the severity), in [`diagnostics`].
//!
//! With several sessions, `box` output says whose it is: a command tag reads `t1: UPDATE 1`, a
//! table comes after a `t1:` line, an error reads `t1: ERROR:  ...`; the result of a statement
//! that had been waiting is marked `(resumed)` (JSON: `"resumed":true`). A statement seen
//! waiting for a lock prints `t2: waiting for t1 (X lock on accounts(id=1))` (JSON: status
//! `waiting` with `waiting_for`; `csv`: on stderr, since stdout holds only rows).

mod aligned;
mod csv;
mod diagnostics;
mod json;

use isolde::{Error, Notice, StatementResult};

pub use aligned::table as aligned_table;

#[cfg(test)]
use isolde::Value;

/// An output mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Box,
    Csv,
    Json,
}

impl Mode {
    /// The mode named `name` (`box`, `csv`, `json`), if there is one.
    pub fn from_name(name: &str) -> Option<Mode> {
        match name {
            "box" => Some(Mode::Box),
            "csv" => Some(Mode::Csv),
            "json" => Some(Mode::Json),
            _ => None,
        }
    }
}

/// Where a statement came from, so that its diagnostics can say where to look, the way psql
/// prefixes them in a script: `isolde:setup.sql:12: ERROR:  ...`.
#[derive(Clone, Copy, Debug)]
pub struct Origin<'a> {
    /// The file name, or `<stdin>`.
    pub source: &'a str,
    /// The line on which the statement starts.
    pub line: usize,
}

/// The statement an outcome belongs to.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The session that ran it (the `"session"` of a JSON line).
    pub session: &'a str,
    /// The statement text as it was run.
    pub sql: &'a str,
    /// Set for statements from a file or piped stdin; `None` for `-c` and interactive input.
    pub origin: Option<Origin<'a>>,
    /// The shell has several sessions: `box` output names the session.
    pub labeled: bool,
    /// The statement had been reported waiting.
    pub resumed: bool,
}

impl<'a> Context<'a> {
    /// A context for `sql` run on `session`, not from a file, unlabeled, not resumed.
    pub fn new(session: &'a str, sql: &'a str) -> Context<'a> {
        Context { session, sql, origin: None, labeled: false, resumed: false }
    }

    /// `t1: ` when labeled (and `t1 (resumed): ` for a resumed statement), else nothing.
    fn label(&self) -> String {
        match (self.labeled, self.resumed) {
            (false, _) => String::new(),
            (true, false) => format!("{}: ", self.session),
            (true, true) => format!("{} (resumed): ", self.session),
        }
    }
}

/// A statement seen waiting for a lock.
#[derive(Clone, Copy, Debug)]
pub struct Wait<'a> {
    /// The sessions it waits for.
    pub blockers: &'a [String],
    /// What it waits for: `X lock on accounts(id=1)`.
    pub what: &'a str,
}

/// The text an outcome produces on each stream (either may be empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub stdout: String,
    pub stderr: String,
}

impl Rendered {
    fn stdout(text: String) -> Rendered {
        Rendered { stdout: text, stderr: String::new() }
    }

    fn stderr(text: String) -> Rendered {
        Rendered { stdout: String::new(), stderr: text }
    }
}

impl Mode {
    /// The output of a statement that succeeded (its notices are rendered separately, by
    /// [`Mode::notice`]).
    pub fn result(self, context: &Context, result: &StatementResult) -> Rendered {
        let StatementResult { columns, rows, tag, .. } = result;
        let tag = &tag.to_string();
        Rendered::stdout(match self {
            Mode::Box if columns.is_empty() => format!("{}{}", context.label(), aligned::result(columns, rows, tag)),
            Mode::Box => {
                let label = context.label();
                let head = if label.is_empty() { label } else { format!("{}\n", label.trim_end()) };
                head + &aligned::result(columns, rows, tag)
            }
            Mode::Csv => csv::result(columns, rows),
            Mode::Json => json::result(context, columns, rows, tag),
        })
    }

    /// The output of a statement seen waiting for a lock.
    pub fn waiting(self, context: &Context, wait: &Wait) -> Rendered {
        let line = format!("{}: waiting for {} ({})\n", context.session, wait.blockers.join(", "), wait.what);
        match self {
            Mode::Box => Rendered::stdout(line),
            Mode::Csv => Rendered::stderr(line),
            Mode::Json => Rendered::stdout(json::waiting(context, wait)),
        }
    }

    /// The output of a meta-command that prints text (`\why`, `\graph`, `\echo`, help):
    /// the text itself, or in `json` mode one object with the text.
    pub fn text(self, context: &Context, text: &str) -> Rendered {
        match self {
            Mode::Box | Mode::Csv => Rendered::stdout(text.to_string()),
            Mode::Json => Rendered::stdout(json::text(context, text)),
        }
    }

    /// The output of a statement that failed.
    pub fn error(self, context: &Context, error: &Error) -> Rendered {
        match self {
            Mode::Box | Mode::Csv => Rendered::stderr(diagnostics::error(context, error)),
            Mode::Json => Rendered::stdout(json::error(context, error)),
        }
    }

    /// The output of a warning or notice a statement raised (printed before its result). It
    /// goes to stderr in every mode, as psql prints notices, so that stdout holds only results
    /// (and, in `json` mode, exactly one line per statement).
    pub fn notice(self, context: &Context, notice: &Notice) -> Rendered {
        Rendered::stderr(diagnostics::notice(context, notice))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use isolde::CommandTag;

    const CONTEXT: Context = Context { session: "main", sql: "SELECT 1", origin: None, labeled: false, resumed: false };

    #[test]
    fn mode_names() {
        assert_eq!(Mode::from_name("box"), Some(Mode::Box));
        assert_eq!(Mode::from_name("csv"), Some(Mode::Csv));
        assert_eq!(Mode::from_name("json"), Some(Mode::Json));
        assert_eq!(Mode::from_name("BOX"), None);
        assert_eq!(Mode::from_name("table"), None);
    }

    #[test]
    fn results_go_to_stdout() {
        let result = StatementResult {
            columns: vec!["x".into()].into(),
            rows: vec![vec![Value::Integer(1)]],
            tag: CommandTag::Counted("SELECT", 1),
            notices: vec![],
        };
        assert_eq!(Mode::Box.result(&CONTEXT, &result), Rendered::stdout(" x \n---\n 1\n(1 row)\n\n".into()));
        assert_eq!(Mode::Csv.result(&CONTEXT, &result), Rendered::stdout("x\n1\n".into()));
        assert_eq!(
            Mode::Json.result(&CONTEXT, &result),
            Rendered::stdout(
                r#"{"session":"main","sql":"SELECT 1","status":"ok","tag":"SELECT 1","columns":["x"],"rows":[[1]]}"#
                    .to_string()
                    + "\n"
            )
        );
    }

    #[test]
    fn errors_go_to_stderr_except_in_json() {
        let error = Error::DivisionByZero;
        assert_eq!(Mode::Box.error(&CONTEXT, &error), Rendered::stderr("ERROR:  22012: division by zero\n".into()));
        assert_eq!(Mode::Csv.error(&CONTEXT, &error), Mode::Box.error(&CONTEXT, &error));
        let json = Mode::Json.error(&CONTEXT, &error);
        assert!(json.stderr.is_empty());
        assert!(json.stdout.contains(r#""sqlstate":"22012""#));
    }

    #[test]
    fn notices_go_to_stderr_in_every_mode() {
        let notice = Notice {
            severity: "WARNING",
            sqlstate: "25001",
            message: "there is already a transaction in progress".into(),
        };
        for mode in [Mode::Box, Mode::Csv, Mode::Json] {
            assert_eq!(
                mode.notice(&CONTEXT, &notice),
                Rendered::stderr("WARNING:  25001: there is already a transaction in progress\n".into())
            );
        }
    }

    #[test]
    fn labeled_box_output_names_the_session_and_marks_resumed_statements() {
        let update = StatementResult {
            columns: vec![].into(),
            rows: vec![],
            tag: CommandTag::Counted("UPDATE", 1),
            notices: vec![],
        };
        let labeled = Context { session: "t2", labeled: true, ..CONTEXT };
        assert_eq!(Mode::Box.result(&labeled, &update).stdout, "t2: UPDATE 1\n");
        let resumed = Context { resumed: true, ..labeled };
        assert_eq!(Mode::Box.result(&resumed, &update).stdout, "t2 (resumed): UPDATE 1\n");
        let query = StatementResult {
            columns: vec!["x".into()].into(),
            rows: vec![vec![Value::Integer(1)]],
            tag: CommandTag::Counted("SELECT", 1),
            notices: vec![],
        };
        assert_eq!(Mode::Box.result(&resumed, &query).stdout, "t2 (resumed):\n x \n---\n 1\n(1 row)\n\n");
        assert_eq!(Mode::Csv.result(&resumed, &query).stdout, "x\n1\n", "csv stays pure data");
        assert!(Mode::Json.result(&resumed, &update).stdout.contains(r#""status":"ok","resumed":true,"#));
    }

    #[test]
    fn waiting_lines() {
        let blockers = ["t1".to_string()];
        let wait = Wait { blockers: &blockers, what: "X lock on t(id=1)" };
        let context = Context { session: "t2", sql: "UPDATE t SET v = 2", labeled: true, ..CONTEXT };
        let line = "t2: waiting for t1 (X lock on t(id=1))\n";
        assert_eq!(Mode::Box.waiting(&context, &wait), Rendered::stdout(line.into()));
        assert_eq!(Mode::Csv.waiting(&context, &wait), Rendered::stderr(line.into()));
        assert_eq!(
            Mode::Json.waiting(&context, &wait).stdout,
            r#"{"session":"t2","sql":"UPDATE t SET v = 2","status":"waiting","waiting_for":["t1"],"lock":"X lock on t(id=1)"}"#
                .to_string()
                + "\n"
        );
    }
}
