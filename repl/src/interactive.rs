//! The interactive shell: a rustyline loop around [`Shell`].
//!
//! * The prompt is the shell's (`t1[SSI T12]*=> `: session, level, transaction, psql's block
//!   state); [`ShellHelper`] completes, hints, highlights, and holds Enter back until the
//!   input is complete (a statement ended by a `;` outside strings and comments, or a
//!   meta-command line), so a multi-line statement is one entry.
//! * Each entry runs at once; a statement that waits for a lock gives the prompt back with
//!   `t2: waiting for t1 (...)`, and its result is printed above the prompt when it completes
//!   (rustyline's external printer).
//! * Ctrl-C while a statement runs cancels it (a signal handler sets the shell's interrupt
//!   flag); at the prompt it cancels the current session's waiting statement, or else clears
//!   the input, as in psql. Ctrl-D or `\q` quits.
//! * History: one entry per statement or command, kept in `$ISOLDE_HISTORY`, else
//!   `~/.isolde_history`.

use std::io::{self, Stderr, Stdout, Write};
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config, Editor, ExternalPrinter};

use crate::editor::{color_wanted, ShellHelper, Vocabulary};
use crate::shell::Shell;

/// Runs the shell until the user quits. Fails if the terminal or the output fails.
pub fn run(shell: &mut Shell<Stdout, Stderr>) -> io::Result<()> {
    let config = Config::builder().auto_add_history(false).completion_type(CompletionType::List).build();
    let mut editor: Editor<ShellHelper, FileHistory> = Editor::with_config(config).map_err(io_error)?;
    editor.set_helper(Some(ShellHelper::new(vocabulary(shell), color_wanted())));
    let history = history_path();
    if let Some(path) = &history {
        // A missing history file is the normal first run.
        let _ = editor.load_history(path);
    }
    // Without one (a terminal rustyline does not drive), results of resumed statements are
    // printed after the next input instead.
    if let Ok(mut printer) = editor.create_external_printer() {
        shell.print_resumed_with(move |text| {
            let _ = printer.print(text);
        });
    }
    let interrupt = shell.interrupt_flag();
    // Only one handler per process; tests that run the loop twice keep the first.
    let _ = ctrlc::set_handler(move || interrupt.store(true, Ordering::SeqCst));

    writeln!(io::stdout(), "isolde {} — type \\? for help, \\q to quit", env!("CARGO_PKG_VERSION"))?;
    loop {
        match editor.readline(&shell.prompt()) {
            Ok(input) => {
                let entry = input.trim();
                if entry.is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(entry);
                shell.run_script(&input, None)?;
                shell.flush()?;
                if shell.quit_requested() {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => {
                if shell.cancel_current() {
                    writeln!(io::stderr(), "cancel request sent")?;
                }
            }
            Err(ReadlineError::Eof) => break,
            Err(error) => return Err(io_error(error)),
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    Ok(())
}

/// What completion offers, read fresh at each completion.
fn vocabulary(shell: &Shell<Stdout, Stderr>) -> Box<dyn Fn() -> Vocabulary + Send + Sync> {
    let db = shell.database().clone();
    let sessions = shell.session_list();
    Box::new(move || {
        let tables = db.table_names();
        let columns = tables
            .iter()
            .filter_map(|t| db.table_schema(t).ok())
            .flat_map(|s| s.columns.iter().map(|c| (s.name.clone(), c.name.clone())).collect::<Vec<_>>())
            .collect();
        Vocabulary { tables, columns, sessions: sessions.lock().clone() }
    })
}

fn history_path() -> Option<PathBuf> {
    match std::env::var_os("ISOLDE_HISTORY") {
        Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
        _ => std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".isolde_history")),
    }
}

fn io_error(error: ReadlineError) -> io::Error {
    match error {
        ReadlineError::Io(error) => error,
        other => io::Error::other(other),
    }
}
