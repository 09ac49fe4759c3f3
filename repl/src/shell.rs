//! The shell: input in, output out, whatever the input's source.
//!
//! A [`Shell`] owns the [`Sessions`], the current session, the output mode and the two output
//! streams. Text (a script, a `-c` command, an `\i` file, an interactive entry) goes through
//! [`Shell::run_script`], which reads it line by line:
//!
//! * a line starting with `\` or `.` outside a statement is a meta-command ([`commands`]);
//! * other lines accumulate until the lexer says a statement is complete; each statement runs
//!   on the session its `NAME:` label names (statements that start on the line where a labeled
//!   statement ends inherit its label), else on the current session.
//!
//! Each statement is one *step*: it is handed to its session's thread, then the shell settles
//! (see [`crate::sessions`]): the step's own outcome is printed — its result, or
//! `t2: waiting for t1 (...)` — followed by the results of statements that had been waiting and
//! finished meanwhile, marked resumed. A failed statement does not stop the script; the shell
//! remembers it for the exit status (psql's behaviour without `ON_ERROR_STOP`).
//!
//! Stdout is flushed before anything is written to stderr, so that in a terminal or a
//! combined log, messages appear in the order things happened.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use isolde::{BlockState, Database, Error, TxnId};
use parking_lot::Mutex;

use crate::commands::{self, Command};
use crate::introspect::{self, Graphs, SessionRow};
use crate::lexer::{is_complete, split_statements};
use crate::output::{Context, Mode, Origin, Rendered, Wait};
use crate::sessions::{Event, Finished, Reply, Sessions, Settled, Task};

/// The session statements run on until `\session` switches.
pub const FIRST_SESSION: &str = "main";

/// How deeply `\i` files may include each other.
const MAX_INCLUDE_DEPTH: usize = 16;

/// How many transaction-to-session names `\why` and `\graph` remember.
const REMEMBERED_TRANSACTIONS: usize = 10_000;

/// What the shell shares with the thread that prints results of statements that finish while
/// the user types (interactive mode).
struct Shared {
    mode: Mode,
    /// The last abort (40001, 40P01) of each session, for `\why`.
    aborts: BTreeMap<String, Error>,
}

pub struct Shell<W: Write, E: Write> {
    sessions: Sessions,
    current: String,
    shared: Arc<Mutex<Shared>>,
    timing: bool,
    stdout: W,
    stderr: E,
    failed: bool,
    quit: bool,
    include_depth: usize,
    /// Which session ran which transaction, as far as the shell has seen.
    seen: BTreeMap<TxnId, String>,
    /// Set by a Ctrl-C handler: cancel the statements the shell is waiting for.
    interrupt: Arc<AtomicBool>,
    /// A Ctrl-C cancelled a statement: the rest of the current input is skipped.
    stop_input: bool,
}

impl<W: Write, E: Write> Shell<W, E> {
    pub fn new(db: Database, mode: Mode, stdout: W, stderr: E) -> Self {
        let mut sessions = Sessions::new(db);
        sessions.open(FIRST_SESSION);
        Shell {
            sessions,
            current: FIRST_SESSION.to_string(),
            shared: Arc::new(Mutex::new(Shared { mode, aborts: BTreeMap::new() })),
            timing: false,
            stdout,
            stderr,
            failed: false,
            quit: false,
            include_depth: 0,
            seen: BTreeMap::new(),
            interrupt: Arc::default(),
            stop_input: false,
        }
    }

    pub fn database(&self) -> &Database {
        self.sessions.database()
    }

    /// Whether any statement or command has failed so far.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Whether `\q` was given.
    pub fn quit_requested(&self) -> bool {
        self.quit
    }

