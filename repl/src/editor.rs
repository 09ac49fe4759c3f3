//! The line editor's helper: what rustyline asks the shell while the user types.
//!
//! [`ShellHelper`] implements rustyline's four helper traits:
//!
//! * **Validator**: Enter submits the input when it is ready to run: empty, a meta-command (a
//!   line whose first non-blank character is `\` or `.`; meta-commands are one line), or SQL
//!   whose last statement ends with a `;` ([`lexer::is_complete`], which ignores a `;` inside a
//!   string, quoted identifier, comment or dollar quote). Otherwise Enter starts a new line of
//!   the same input, so `readline` returns a whole statement, however many lines it spans. A
//!   session label does not change this: `t1: BEGIN;` is SQL ended by its `;`.
//! * **Completer**: the word before the cursor, from meta-commands and their arguments, SQL
//!   keywords, and the names in the [`Vocabulary`]; see [`completion`] for what is offered where.
//!   The vocabulary changes while the shell runs (tables are created, sessions opened), so the
//!   helper asks for it at each completion instead of holding a copy.
//! * **Hinter**: rustyline's [`HistoryHinter`], the rest of the latest history entry that starts
//!   with the input, shown dim after the cursor (→ accepts it).
//! * **Highlighter**: SQL keywords bold, strings green, comments dim, following the same lexical
//!   rules as the lexer ([`tokens`], [`highlighting`]). Meta-command lines are left plain.
//!
//! Color is decided once, by the caller (usually with [`color_wanted`]). Without it there is no
//! highlighting and no hint either: a hint in plain text could not be told from typed text.
//! (rustyline also turns highlighting off by itself when stdout is not a terminal.)

mod completion;
mod highlighting;
mod words;

use std::borrow::Cow;
use std::io::{self, IsTerminal};

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use crate::lexer;
use completion::Completion;
use highlighting::{highlight_sql, DIM, RESET};

/// What completion can offer that changes while the shell runs.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    pub tables: Vec<String>,
    /// `(table, column)` pairs.
    pub columns: Vec<(String, String)>,
    pub sessions: Vec<String>,
}

/// The shell's rustyline [`Helper`]: validation, completion, hints and highlighting.
pub struct ShellHelper {
    vocabulary: Box<dyn Fn() -> Vocabulary + Send + Sync>,
    color: bool,
    history_hinter: HistoryHinter,
    file_names: FilenameCompleter,
}

impl ShellHelper {
    /// `vocabulary` is called at each completion to get the current names; `color` turns
    /// highlighting (and hints) on.
    pub fn new(vocabulary: Box<dyn Fn() -> Vocabulary + Send + Sync>, color: bool) -> ShellHelper {
        ShellHelper { vocabulary, color, history_hinter: HistoryHinter::new(), file_names: FilenameCompleter::new() }
    }
}

/// Whether to color: false when `NO_COLOR` is set (to any value, even empty, per
/// <https://no-color.org>) or stdout is not a terminal.
pub fn color_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none() && io::stdout().is_terminal()
}

/// Whether `input` is a meta-command line: its first non-blank character is `\` or `.`.
fn is_meta_command(input: &str) -> bool {
    input.trim_start().starts_with(['\\', '.'])
}

/// Whether Enter should submit `input` rather than start a new line of it.
fn is_ready_to_run(input: &str) -> bool {
    is_meta_command(input) || lexer::is_complete(input)
}

impl Validator for ShellHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if is_ready_to_run(ctx.input()) { ValidationResult::Valid(None) } else { ValidationResult::Incomplete })
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        match completion::complete(line, pos, &(self.vocabulary)()) {
            Completion::Words { start, candidates } => Ok((
                start,
                candidates.into_iter().map(|word| Pair { display: word.clone(), replacement: word }).collect(),
            )),
            Completion::FileName => self.file_names.complete_path(line, pos),
        }
    }
}

impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        if self.color {
            self.history_hinter.hint(line, pos, ctx)
        } else {
            None
        }
    }
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color && !is_meta_command(line) {
            highlight_sql(line)
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("{DIM}{hint}{RESET}"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    /// Any edit can change the colors of the whole input (typing a `'` turns the rest of it into
    /// a string), so every edit redraws the line; moving the cursor changes nothing.
    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.color && kind == CmdKind::Other
    }
}

impl Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use rustyline::history::{DefaultHistory, History};

    use super::*;

    fn helper(color: bool) -> ShellHelper {
        let vocabulary = || Vocabulary {
            tables: vec!["accounts".into()],
            columns: vec![("accounts".into(), "balance".into())],
            sessions: vec!["t1".into()],
        };
        ShellHelper::new(Box::new(vocabulary), color)
    }

    #[test]
    fn validator_submits_complete_input() {
        for ready in [
            "",
            "  \n",
            "SELECT 1;",
            "SELECT 1;\n",
            "SELECT 'a;b';",
            "SELECT\n  1\n;",
            "t1: BEGIN;",
            "t1: SELECT 'x' -- ;\n;",
            "-- only a comment",
            "\\q",
            "  \\versions accounts",
            ".mode csv",
            "\\echo it's",
        ] {
            assert!(is_ready_to_run(ready), "{ready:?}");
        }
        for incomplete in [
            "SELECT 1",
            "SELECT 'a;b",
            "SELECT 'a;' || 'b",
            "SELECT \"a;",
            "SELECT 1 -- ;",
            "SELECT /* ; */ 1",
            "SELECT $$ ; $$",
            "t1: BEGIN",
            "t1:",
        ] {
            assert!(!is_ready_to_run(incomplete), "{incomplete:?}");
        }
    }

    #[test]
    fn completer_returns_the_word_start_and_candidates() {
        let history = DefaultHistory::new();
        let context = Context::new(&history);
        let (start, candidates) = helper(true).complete("SELECT bal FROM acc", 10, &context).unwrap();
        assert_eq!(start, 7);
        let replacements: Vec<&str> = candidates.iter().map(|pair| pair.replacement.as_str()).collect();
        assert_eq!(replacements, ["balance"]);
        let (start, candidates) = helper(false).complete("t", 1, &context).unwrap();
        assert_eq!(start, 0);
        assert_eq!(candidates[0].display, "t1:");
    }

    #[test]
    fn hints_from_history_only_with_color() {
        let mut history = DefaultHistory::new();
        history.add("SELECT * FROM accounts;").unwrap();
        let context = Context::new(&history);
        assert_eq!(helper(true).hint("SELECT *", 8, &context).as_deref(), Some(" FROM accounts;"));
        assert_eq!(helper(false).hint("SELECT *", 8, &context), None);
        assert_eq!(helper(true).highlight_hint(" FROM"), "\x1b[2m FROM\x1b[0m");
    }

    #[test]
    fn without_color_nothing_is_highlighted() {
        let helper = helper(false);
        let line = "SELECT 'x' -- c";
        assert!(matches!(helper.highlight(line, 0), Cow::Borrowed(text) if text == line));
        assert!(matches!(helper.highlight_hint(" FROM"), Cow::Borrowed(" FROM")));
        assert!(!helper.highlight_char(line, 3, CmdKind::Other));
    }

    #[test]
    fn with_color_keywords_are_bold_but_not_inside_strings() {
        let helper = helper(true);
        assert_eq!(helper.highlight("SELECT 'FROM'", 0), "\x1b[1mSELECT\x1b[0m \x1b[32m'FROM'\x1b[0m");
        assert_eq!(helper.highlight("t1: begin;", 0), "t1: \x1b[1mbegin\x1b[0m;");
        // Meta-command arguments are not SQL.
        assert_eq!(helper.highlight("\\session t1 serializable", 0), "\\session t1 serializable");
        assert!(helper.highlight_char("SELECT", 6, CmdKind::Other));
        assert!(!helper.highlight_char("SELECT", 2, CmdKind::MoveCursor));
    }
}
