//! Tab completion: what the word before the cursor can become.
//!
//! The text before the cursor decides what is offered:
//!
//! | where                                          | candidates                                  |
//! |------------------------------------------------|---------------------------------------------|
//! | a meta-command line, first word                | meta-commands                               |
//! | `\session `, `\cancel `                        | session names                               |
//! | `\session NAME `                               | isolation levels (`read-committed`, `rc`, ...) |
//! | `\d `, `\schema `, `.schema `, `\versions `    | table names                                 |
//! | `\mode `, `.mode ` / `\timing `, `.timer ` / `\graph ` | `box csv json` / `on off` / `dot`    |
//! | `\i `, `\include `, `.read `                   | file names (rustyline's completer)          |
//! | inside a string, quoted identifier or comment  | nothing                                     |
//! | a word starting with `\`                       | meta-commands                               |
//! | `name.` (a qualified column)                   | the columns of table `name`                 |
//! | any other SQL word                             | keywords, functions, tables, columns        |
//!
//! SQL words get more in two places: the first word of the input may be a session label
//! (`t1:`, when no label is typed yet) or a meta-command (also after a label), and after `SET`,
//! `SHOW` or `RESET` the setting names are offered. Columns are those of the tables named
//! anywhere in the input, or of every table when it names none.
//!
//! Matching ignores case; keywords are completed in lower case when the typed prefix is lower
//! case, in upper case otherwise. Names (tables, columns, sessions) keep their own spelling.

use crate::commands::split_label;

use super::words::{
    GRAPH_FORMATS, META_COMMANDS, OUTPUT_MODES, SESSION_LEVELS, SETTINGS, SQL_FUNCTIONS, SQL_KEYWORDS, SQL_PHRASES,
    SWITCH_VALUES,
};
use super::{is_meta_command, Vocabulary};
use crate::lexer::{tokenize, Token, TokenKind};

/// What to complete at the cursor.
#[derive(Debug)]
pub enum Completion {
    /// Replace the text from byte `start` to the cursor with one of `candidates` (sorted, without
    /// duplicates; empty when nothing fits).
    Words { start: usize, candidates: Vec<String> },
    /// The cursor is on a file name argument, which rustyline's file name completer handles.
    FileName,
}

/// What the word that ends at byte `pos` of `line` can become.
pub fn complete(line: &str, pos: usize, vocabulary: &Vocabulary) -> Completion {
    let before = &line[..pos];
    if is_meta_command(before) {
        complete_meta_command(before, vocabulary)
    } else {
        complete_sql(line, pos, vocabulary)
    }
}

/// Completion on a meta-command line: the command, then its arguments (separated by blanks).
fn complete_meta_command(before: &str, vocabulary: &Vocabulary) -> Completion {
    let start = blank_delimited_word_start(before);
    let mut candidates = Candidates::new(&before[start..]);
    let mut arguments = before[..start].split_whitespace();
    let Some(command) = arguments.next() else {
        candidates.offer_all(META_COMMANDS.iter().copied());
        return candidates.at(start);
    };
    // Which argument the cursor is on, from 1.
    let position = arguments.count() + 1;
    match (command, position) {
        ("\\session" | "\\cancel", 1) => candidates.offer_all(vocabulary.sessions.iter().map(String::as_str)),
        ("\\session", 2) => candidates.offer_all(SESSION_LEVELS.iter().copied()),
        ("\\d" | "\\schema" | ".schema" | "\\versions", 1) => {
            candidates.offer_all(vocabulary.tables.iter().map(String::as_str));
        }
        ("\\mode" | ".mode", 1) => candidates.offer_all(OUTPUT_MODES.iter().copied()),
        ("\\timing" | ".timer", 1) => candidates.offer_all(SWITCH_VALUES.iter().copied()),
        ("\\graph", 1) => candidates.offer_all(GRAPH_FORMATS.iter().copied()),
        ("\\i" | "\\include" | ".read", 1) => return Completion::FileName,
        _ => {}
    }
    candidates.at(start)
}