    /// The flag a Ctrl-C handler sets to cancel what the shell is waiting for.
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.interrupt.clone()
    }

    /// The session names, kept current (for completion, on another thread).
    pub fn session_list(&self) -> Arc<Mutex<Vec<String>>> {
        self.sessions.shared_names()
    }

    /// Sends statements that finish while the shell is not running anything (the user is
    /// typing) to `print`, rendered.
    pub fn print_resumed_with(&mut self, mut print: impl FnMut(String) + Send + 'static) {
        let shared = self.shared.clone();
        self.sessions.set_printer(Box::new(move |finished| {
            let rendered = {
                let mut shared = shared.lock();
                remember_abort(&mut shared.aborts, &finished);
                render_finished(shared.mode, &finished, true, None, &|t| format!("T{t}"))
            };
            print(rendered.into_iter().map(|r| r.stdout + &r.stderr).collect());
        }));
    }

    /// psql's prompt with the session in place of the database: `t1[SSI T12]*=> `. The level is
    /// the running transaction's or the session default; `*` in a block, `!` in a failed one;
    /// `(waiting)` while the session's statement waits for a lock.
    pub fn prompt(&self) -> String {
        let Some(info) = self.sessions.info(&self.current) else { return "isolde=> ".into() };
        let txn = info.txn.map(|t| format!(" T{t}")).unwrap_or_default();
        let waiting = if self.sessions.busy_with(&self.current).is_some() { " (waiting)" } else { "" };
        let state = match info.state {
            BlockState::Idle => "",
            BlockState::InBlock => "*",
            BlockState::Failed => "!",
        };
        format!("{}[{}{txn}]{waiting}{state}=> ", self.current, info.level.short_name())
    }

    /// Ctrl-C at the prompt: cancels the current session's waiting statement. Returns whether
    /// there was one.
    pub fn cancel_current(&mut self) -> bool {
        if self.sessions.busy_with(&self.current).is_none() {
            return false;
        }
        self.sessions.cancel(&self.current);
        true
    }

    /// Runs every statement and meta-command of `script`, in order; `source` names a file (or
    /// `<stdin>`) for diagnostics, `None` for `-c` and interactive input. Fails only if the
    /// output cannot be written.
    pub fn run_script(&mut self, script: &str, source: Option<&str>) -> io::Result<()> {
        if self.include_depth == 0 {
            self.stop_input = false;
        }
        let mut buffer = String::new();
        let mut buffer_line = 1;
        for (index, line) in script.lines().enumerate() {
            if self.quit || self.stop_input {
                return Ok(());
            }
            let trimmed = line.trim_start();
            if buffer.trim().is_empty() && (trimmed.starts_with('\\') || trimmed.starts_with('.')) {
                buffer.clear();
                self.meta_command(trimmed.trim_end(), source, index + 1)?;
                continue;
            }
            if buffer.is_empty() {
                buffer_line = index + 1;
            }
            buffer.push_str(line);
            buffer.push('\n');
            if is_complete(&buffer) {
                self.run_statements(&buffer, source, buffer_line)?;
                buffer.clear();
            }
        }
        if !buffer.trim().is_empty() && !self.quit && !self.stop_input {
            self.run_statements(&buffer, source, buffer_line)?;
        }
        Ok(())
    }

    /// The end of the input: statements still waiting will never finish (nothing else will run);
    /// says so on stderr. Dropping the shell cancels them and rolls their transactions back.
    pub fn finish(&mut self) -> io::Result<()> {
        for (name, sql) in self.sessions.waiting() {
            self.stdout.flush()?;
            writeln!(self.stderr, "isolde: session {name} was still waiting at the end of the input: {sql}")?;
        }
        self.flush()
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.stdout.flush()?;
        self.stderr.flush()
    }

    /// Runs the statements of `text`, which starts on line `first_line` of `source`.
    fn run_statements(&mut self, text: &str, source: Option<&str>, first_line: usize) -> io::Result<()> {
        // (line where the last labeled statement ended, its session)
        let mut label: Option<(usize, String)> = None;
        for statement in split_statements(text) {
            if self.quit || self.stop_input {
                break;
            }
            let line = first_line + statement.line - 1;
            let (session, sql) = match commands::split_label(&statement.text) {
                Some((name, sql)) => {
                    label = Some((line + statement.text.matches('\n').count(), name.to_string()));
                    (name.to_string(), sql)
                }
                None => match &label {
                    Some((end, name)) if *end == line => (name.clone(), statement.text.as_str()),
                    _ => (self.current.clone(), statement.text.as_str()),
                },
            };
            if !sql.is_empty() {
                self.step(&session, sql, source.map(|source| Origin { source, line }))?;
            }
        }
        Ok(())
    }

    /// Runs one statement on `session` and prints what the settle saw.
    fn step(&mut self, session: &str, sql: &str, origin: Option<Origin>) -> io::Result<()> {
        if self.sessions.busy_with(session).is_some() {
            self.failed = true;
            return self.shell_error(&format!(
                "session {session} is still waiting for its last statement; end the wait first (finish the \
                 transaction it waits for, or \\cancel {session})"
            ));
        }
        let started = Instant::now();
        self.sessions.submit(session, Task::Sql(sql.to_string())).expect("the session is idle");
        self.settle_and_print(Some((session, origin, started)))
    }

    /// Settles the sessions and prints every event; `stepped` is the session whose step this
    /// is, with the step's origin and start time (for `\timing`).
    fn settle_and_print(&mut self, stepped: Option<(&str, Option<Origin>, Instant)>) -> io::Result<()> {
        let Settled { events, interrupted } = self.sessions.settle(&self.interrupt);
        // Ctrl-C also drops the rest of the input, as psql does.
        self.stop_input |= interrupted;
        let elapsed = stepped.map(|(_, _, started)| started.elapsed());
        self.remember_transactions();
        let labeled = self.sessions.names().len() > 1;
        let mode = self.shared.lock().mode;
        for event in events {
            let own = |session: &str| stepped.is_some_and(|(s, _, _)| s == session);
            let origin = stepped.and_then(|(_, origin, _)| origin);
            match event {
                Event::Finished(finished) => {
                    let origin = if own(&finished.session) && !finished.resumed { origin } else { None };
                    self.failed |= is_error(&finished.reply);
                    let rendered = {
                        let mut shared = self.shared.lock();
                        remember_abort(&mut shared.aborts, &finished);
                        render_finished(mode, &finished, labeled, origin, &|t| self.name(t))
                    };
                    for part in rendered {
                        self.write(part)?;
                    }
                    if let (true, true, false, Some(elapsed)) =
                        (self.timing, own(&finished.session), finished.resumed, elapsed)
                    {
                        if mode != Mode::Json {
                            writeln!(self.stdout, "Time: {:.3} ms", elapsed.as_secs_f64() * 1000.0)?;
                        }
                    }
                }
                Event::Waiting(waiting) => {
                    let context = Context { labeled, ..Context::new(&waiting.session, &waiting.task_text) };
                    let wait = Wait { blockers: &waiting.blockers, what: &waiting.what };
                    self.write(mode.waiting(&context, &wait))?;
                }
            }
        }
        Ok(())
    }

    fn meta_command(&mut self, line: &str, source: Option<&str>, line_number: usize) -> io::Result<()> {
        let command = match commands::parse(line) {
            Ok(command) => command,
            Err(message) => {
                self.failed = true;
                let at = source.map(|s| format!("{s}:{line_number}: ")).unwrap_or_default();
                return self.shell_error(&format!("{at}{message}"));
            }
        };
        let mode = self.shared.lock().mode;
        let current = self.current.clone();
        let context = Context::new(&current, line);
        match command {
            Command::Help => self.write(mode.text(&context, commands::HELP)),
            Command::Quit => {
                self.quit = true;
                Ok(())
            }
            Command::Tables => {
                let tables = introspect::tables(self.database().table_names());
                self.write(mode.result(&context, &tables))
            }
            Command::Describe(table) => self.describe(mode, &context, table),
            Command::SetMode(new) => {
                self.shared.lock().mode = new;
                Ok(())
            }
            Command::Timing(on) => {
                self.timing = on.unwrap_or(!self.timing);
                let text = if self.timing { "Timing is on.\n" } else { "Timing is off.\n" };
                self.write(mode.text(&context, text))
            }
            Command::Include(file) => self.include(&file),
            Command::Echo(text) => self.write(mode.text(&context, &format!("{text}\n"))),
            Command::Session { name: None, .. } => {
                let text = format!("You are in session \"{}\".\n", self.current);
                self.write(mode.text(&context, &text))
            }
            Command::Session { name: Some(name), level } => self.switch_session(&name, level),
            Command::Sessions => {
                let rows = self.session_rows();
                self.write(mode.result(&context, &introspect::sessions(rows)))
            }
            Command::Cancel(name) => {
                let name = name.unwrap_or_else(|| self.current.clone());
                if self.sessions.busy_with(&name).is_none() {
                    return self.shell_error(&format!("session {name} has no statement to cancel"));
                }
                self.sessions.cancel(&name);
                self.settle_and_print(None)
            }
            Command::Versions(table) => {
                if self.sessions.submit(&current, Task::Versions(table)).is_err() {
                    self.failed = true;
                    return self.shell_error(&format!("session {current} is waiting; \\versions needs its reader"));
                }
                self.settle_and_print(Some((&current, None, Instant::now())))
            }
            Command::Locks => {
                self.remember_transactions();
                let db = self.database();
                let (held, waits) = (db.locks_held(), db.lock_waits());
                let table = introspect::locks(&held, &waits, &|t| self.name(t));
                self.write(mode.result(&context, &table))
            }
            Command::Graph { dot } => {
                self.remember_transactions();
                let db = self.database();
                let graphs = Graphs::new(&db.lock_waits(), &db.rw_edges());
                let text = if dot { graphs.dot(&|t| self.name(t)) } else { graphs.text(&|t| self.name(t)) };
                self.write(mode.text(&context, &text))
            }
            Command::Why => {
                let abort = self.shared.lock().aborts.get(&self.current).cloned();
                let text = match abort.and_then(|e| introspect::why(&e, &|t| self.name(t))) {
                    Some(text) => text,
                    None => format!("No transaction of session {} has been aborted by a conflict.\n", self.current),
                };
                self.write(mode.text(&context, &text))
            }
        }
    }

    fn describe(&mut self, mode: Mode, context: &Context, table: Option<String>) -> io::Result<()> {
        let names = match table {
            Some(name) => vec![name],
            None => self.database().table_names(),
        };
        if names.is_empty() {
            return self.write(mode.text(context, "Did not find any relations.\n"));
        }
        for name in names {
            match self.database().table_schema(&name) {
                Ok(schema) => {
                    let text = introspect::describe(&schema);
                    self.write(mode.text(context, &text))?;
                }
                Err(error) => {
                    self.failed = true;
                    self.write(mode.error(context, &error))?;
                }
            }
        }
        Ok(())
    }

    fn include(&mut self, file: &str) -> io::Result<()> {
        if self.include_depth >= MAX_INCLUDE_DEPTH {
            self.failed = true;
            return self.shell_error(&format!("{file}: files include each other too deeply"));
        }
        match std::fs::read_to_string(file) {
            Ok(text) => {
                self.include_depth += 1;
                let outcome = self.run_script(&text, Some(file));
                self.include_depth -= 1;
                outcome
            }
            Err(error) => {
                self.failed = true;
                self.shell_error(&format!("{file}: {error}"))
            }
        }
    }

    fn switch_session(&mut self, name: &str, level: Option<isolde::IsolationLevel>) -> io::Result<()> {
        self.sessions.open(name);
        self.current = name.to_string();
        let Some(level) = level else { return Ok(()) };
        if self.sessions.submit(name, Task::SetLevel(level)).is_err() {
            self.failed = true;
            return self.shell_error(&format!("session {name} is still waiting; its level cannot change now"));
        }
        self.settle_and_print(Some((name, None, Instant::now())))
    }

    fn session_rows(&mut self) -> Vec<SessionRow> {
        let waiting: BTreeSet<String> = self.sessions.waiting().into_iter().map(|(name, _)| name).collect();
        let mut rows = Vec::new();
        for name in self.sessions.names() {
            let Some(info) = self.sessions.info(&name) else { continue };
            let statement = self.sessions.busy_with(&name);
            let state = match (&statement, waiting.contains(&name), info.state) {
                (Some(_), true, _) => "waiting",
                (Some(_), false, _) => "running",
                (None, _, BlockState::Idle) => "idle",
                (None, _, BlockState::InBlock) => "idle in transaction",
                (None, _, BlockState::Failed) => "idle in failed transaction",
            };
            let waiting_for =
                self.sessions.wait_of(&name).map(|(blockers, what)| format!("{} ({what})", blockers.join(", ")));
            rows.push(SessionRow {
                current: name == self.current,
                level: info.level.name().to_string(),
                txn: info.txn,
                state: state.to_string(),
                statement,
                waiting_for,
                name,
            });
        }
        rows
    }

    /// Notes which session runs which transaction now.
    fn remember_transactions(&mut self) {
        for name in self.sessions.names() {
            if let Some(txn) = self.sessions.info(&name).and_then(|i| i.txn) {
                self.seen.insert(txn, name);
            }
        }
        while self.seen.len() > REMEMBERED_TRANSACTIONS {
            self.seen.pop_first();
        }
    }

    /// `T7 (t2)`, or `T7` for a transaction no session of the shell was seen running.
    fn name(&self, txn: TxnId) -> String {
        match self.seen.get(&txn) {
            Some(session) => format!("T{txn} ({session})"),
            None => format!("T{txn}"),
        }
    }

    /// A message of the shell itself (not of the engine), on stderr.
    fn shell_error(&mut self, message: &str) -> io::Result<()> {
        self.stdout.flush()?;
        writeln!(self.stderr, "isolde: {message}")
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
}

