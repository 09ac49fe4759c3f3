//! The interactive shell: a line editor loop that collects input until it holds complete
//! statements, then runs them.
//!
//! * The prompt is `isolde=> `; while a statement is unfinished it is `isolde-> ` (psql's
//!   `PROMPT1` and `PROMPT2` with the database name replaced by `isolde`).
//! * Input runs when [`is_complete`] says so: its last statement ends with a `;` that is not in
//!   a string, quoted identifier, comment or dollar quote. Every statement in it runs then.
//! * `\q` (or `\quit`, `.quit`, `.exit`) and Ctrl-D quit; Ctrl-C discards the input collected
//!   so far, as in psql.
//! * Each statement run is one history entry (in memory only), multi-line statements included.
//!
//! Other meta-commands, sessions, completion and highlighting come later; until then a line
//! starting with `\` or `.` is answered with a short message instead of being taken for SQL.

use std::io::{self, Stderr, Stdout, Write};

use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

use crate::lexer::is_complete;
use crate::runner::Runner;

const PROMPT: &str = "isolde=> ";
const CONTINUATION_PROMPT: &str = "isolde-> ";

/// Runs the shell until the user quits. Fails if the terminal or the output fails.
pub fn run(runner: &mut Runner<Stdout, Stderr>) -> io::Result<()> {
    let mut editor = DefaultEditor::new().map_err(io_error)?;
    writeln!(io::stdout(), "isolde {} — type \\q to quit", env!("CARGO_PKG_VERSION"))?;
    let mut input = String::new();
    loop {
        let prompt = if input.is_empty() { PROMPT } else { CONTINUATION_PROMPT };
        let line = match editor.readline(prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                input.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(error) => return Err(io_error(error)),
        };
        let command = line.trim();
        if is_quit(command) {
            break;
        }
        if input.is_empty() && (command.starts_with('\\') || command.starts_with('.')) {
            let _ = editor.add_history_entry(command);
            writeln!(io::stderr(), "invalid command {command}; this version of isolde knows only \\q")?;
            continue;
        }
        if !input.is_empty() {
            input.push('\n');
        }
        input.push_str(&line);
        if is_complete(&input) {
            let entry = input.trim();
            if !entry.is_empty() {
                let _ = editor.add_history_entry(entry);
            }
            runner.run_script(&input, None)?;
            runner.flush()?;
            input.clear();
        }
    }
    Ok(())
}

fn is_quit(command: &str) -> bool {
    matches!(command, "\\q" | "\\quit" | ".quit" | ".exit")
}

fn io_error(error: ReadlineError) -> io::Error {
    match error {
        ReadlineError::Io(error) => error,
        other => io::Error::other(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quit_commands() {
        for command in ["\\q", "\\quit", ".quit", ".exit"] {
            assert!(is_quit(command), "{command}");
        }
        for other in ["q", "\\q x", "quit", ".q", "\\Q"] {
            assert!(!is_quit(other), "{other}");
        }
    }
}