/// Completion in SQL (possibly after a `NAME:` session label).
fn complete_sql(line: &str, pos: usize, vocabulary: &Vocabulary) -> Completion {
    let before = &line[..pos];
    let tokens = tokenize(before);
    let last = tokens.last().filter(|token| token.range.end == pos);
    if last.is_some_and(|token| !matches!(token.kind, TokenKind::Word | TokenKind::Symbol)) {
        // Inside (or just after) a string, quoted identifier or comment.
        return Completion::Words { start: pos, candidates: Vec::new() };
    }
    let label_end = label_end(line).filter(|&end| end <= pos);
    let statement_start = label_end.unwrap_or(0);
    let chunk_start = blank_delimited_word_start(before).max(statement_start);
    let chunk = &before[chunk_start..];
    if chunk.starts_with('\\') || (chunk.starts_with('.') && before[statement_start..chunk_start].trim().is_empty()) {
        let mut candidates = Candidates::new(chunk);
        candidates.offer_all(META_COMMANDS.iter().copied());
        return candidates.at(chunk_start);
    }

    let start = last.filter(|token| token.kind == TokenKind::Word).map_or(pos, |token| token.range.start);
    let mut candidates = Candidates::new(&before[start..]);
    let line_tokens = tokenize(line);
    if let Some(qualifier) = qualifier(before, &tokens, start) {
        let table = vocabulary.tables.iter().find(|table| names_table(before, qualifier, table));
        let columns = match table {
            Some(table) => columns_of(vocabulary, |name| name == table),
            None => columns_in_scope(line, &line_tokens, vocabulary),
        };
        candidates.offer_all(columns);
        return candidates.at(start);
    }

    if before[statement_start..start].trim().is_empty() {
        if label_end.is_none() {
            for session in &vocabulary.sessions {
                candidates.offer(&format!("{session}:"));
            }
        }
        candidates.offer_all(META_COMMANDS.iter().copied());
    }
    let keyword_case = keyword_case(&before[start..]);
    for keyword in SQL_KEYWORDS.iter().chain(SQL_PHRASES).chain(SQL_FUNCTIONS) {
        candidates.offer(&keyword_case(keyword));
    }
    let preceding = tokens.iter().rev().find(|token| token.range.end <= start);
    let after_setting_verb = preceding.is_some_and(|token| {
        token.kind == TokenKind::Word
            && ["SET", "SHOW", "RESET"].iter().any(|verb| verb.eq_ignore_ascii_case(&before[token.range.clone()]))
    });
    if after_setting_verb {
        candidates.offer_all(SETTINGS.iter().copied());
    }
    candidates.offer_all(vocabulary.tables.iter().map(String::as_str));
    candidates.offer_all(columns_in_scope(line, &line_tokens, vocabulary));
    candidates.at(start)
}

/// Where the blank-delimited word that ends `text` starts.
fn blank_delimited_word_start(text: &str) -> usize {
    text.char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(0, |(at, c)| at + c.len_utf8())
}

/// The byte just past the colon if `text` starts (after blanks) with a session label `NAME:`.
/// A `::` cast is not a label.
fn label_end(text: &str) -> Option<usize> {
    let name_start = text.len() - text.trim_start().len();
    let (name, _) = split_label(&text[name_start..])?;
    Some(name_start + name.len() + 1)
}

/// If the word at `start` is qualified (`name.` comes right before it), the qualifier token.
fn qualifier<'t>(text: &str, tokens: &'t [Token], start: usize) -> Option<&'t Token> {
    let before_word = tokens.iter().rposition(|token| token.range.end <= start)?;
    let dot = &tokens[before_word];
    let name = tokens[..before_word].last()?;
    let qualified = dot.range.end == start
        && &text[dot.range.clone()] == "."
        && name.range.end == dot.range.start
        && matches!(name.kind, TokenKind::Word | TokenKind::QuotedIdentifier);
    qualified.then_some(name)
}