fn is_error(reply: &Reply) -> bool {
    matches!(reply, Reply::Sql(Err(_)) | Reply::Done(Err(_)) | Reply::Versions(Err(_)))
}

/// Keeps a session's serialization failure or deadlock for `\why`.
fn remember_abort(aborts: &mut BTreeMap<String, Error>, finished: &Finished) {
    if let Reply::Sql(Err(error)) = &finished.reply {
        if error.conflict().is_some() || error.deadlock().is_some() {
            aborts.insert(finished.session.clone(), error.clone());
        }
    }
}

/// The output of a finished task, in order: its notices, then its result or error.
fn render_finished(
    mode: Mode,
    finished: &Finished,
    labeled: bool,
    origin: Option<Origin>,
    name: introspect::Namer,
) -> Vec<Rendered> {
    let context =
        Context { origin, labeled, resumed: finished.resumed, ..Context::new(&finished.session, finished.task.text()) };
    match &finished.reply {
        Reply::Sql(Ok(result)) => {
            let mut out: Vec<Rendered> = result.notices.iter().map(|n| mode.notice(&context, n)).collect();
            out.push(mode.result(&context, result));
            out
        }
        Reply::Sql(Err(error)) | Reply::Done(Err(error)) | Reply::Versions(Err(error)) => {
            vec![mode.error(&context, error)]
        }
        Reply::Done(Ok(())) => Vec::new(),
        Reply::Versions(Ok(report)) => {
            let (head, table) = introspect::versions(report, &finished.session, name);
            let plain = Context { labeled: false, ..context };
            vec![mode.text(&plain, &head), mode.result(&plain, &table)]
        }
    }
}

