//! End-to-end tests of the `isolde` binary in its non-interactive modes: `-c`, `-f`, piped
//! stdin, the three output modes, and the exit status.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How long one run of the binary may take before the test fails.
const TIME_LIMIT: Duration = Duration::from_secs(20);

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs `isolde` with `args`, feeding it `stdin`; kills it and fails if it outlives the limit.
fn isolde(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_isolde"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    let stdin = stdin.to_string();
    // The shell may not read stdin at all (with -c or -f); a broken pipe is fine then.
    let writer = thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let stdout = reader(child.stdout.take().expect("stdout is piped"));
    let stderr = reader(child.stderr.take().expect("stderr is piped"));
    let deadline = Instant::now() + TIME_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting works") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("isolde {args:?} did not finish within {TIME_LIMIT:?}");
        }
        thread::sleep(Duration::from_millis(10));
    };
    writer.join().expect("the stdin writer does not panic");
    Run {
        status: status.code().expect("the shell exits normally"),
        stdout: stdout.join().expect("the stdout reader does not panic"),
        stderr: stderr.join().expect("the stderr reader does not panic"),
    }
}

fn reader(mut stream: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        stream.read_to_string(&mut text).expect("output is UTF-8");
        text
    })
}

/// A script file that is deleted when dropped.
struct Script(PathBuf);

impl Script {
    fn new(text: &str) -> Script {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("isolde-cli-test-{}-{n}.sql", std::process::id()));
        std::fs::write(&path, text).expect("the temporary directory is writable");
        Script(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("the temporary path is UTF-8")
    }
}

impl Drop for Script {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

const SETUP: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, ok BOOLEAN);
INSERT INTO t VALUES (1, 'a', true), (2, NULL, false);
";

#[test]
fn command_with_several_statements_prints_psql_tables() {
    let run = isolde(&["-c", &format!("{SETUP}SELECT id, v, ok FROM t ORDER BY id;")], "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "CREATE TABLE\nINSERT 0 2\n id | v | ok \n----+---+----\n  1 | a | t\n  2 |   | f\n(2 rows)\n\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn commands_and_files_run_in_order_on_one_session() {
    let setup = Script::new(SETUP);
    let query = Script::new("SELECT count(*) AS n FROM t\n");
    let run = isolde(
        &["-f", setup.path(), "-c", "INSERT INTO t VALUES (3, 'c', NULL)", "--file", query.path(), "--mode=csv"],
        "",
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "n\n3\n");
}

#[test]
fn stdin_is_read_when_there_are_no_commands() {
    let run = isolde(&[], &format!("{SETUP}SELECT v FROM t WHERE id = 1;\n"));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "CREATE TABLE\nINSERT 0 2\n v \n---\n a\n(1 row)\n\n");
}

#[test]
fn stdin_is_not_read_when_there_are_commands() {
    let run = isolde(&["-c", "SELECT 1 AS one"], "SELECT * FROM nowhere;");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, " one \n-----\n   1\n(1 row)\n\n");
}

#[test]
fn file_dash_is_stdin() {
    let run = isolde(&["-c", SETUP, "-f", "-", "--mode", "csv"], "SELECT id FROM t ORDER BY id");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "id\n1\n2\n");
}

#[test]
fn csv_mode() {
    let run =
        isolde(&["--mode", "csv", "-c", &format!("{SETUP}SELECT id, v, ok, 'x,\"y\"' AS q FROM t ORDER BY id")], "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "id,v,ok,q\n1,a,t,\"x,\"\"y\"\"\"\n2,,f,\"x,\"\"y\"\"\"\n");
}

#[test]
fn json_mode_prints_one_line_per_statement() {
    let run = isolde(
        &["--mode", "json"],
        &format!("{SETUP}SELECT id, v FROM t ORDER BY id;\nINSERT INTO t VALUES (1, 'dup', true);\n"),
    );
    assert_eq!(run.status, 1);
    assert_eq!(run.stderr, "");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            r#"{"session":"main","sql":"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, ok BOOLEAN)","status":"ok","tag":"CREATE TABLE"}"#,
            r#"{"session":"main","sql":"INSERT INTO t VALUES (1, 'a', true), (2, NULL, false)","status":"ok","tag":"INSERT 0 2"}"#,
            r#"{"session":"main","sql":"SELECT id, v FROM t ORDER BY id","status":"ok","tag":"SELECT 2","columns":["id","v"],"rows":[[1,"a"],[2,null]]}"#,
            r#"{"session":"main","sql":"INSERT INTO t VALUES (1, 'dup', true)","status":"error","sqlstate":"23505","message":"duplicate key value violates unique constraint \"t_pkey\"","detail":"Key (id)=(1) already exists.","hint":null}"#,
        ]
    );
}