/// Whether `token` (a word or quoted identifier of `text`) names `table`: unquoted names are
/// folded to lower case, as the engine folds them.
fn names_table(text: &str, token: &Token, table: &str) -> bool {
    let spelled = &text[token.range.clone()];
    match token.kind {
        TokenKind::Word => spelled.to_lowercase() == table,
        TokenKind::QuotedIdentifier => {
            let inner = spelled.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(spelled);
            inner.replace("\"\"", "\"") == table
        }
        _ => false,
    }
}

/// The columns of the tables that `text` names, or of every table if it names none.
fn columns_in_scope<'v>(text: &str, tokens: &[Token], vocabulary: &'v Vocabulary) -> Vec<&'v str> {
    let named: Vec<&String> =
        vocabulary.tables.iter().filter(|table| tokens.iter().any(|token| names_table(text, token, table))).collect();
    if named.is_empty() {
        columns_of(vocabulary, |_| true)
    } else {
        columns_of(vocabulary, |table| named.contains(&table))
    }
}

/// The columns of the tables that `wanted` accepts.
fn columns_of(vocabulary: &Vocabulary, wanted: impl Fn(&String) -> bool) -> Vec<&str> {
    vocabulary.columns.iter().filter(|(table, _)| wanted(table)).map(|(_, column)| column.as_str()).collect()
}

/// How to spell keywords for the typed `prefix`: lower case if it is, upper case otherwise.
fn keyword_case(prefix: &str) -> fn(&str) -> String {
    let lower = prefix.chars().any(char::is_lowercase) && !prefix.chars().any(char::is_uppercase);
    if lower {
        str::to_lowercase
    } else {
        str::to_string
    }
}

/// The candidates for one word: those that start with the typed prefix, ignoring case.
struct Candidates {
    lowercase_prefix: String,
    found: Vec<String>,
}

impl Candidates {
    fn new(prefix: &str) -> Candidates {
        Candidates { lowercase_prefix: prefix.to_lowercase(), found: Vec::new() }
    }

    fn offer(&mut self, candidate: &str) {
        if candidate.to_lowercase().starts_with(&self.lowercase_prefix) {
            self.found.push(candidate.to_string());
        }
    }