#[cfg(test)]
mod tests {
    use isolde::Database;

    use super::*;

    /// Runs `script` on a fresh database; returns (stdout, stderr, failed).
    fn run(mode: Mode, script: &str, source: Option<&str>) -> (String, String, bool) {
        let mut shell = Shell::new(Database::open_in_memory(), mode, Vec::new(), Vec::new());
        shell.run_script(script, source).expect("writing to a Vec cannot fail");
        shell.finish().expect("writing to a Vec cannot fail");
        let failed = shell.failed();
        let (stdout, stderr) = (std::mem::take(&mut shell.stdout), std::mem::take(&mut shell.stderr));
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

    const ACCOUNTS: &str =
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER);\nINSERT INTO t VALUES (1, 0), (2, 0);\n";

    #[test]
    fn labels_run_statements_on_sessions_and_waits_are_reported_then_resumed() {
        let script = format!(
            "{ACCOUNTS}t1: BEGIN; UPDATE t SET v = 1 WHERE id = 1;\nt2: UPDATE t SET v = 2 WHERE id = 1;\n\
             t1: ROLLBACK;\nt2: SELECT v FROM t WHERE id = 1;"
        );
        let (out, err, failed) = run(Mode::Box, &script, None);
        assert_eq!(err, "");
        assert!(!failed);
        assert_eq!(
            out,
            "CREATE TABLE\nINSERT 0 2\nt1: BEGIN\nt1: UPDATE 1\nt2: waiting for t1 (X lock on t(id=1))\nt1: ROLLBACK\n\
             t2 (resumed): UPDATE 1\nt2:\n v \n---\n 2\n(1 row)\n\n"
        );
    }

