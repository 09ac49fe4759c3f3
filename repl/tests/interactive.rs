//! The interactive shell through a pseudo-terminal (`rexpect`): prompt state, multi-line
//! entry, completion, a waiting statement that gives the prompt back and resumes, Ctrl-C, the
//! history file. Every expectation has a time limit, so a bug fails the test instead of
//! hanging it. Input is sent only once the prompt shows, as a person would type: text typed
//! while the line editor is not reading can be discarded when it takes the terminal back.

use std::path::PathBuf;
use std::process::Command;

use rexpect::session::{spawn_command, PtySession};

/// How long one expectation may wait for the shell's output.
const TIME_LIMIT_MS: u64 = 20_000;

/// The shell in a terminal, without color, with its history in a file of its own.
fn shell(history: &PathBuf) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_isolde"));
    command.env("NO_COLOR", "1").env("ISOLDE_HISTORY", history).env("TERM", "xterm");
    let mut session = spawn_command(command, Some(TIME_LIMIT_MS)).expect("the shell starts in a terminal");
    session.exp_string("type \\? for help").expect("the banner");
    session
}

fn history_file(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("isolde-history-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn the_prompt_shows_session_level_transaction_and_block_state() {
    let history = history_file("prompt");
    let mut s = shell(&history);
    s.exp_string("main[SI]=> ").unwrap();
    s.send_line("BEGIN;").unwrap();
    s.exp_regex(r"main\[SI T\d+\]\*=> ").unwrap();
    s.send_line("SELECT 1/0;").unwrap();
    s.exp_string("ERROR:  22012: division by zero").unwrap();
    // The failed block's transaction has ended: no id, and `!`.
    s.exp_string("main[SI]!=> ").unwrap();
    s.send_line("ROLLBACK;").unwrap();
    s.exp_string("main[SI]=> ").unwrap();
    s.send_line("\\session t1 serializable").unwrap();
    s.exp_string("t1[SSI]=> ").unwrap();
    s.send_line("\\q").unwrap();
    s.exp_eof().unwrap();
}

#[test]
fn a_statement_spans_lines_until_its_semicolon_outside_a_string() {
    let history = history_file("multiline");
    let mut s = shell(&history);
    s.exp_string("main[SI]=> ").unwrap();
    s.send_line("SELECT 'a;").unwrap();
    s.send_line("b' AS s,").unwrap();
    s.send_line("2 AS n;").unwrap();
    s.exp_string(" a;+").unwrap();
    s.exp_string("(1 row)").unwrap();
    s.exp_string("main[SI]=> ").unwrap();
    s.send_control('d').unwrap();
    s.exp_eof().unwrap();
    let saved = std::fs::read_to_string(&history).expect("the history file is written");
    assert!(saved.contains("SELECT 'a;"), "one entry for the multi-line statement: {saved:?}");
    let _ = std::fs::remove_file(&history);
}

#[test]
fn tab_completes_keywords_and_table_names() {
    let history = history_file("completion");
    let mut s = shell(&history);
    s.exp_string("main[SI]=> ").unwrap();
    s.send_line("CREATE TABLE accounts (id INTEGER PRIMARY KEY);").unwrap();
    s.exp_string("CREATE TABLE").unwrap();
    s.exp_string("main[SI]=> ").unwrap();
    // "SEL<tab> count(*) FROM acc<tab>;" runs "SELECT count(*) FROM accounts;".
    s.send("SEL\t").unwrap();
    s.flush().unwrap();
    s.exp_string("SELECT").unwrap();
    s.send(" count(*) FROM acc\t").unwrap();
    s.flush().unwrap();
    s.exp_string("accounts").unwrap();
    s.send_line(";").unwrap();
    s.exp_string("(1 row)").unwrap();
    s.exp_string("main[SI]=> ").unwrap();
    s.send_line("\\q").unwrap();
    s.exp_eof().unwrap();
}

#[test]
fn a_waiting_statement_gives_the_prompt_back_and_its_result_appears_when_it_resumes() {
    let history = history_file("waiting");
    let mut s = shell(&history);
    s.exp_string("main[SI]=> ").unwrap();
    s.send_line("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO t VALUES (1, 0);").unwrap();
    s.exp_string("INSERT 0 1").unwrap();
    s.exp_string("=> ").unwrap();
    s.send_line("t1: BEGIN; UPDATE t SET v = 1 WHERE id = 1;").unwrap();
    s.exp_string("t1: UPDATE 1").unwrap();
    s.exp_string("=> ").unwrap();
    s.send_line("t2: UPDATE t SET v = 2 WHERE id = 1;").unwrap();
    s.exp_string("t2: waiting for t1 (X lock on t(id=1))").unwrap();
    // The prompt is back while t2 waits.
    s.exp_string("main[SI]=> ").unwrap();
    s.send_line("t1: ROLLBACK;").unwrap();
    s.exp_string("t1: ROLLBACK").unwrap();
    s.exp_string("t2 (resumed): UPDATE 1").unwrap();
    s.exp_string("main[SI]=> ").unwrap();
    s.send_line("\\q").unwrap();
    s.exp_eof().unwrap();
}

#[test]
fn ctrl_c_at_the_prompt_cancels_the_sessions_waiting_statement() {
    let history = history_file("cancel");
    let mut s = shell(&history);
    s.exp_string("main[SI]=> ").unwrap();
    s.send_line("CREATE TABLE t (id INTEGER PRIMARY KEY); BEGIN; INSERT INTO t VALUES (1);").unwrap();
    s.exp_string("INSERT 0 1").unwrap();
    s.exp_string("=> ").unwrap();
    s.send_line("\\session t2").unwrap();
    s.exp_string("t2[SI]=> ").unwrap();
    s.send_line("INSERT INTO t VALUES (1);").unwrap();
    s.exp_string("t2: waiting for main").unwrap();
    s.exp_string("(waiting)").unwrap();
    s.send_control('c').unwrap();
    s.exp_string("cancel request sent").unwrap();
    s.exp_string("57014: canceling statement due to user request").unwrap();
    s.exp_string("=> ").unwrap();
    s.send_line("SELECT 1 AS still_here;").unwrap();
    s.exp_string("still_here").unwrap();
    s.exp_string("t2[SI]=> ").unwrap();
    s.send_line("\\q").unwrap();
    s.exp_eof().unwrap();
}

#[test]
fn ctrl_c_cancels_a_running_statement_and_the_rest_of_the_input() {
    let history = history_file("cancel-running");
    let mut s = shell(&history);
    s.exp_string("main[SI]=> ").unwrap();
    s.send_line("CREATE TABLE n (x INTEGER); INSERT INTO n VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10);").unwrap();
    s.exp_string("INSERT 0 10").unwrap();
    s.exp_string("=> ").unwrap();
    s.send_line("INSERT INTO n SELECT a.x FROM n a, n b, n c;").unwrap();
    s.exp_string("INSERT 0 1000").unwrap();
    s.exp_string("main[SI]=> ").unwrap();
    // Billions of rows: it runs until cancelled. The statement after it must not run.
    s.send_line("SELECT count(*) FROM n a, n b, n c, n d; SELECT 'not run' AS skipped;").unwrap();
    // Ctrl-C must reach the shell after the line editor has given the terminal back (a Ctrl-C
    // typed while it still reads is an editing key); the shell re-sends the cancel until the
    // statement stops, so the only timing here is that of a person pressing the key.
    std::thread::sleep(std::time::Duration::from_millis(300));
    s.send_control('c').unwrap();
    s.exp_string("57014: canceling statement due to user request").unwrap();
    s.exp_string("main[SI]=> ").unwrap();
    s.send_line("SELECT 1 AS after;").unwrap();
    let shown = s.exp_string("(1 row)").unwrap();
    assert!(!shown.contains("not run"), "the rest of the input was dropped: {shown}");
    s.exp_string("main[SI]=> ").unwrap();
    s.send_line("\\q").unwrap();
    s.exp_eof().unwrap();
}