#[test]
fn a_failed_statement_exits_1_after_running_the_rest() {
    let script = Script::new(&format!("{SETUP}\nINSERT INTO t VALUES (1, 'dup', true);\nSELECT count(*) FROM t;\n"));
    let run = isolde(&["-f", script.path()], "");
    assert_eq!(run.status, 1);
    assert!(run.stdout.ends_with(" count \n-------\n     2\n(1 row)\n\n"), "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!(
            "isolde:{}:4: ERROR:  23505: duplicate key value violates unique constraint \"t_pkey\"\n\
             DETAIL:  Key (id)=(1) already exists.\n",
            script.path()
        )
    );
}

#[test]
fn syntax_error_shows_the_line_and_a_caret() {
    let run = isolde(&[], "SELECT 1;\nSELECT *\n  FRO t;\n");
    assert_eq!(run.status, 1);
    let mut lines = run.stderr.lines();
    assert!(lines.next().unwrap().starts_with("isolde:<stdin>:2: ERROR:  42601: "), "{}", run.stderr);
    let excerpt = lines.next().expect("a LINE line");
    let caret = lines.next().expect("a caret line");
    assert!(excerpt.starts_with("LINE 2:   FRO t"), "{}", run.stderr);
    assert!(caret.trim_start() == "^" && caret.len() <= excerpt.len(), "{}", run.stderr);
}

#[test]
fn warnings_go_to_stderr_and_do_not_fail() {
    let run = isolde(&["-c", "BEGIN; BEGIN; COMMIT; COMMIT;"], "");
    assert_eq!(run.status, 0);
    assert_eq!(run.stdout, "BEGIN\nBEGIN\nCOMMIT\nCOMMIT\n");
    assert_eq!(
        run.stderr,
        "WARNING:  25001: there is already a transaction in progress\n\
         WARNING:  25P01: there is no transaction in progress\n"
    );
}

#[test]
fn missing_file_exits_2_before_running_anything() {
    let run = isolde(&["-c", "SELECT 1", "-f", "/nonexistent/isolde/script.sql"], "");
    assert_eq!(run.status, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("could not read file \"/nonexistent/isolde/script.sql\""), "{}", run.stderr);
}

#[test]
fn bad_arguments_exit_2() {
    for args in [&["--bogus"][..], &["--mode", "xml"], &["-c"], &["somedb"]] {
        let run = isolde(args, "");
        assert_eq!(run.status, 2, "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(run.stderr.starts_with("isolde: "), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn help_and_version() {
    let run = isolde(&["--help"], "");
    assert_eq!(run.status, 0);
    assert!(run.stdout.contains("--mode=MODE"));
    let run = isolde(&["--version"], "");
    assert_eq!(run.status, 0);
    assert_eq!(run.stdout, format!("isolde {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn empty_input_prints_nothing() {
    let run = isolde(&[], "  -- nothing here\n;\n");
    assert_eq!((run.status, run.stdout.as_str(), run.stderr.as_str()), (0, "", ""));
}

/// Golden transcripts: each `tests/transcripts/NAME.sql` is piped to `isolde` (with the
/// arguments its `-- args: ...` first line gives, if any), and its stdout, stderr and exit
/// status are compared with `NAME.out`. `UPDATE_GOLDEN=1` rewrites the `.out` files; review
/// the diff. Several sessions, waits that resume, every output mode and error exits are
/// covered; the output is deterministic because the shell settles after every step.
#[test]
fn transcripts() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the transcripts directory")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "sql"))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty());
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut differ = Vec::new();
    for script in &scripts {
        let sql = std::fs::read_to_string(script).expect("a readable script");
        let args: Vec<&str> = sql
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("-- args:"))
            .map_or(vec![], |a| a.split_whitespace().collect());
        let run = isolde(&args, &sql);
        let transcript = format!("{}--- stderr ---\n{}--- exit status {} ---\n", run.stdout, run.stderr, run.status);
        let expected_path = script.with_extension("out");
        if update {
            std::fs::write(&expected_path, &transcript).expect("write the transcript");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != transcript {
            differ.push(format!("{}:\n{transcript}", script.display()));
        }
    }
    assert!(differ.is_empty(), "transcripts differ (UPDATE_GOLDEN=1 rewrites them):\n{}", differ.join("\n"));
}