    #[test]
    fn json_lines_for_waiting_and_resumed_statements() {
        let script = format!(
            "{ACCOUNTS}t1: BEGIN;\nt1: DELETE FROM t WHERE id = 2;\nt2: DELETE FROM t WHERE id = 2;\nt1: ROLLBACK;"
        );
        let (out, _, failed) = run(Mode::Json, &script, None);
        assert!(!failed);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[4],
            r#"{"session":"t2","sql":"DELETE FROM t WHERE id = 2","status":"waiting","waiting_for":["t1"],"lock":"X lock on t(id=2)"}"#
        );
        assert_eq!(lines[5], r#"{"session":"t1","sql":"ROLLBACK","status":"ok","tag":"ROLLBACK"}"#);
        assert_eq!(
            lines[6],
            r#"{"session":"t2","sql":"DELETE FROM t WHERE id = 2","status":"ok","resumed":true,"tag":"DELETE 1"}"#
        );
    }

    #[test]
    fn a_statement_for_a_waiting_session_is_refused_and_the_end_of_input_is_reported() {
        let script = format!("{ACCOUNTS}t1: BEGIN;\nt1: DELETE FROM t;\nt2: DELETE FROM t;\nt2: COMMIT;\n");
        let (_, err, failed) = run(Mode::Box, &script, None);
        assert!(failed);
        assert!(err.contains("isolde: session t2 is still waiting for its last statement"), "{err}");
        assert!(
            err.ends_with("isolde: session t2 was still waiting at the end of the input: DELETE FROM t\n"),
            "{err}"
        );
    }