    fn offer_all<'a>(&mut self, candidates: impl IntoIterator<Item = &'a str>) {
        for candidate in candidates {
            self.offer(candidate);
        }
    }

    /// The completion replacing the text from `start` to the cursor.
    fn at(mut self, start: usize) -> Completion {
        self.found.sort();
        self.found.dedup();
        Completion::Words { start, candidates: self.found }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        let column = |table: &str, column: &str| (table.to_string(), column.to_string());
        Vocabulary {
            tables: vec!["accounts".into(), "audit".into(), "Mixed".into()],
            columns: vec![
                column("accounts", "id"),
                column("accounts", "balance"),
                column("audit", "id"),
                column("audit", "action"),
                column("Mixed", "big"),
            ],
            sessions: vec!["t1".into(), "t2".into(), "alice".into()],
        }
    }

    /// The candidates at the `|` in `text`, and the text they replace.
    fn complete_at(text: &str) -> (String, Vec<String>) {
        let pos = text.find('|').expect("a | marks the cursor");
        let line = text.replacen('|', "", 1);
        match complete(&line, pos, &vocabulary()) {
            Completion::Words { start, candidates } => (line[start..pos].to_string(), candidates),
            Completion::FileName => ("<file name>".to_string(), Vec::new()),
        }
    }

    fn candidates(text: &str) -> Vec<String> {
        complete_at(text).1
    }

    #[test]
    fn keywords_follow_the_case_of_the_prefix() {
        assert_eq!(complete_at("SEL|"), ("SEL".to_string(), vec!["SELECT".to_string()]));
        assert_eq!(candidates("sel|"), ["select"]);
        assert_eq!(candidates("Sel|"), ["SELECT"]);
        assert_eq!(candidates("SELECT * fr|"), ["from"]);
        assert_eq!(candidates("SELECT 1 ORD|"), ["ORDER BY"]);
        assert_eq!(candidates("select 1 ord|"), ["order by"]);
        assert_eq!(candidates("INSERT INTO accounts VAL|"), ["VALUES"]);
        assert_eq!(candidates("SELECT * FROM accounts FO|"), ["FOR SHARE", "FOR UPDATE"]);
        assert_eq!(candidates("BEGIN ISOLATION LEVEL SER|"), ["SERIALIZABLE"]);
        assert_eq!(candidates("BEGIN ISOLATION LEVEL REP|"), ["REPEATABLE READ"]);
        assert_eq!(candidates("coun|"), ["count"]);
    }

    #[test]
    fn the_word_is_the_one_before_the_cursor() {
        // The cursor inside a word completes the part before it.
        assert_eq!(complete_at("SEL|ECT"), ("SEL".to_string(), vec!["SELECT".to_string()]));
        assert_eq!(complete_at("SELECT 1; UPD| x"), ("UPD".to_string(), vec!["UPDATE".to_string()]));
        assert_eq!(complete_at("SELECT (coal|"), ("coal".to_string(), vec!["coalesce".to_string()]));
        assert_eq!(complete_at("SELECT 1\nFR|"), ("FR".to_string(), vec!["FROM".to_string()]));
    }

    #[test]
    fn empty_prefix_offers_everything_in_upper_case() {
        let all = candidates("SELECT |");
        for expected in ["SELECT", "ORDER BY", "accounts", "balance"] {
            assert!(all.contains(&expected.to_string()), "{expected}");
        }
        assert!(!all.contains(&"select".to_string()));
        assert!(all.windows(2).all(|pair| pair[0] < pair[1]), "sorted without duplicates");
    }

    #[test]
    fn tables_anywhere() {
        assert_eq!(candidates("SELECT * FROM acc|"), ["accounts"]);
        assert_eq!(candidates("SELECT * FROM ACC|"), ["accounts"]);
        assert_eq!(candidates("UPDATE au|"), ["audit"]);
        assert_eq!(candidates("SELECT * FROM mi|"), ["Mixed", "min"]);
    }

    /// The candidates at the `|` in `text` that are column names.
    fn columns(text: &str) -> Vec<String> {
        let names = ["action", "balance", "big", "id"];
        candidates(text).into_iter().filter(|c| names.contains(&c.as_str())).collect()
    }

    #[test]
    fn columns_of_the_tables_named_or_of_all() {
        // No table named: every table's columns, each once.
        assert_eq!(columns("SELECT |"), ["action", "balance", "big", "id"]);
        assert_eq!(candidates("SELECT bal|"), ["balance"]);
        // Tables named: only their columns.
        assert_eq!(columns("SELECT | FROM audit"), ["action", "id"]);
        assert_eq!(columns("SELECT | FROM accounts JOIN AUDIT ON"), ["action", "balance", "id"]);
        assert_eq!(columns("SELECT | FROM \"Mixed\""), ["big"]);
        // `mixed` is folded to lower case, which names no table.
        assert_eq!(columns("SELECT | FROM mixed"), ["action", "balance", "big", "id"]);
    }

    #[test]
    fn qualified_columns() {
        assert_eq!(complete_at("SELECT accounts.|"), (String::new(), vec!["balance".to_string(), "id".to_string()]));
        assert_eq!(candidates("SELECT audit.a|"), ["action"]);
        assert_eq!(candidates("SELECT ACCOUNTS.b|"), ["balance"]);
        assert_eq!(candidates("SELECT \"Mixed\".|"), ["big"]);
        // An alias is not a table: the columns of the tables named.
        assert_eq!(candidates("SELECT x.| FROM audit x"), ["action", "id"]);
    }

    #[test]
    fn nothing_inside_strings_quoted_identifiers_and_comments() {
        for text in ["SELECT 'SEL|", "SELECT 'a b|c'", "SELECT \"ac|", "SELECT 1 -- SEL|", "/* SEL|", "SELECT $$ SEL|"]
        {
            assert_eq!(candidates(text), Vec::<String>::new(), "{text}");
        }
        // After a closed string or comment, completion resumes.
        assert_eq!(candidates("SELECT 'a;b' FR|"), ["FROM"]);
        assert_eq!(candidates("SELECT /* x */ 1 FR|"), ["FROM"]);
    }

    #[test]
    fn session_labels_start_the_input() {
        assert_eq!(candidates("t|"), ["t1:", "t2:", "table", "text", "then", "to", "transaction", "true"]);
        assert_eq!(candidates("  al|"), ["alice:", "all"]);
        // Not after the first word, and not twice.
        assert!(!candidates("SELECT t|").contains(&"t1:".to_string()));
        assert!(!candidates("t1: t|").contains(&"t1:".to_string()));
        // After a label, SQL as at the start of the input.
        assert_eq!(candidates("t1: BEG|"), ["BEGIN"]);
        assert_eq!(candidates("t1:sel|"), ["select"]);
        assert_eq!(candidates("t1: SELECT * FROM acc|"), ["accounts"]);
    }

    #[test]
    fn meta_commands_at_the_start_and_after_backslash() {
        assert_eq!(candidates("\\se|"), ["\\session", "\\sessions"]);
        assert_eq!(candidates("  \\v|"), ["\\versions"]);
        assert_eq!(candidates(".sc|"), [".schema"]);
        assert_eq!(candidates(".|").len(), 9);
        assert_eq!(candidates("\\|").len(), 20);
        assert_eq!(candidates("t1: \\lo|"), ["\\locks"]);
        assert_eq!(candidates("t1: .ti|"), [".timer"]);
        // Offered with nothing typed at the start of the input, not later in SQL.
        assert!(candidates("|").contains(&"\\dt".to_string()));
        assert!(!candidates("SELECT |").contains(&"\\dt".to_string()));
        assert!(!candidates("SELECT 1 .|").contains(&".timer".to_string()));
    }

    #[test]
    fn meta_command_arguments() {
        assert_eq!(candidates("\\session |"), ["alice", "t1", "t2"]);
        assert_eq!(candidates("\\session t|"), ["t1", "t2"]);
        assert_eq!(
            candidates("\\session t1 |"),
            ["2pl", "rc", "read-committed", "serializable", "si", "snapshot", "ssi", "two-phase-locking"]
        );
        assert_eq!(candidates("\\session t1 s|"), ["serializable", "si", "snapshot", "ssi"]);
        assert_eq!(candidates("\\session t1 SER|"), ["serializable"]);
        assert_eq!(candidates("\\session t1 serializable |"), Vec::<String>::new());
        assert_eq!(candidates("\\cancel a|"), ["alice"]);
        assert_eq!(candidates("\\versions |"), ["Mixed", "accounts", "audit"]);
        assert_eq!(candidates("\\d a|"), ["accounts", "audit"]);
        assert_eq!(candidates(".schema acc|"), ["accounts"]);
        assert_eq!(candidates("\\mode |"), ["box", "csv", "json"]);
        assert_eq!(candidates(".mode j|"), ["json"]);
        assert_eq!(candidates("\\timing o|"), ["off", "on"]);
        assert_eq!(candidates("\\graph |"), ["dot"]);
        assert_eq!(candidates("\\locks |"), Vec::<String>::new());
        assert_eq!(complete_at("\\i set|").0, "<file name>");
        assert_eq!(complete_at(".read |").0, "<file name>");
    }

    #[test]
    fn setting_names_after_set_show_reset() {
        assert_eq!(candidates("SET lock|"), ["lock_timeout"]);
        assert_eq!(candidates("show transaction_i|"), ["transaction_isolation"]);
        assert!(!candidates("SELECT lock|").contains(&"lock_timeout".to_string()));
    }

    #[test]
    fn labels() {
        assert_eq!(label_end("t1: SELECT"), Some(3));
        assert_eq!(label_end("  a_b:x"), Some(6));
        assert_eq!(label_end("x::int"), None);
        assert_eq!(label_end("1x: SELECT"), None);
        assert_eq!(label_end("SELECT a:"), None);
        assert_eq!(label_end("t1"), None);
    }
}