    #[test]
    fn a_label_covers_the_statements_that_follow_on_its_line() {
        let (out, _, _) = run(Mode::Box, "t1: BEGIN; SELECT 1 AS x;\nSELECT 2 AS y;", None);
        assert!(out.starts_with("t1: BEGIN\nt1:\n x \n"), "{out}");
        assert!(out.ends_with("main:\n y \n---\n 2\n(1 row)\n\n"), "{out}");
    }

    #[test]
    fn meta_commands_between_statements() {
        let script =
            format!("{ACCOUNTS}\\session t1 serializable\nSHOW transaction_isolation;\n\\echo hello\n\\dt\n\\bogus\n");
        let (out, err, failed) = run(Mode::Box, &script, Some("s.sql"));
        assert!(out.contains("t1:\n transaction_isolation \n-----------------------\n serializable\n"), "{out}");
        assert!(out.contains("hello\n table \n-------\n t\n(1 row)\n"), "{out}");
        assert_eq!(err, "isolde: s.sql:7: invalid command \\bogus\nTry \\? for help.\n");
        assert!(failed);
    }

    #[test]
    fn why_explains_the_last_abort_of_the_session() {
        let script = "CREATE TABLE d (name TEXT PRIMARY KEY, on_call BOOLEAN);\n\
            INSERT INTO d VALUES ('alice', true), ('bob', true);\n\
            \\session t1 serializable\n\\session t2 serializable\n\
            t1: BEGIN; SELECT count(*) FROM d WHERE on_call;\n\
            t2: BEGIN; SELECT count(*) FROM d WHERE on_call;\n\
            t1: UPDATE d SET on_call = false WHERE name = 'alice';\n\
            t2: UPDATE d SET on_call = false WHERE name = 'bob';\n\
            t1: COMMIT;\nt2: COMMIT;\n\\why\n";
        let (out, err, failed) = run(Mode::Box, script, None);
        assert!(failed, "t2 is aborted");
        assert!(err.contains("ERROR:  40001"), "{err}");
        assert!(out.contains("aborted: T"), "{out}");
        assert!(out.contains("(t2)\nrule:    dangerous structure"), "{out}");
    }

    #[test]
    fn sessions_locks_and_graph() {
        let script = format!(
            "{ACCOUNTS}t1: BEGIN; UPDATE t SET v = 1 WHERE id = 1;\nt2: UPDATE t SET v = 2 WHERE id = 1;\n\
             \\sessions\n\\locks\n\\graph\n\\cancel t2\n"
        );
        let (out, err, failed) = run(Mode::Csv, &script, None);
        assert!(out.contains("t2,repeatable read,"), "{out}");
        assert!(out.contains(",waiting,UPDATE t SET v = 2 WHERE id = 1,t1 (X lock on t(id=1))\n"), "{out}");
        assert!(out.contains("(t2),X,t(id=1),waiting for T"), "{out}");
        assert!(out.contains(" (t2) -> T"), "{out}");
        assert!(err.contains("t2 (resumed): ERROR:  57014: canceling statement due to user request"), "{err}");
        assert!(failed);
    }

    #[test]
    fn timing_prints_the_time_of_each_statement() {
        let (out, _, failed) = run(Mode::Box, "\\timing on\nSELECT 1 AS x;\n\\timing\nSELECT 2 AS y;\n", None);
        assert!(!failed);
        assert!(out.starts_with("Timing is on.\n x \n---\n 1\n(1 row)\n\nTime: "), "{out}");
        assert!(out.contains(" ms\nTiming is off.\n y \n"), "{out}");
        assert_eq!(out.matches("Time: ").count(), 1, "{out}");
    }
}
