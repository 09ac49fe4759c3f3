//! Errors and notices in psql's words (`box` and `csv` modes).
//!
//! An error is printed the way psql prints it with `\set VERBOSITY verbose`, minus the
//! `LOCATION` line (there is no C source position to show):
//!
//! ```text
//! isolde:setup.sql:3: ERROR:  42601: syntax error: Expected: end of statement, found: FRO
//! LINE 1: SELECT * FRO t
//!                  ^
//! DETAIL:  ...
//! HINT:  ...
//! ```
//!
//! The `isolde:FILE:LINE: ` prefix appears only for statements read from a file or from piped
//! stdin (psql writes `psql:FILE:LINE: `); LINE is where the statement starts. The `LINE n:`
//! excerpt and caret appear when the error has a position; a long line is cut around the
//! position with `...` exactly as libpq does (60 columns, at least 10 kept right of the caret).

use isolde::{Error, Notice};

use super::Context;

/// Width of the statement excerpt under an error, as in libpq.
const DISPLAY_SIZE: usize = 60;
/// How much of the line to keep right of the caret when the excerpt is cut, as in libpq.
const MIN_RIGHT_CUT: usize = 10;

/// The text of an error, ending in a newline.
pub fn error(context: &Context, error: &Error) -> String {
    let mut out = format!("{}ERROR:  {}: {}\n", prefix(context), error.sqlstate(), error);
    if let Some(position) = error.position() {
        out.push_str(&excerpt(context.sql, position.offset));
    }
    if let Some(detail) = error.detail() {
        out.push_str(&format!("DETAIL:  {detail}\n"));
    }
    if let Some(hint) = error.hint() {
        out.push_str(&format!("HINT:  {hint}\n"));
    }
    out
}

/// The text of a notice or warning, ending in a newline.
pub fn notice(context: &Context, notice: &Notice) -> String {
    let Notice { severity, sqlstate, message } = notice;
    format!("{}{severity}:  {sqlstate}: {message}\n", prefix(context))
}

/// `isolde:FILE:LINE: ` for a script, then the session label when there are several.
fn prefix(context: &Context) -> String {
    let origin = context.origin.map(|o| format!("isolde:{}:{}: ", o.source, o.line)).unwrap_or_default();
    origin + &context.label()
}

/// libpq's `LINE n: ...` line and the caret line under the character at `offset` (1-based,
/// in characters), or nothing when the offset lies outside `sql`. Every character counts as
/// one column; tabs are shown as spaces so that the caret stays aligned.
fn excerpt(sql: &str, offset: u64) -> String {
    let Some(loc) = usize::try_from(offset).ok().and_then(|o| o.checked_sub(1)) else { return String::new() };
    let chars: Vec<char> = sql.chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
    if loc > chars.len() {
        return String::new();
    }
    // The line holding `loc`: its number and its character range [begin, end). A "\r\n" pair
    // is one line break; a lone "\r" or "\n" is one too.
    let mut line = 1;
    let mut begin = 0;
    let mut end = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        if c == '\r' || c == '\n' {
            if i >= loc {
                end = i;
                break;
            }
            if c == '\r' || i == 0 || chars[i - 1] != '\r' {
                line += 1;
            }
            begin = i + 1;
        }
    }
    let (mut cut_begin, mut cut_end) = (false, false);
    if end - begin > DISPLAY_SIZE {
        if begin + DISPLAY_SIZE >= loc + MIN_RIGHT_CUT {
            end = begin + DISPLAY_SIZE;
            cut_end = true;
        } else {
            if loc + MIN_RIGHT_CUT < end {
                end = loc + MIN_RIGHT_CUT;
                cut_end = true;
            }
            if end - begin > DISPLAY_SIZE {
                begin = end - DISPLAY_SIZE;
                cut_begin = true;
            }
        }
    }
    let label = format!("LINE {line}: {}", if cut_begin { "..." } else { "" });
    let text: String = chars[begin..end].iter().collect();
    let caret_column = label.chars().count() + loc - begin;
    format!("{label}{text}{}\n{:caret_column$}^\n", if cut_end { "..." } else { "" }, "")
}

#[cfg(test)]
mod tests {
    use isolde::error::Position;

    use super::super::Origin;
    use super::*;

    fn context(sql: &str) -> Context<'_> {
        Context::new("main", sql)
    }

    fn warning(sqlstate: &'static str, message: &str) -> Notice {
        Notice { severity: "WARNING", sqlstate, message: message.into() }
    }

    fn syntax_error(message: &str, offset: u64) -> Error {
        Error::Syntax { message: message.into(), position: Some(Position { line: 1, column: offset, offset }) }
    }

    #[test]
    fn error_with_detail() {
        let e = Error::UniqueViolation { constraint: "t_pkey".into(), key: "(id)=(1)".into() };
        assert_eq!(
            error(&context("INSERT INTO t VALUES (1)"), &e),
            "ERROR:  23505: duplicate key value violates unique constraint \"t_pkey\"\n\
             DETAIL:  Key (id)=(1) already exists.\n"
        );
    }

    #[test]
    fn error_with_hint() {
        let e = Error::SerializationFailure(Box::new(isolde::error::Conflict {
            victim: isolde::TxnId(7),
            rule: isolde::error::ConflictRule::ConcurrentUpdate,
            edges: vec![],
        }));
        let text = error(&context("UPDATE t SET v = 1"), &e);
        assert_eq!(
            text,
            "ERROR:  40001: could not serialize access due to concurrent update\n\
             DETAIL:  T7 aborted by rule: first updater wins\n\
             HINT:  The transaction might succeed if retried.\n"
        );
    }

    #[test]
    fn error_prefixed_with_origin() {
        let origin = Some(Origin { source: "setup.sql", line: 12 });
        let e = Error::UndefinedTable("t".into());
        let s = Context { origin, ..Context::new("main", "SELECT * FROM t") };
        assert_eq!(error(&s, &e), "isolde:setup.sql:12: ERROR:  42P01: relation \"t\" does not exist\n");
    }

    #[test]
    fn syntax_error_shows_line_and_caret() {
        let sql = "SELECT * FRO t";
        let text = error(&context(sql), &syntax_error("unexpected FRO", 10));
        assert_eq!(text, "ERROR:  42601: syntax error: unexpected FRO\nLINE 1: SELECT * FRO t\n                 ^\n");
    }

    #[test]
    fn syntax_error_on_a_later_line() {
        let sql = "SELECT a,\n\tb\nFROM t WHERE";
        // Offset 26 is just past the end of the text, where the statement stopped.
        assert_eq!(excerpt(sql, 26), "LINE 3: FROM t WHERE\n                    ^\n");
        // The tab is shown as a space.
        assert_eq!(excerpt(sql, 12), "LINE 2:  b\n         ^\n");
        // On the line break itself: the excerpt is the line it ends.
        assert_eq!(excerpt(sql, 10), "LINE 1: SELECT a,\n                 ^\n");
    }

    #[test]
    fn crlf_is_one_line_break() {
        assert_eq!(excerpt("SELECT\r\n1 +\r\nx", 14), "LINE 3: x\n        ^\n");
    }

    #[test]
    fn excerpt_counts_characters_not_bytes() {
        assert_eq!(excerpt("SELECT 'é' FRO", 12), "LINE 1: SELECT 'é' FRO\n                   ^\n");
    }

    #[test]
    fn offset_outside_the_text_shows_no_excerpt() {
        assert_eq!(excerpt("SELECT", 0), "");
        assert_eq!(excerpt("SELECT", 8), "");
        assert_eq!(excerpt("SELECT", 7), "LINE 1: SELECT\n              ^\n");
    }

    #[test]
    fn long_line_cut_at_the_end() {
        let sql = format!("SELECT {} FRO t", "x, ".repeat(30));
        let text = excerpt(&sql, 8);
        let (line, caret) = text.split_once('\n').unwrap();
        assert_eq!(line, format!("LINE 1: {}...", &sql[..60]));
        assert_eq!(caret, format!("{}^\n", " ".repeat(15)));
    }

    #[test]
    fn long_line_cut_at_both_ends() {
        let sql = format!("SELECT {}1 FRO t, {}", "x, ".repeat(40), "y, ".repeat(40));
        let loc = sql.find("FRO").unwrap();
        let text = excerpt(&sql, loc as u64 + 1);
        let (line, caret) = text.split_once('\n').unwrap();
        // 60 characters ending 10 right of the caret, with "..." on each side.
        assert_eq!(line, format!("LINE 1: ...{}...", &sql[loc + 10 - 60..loc + 10]));
        assert_eq!(caret, format!("{}^\n", " ".repeat("LINE 1: ...".len() + 50)));
    }

    #[test]
    fn long_line_cut_only_at_the_start_when_the_error_is_near_the_end() {
        let sql = format!("SELECT {} FRO", "x, ".repeat(30));
        let loc = sql.find("FRO").unwrap();
        let text = excerpt(&sql, loc as u64 + 1);
        let (line, _) = text.split_once('\n').unwrap();
        assert_eq!(line, format!("LINE 1: ...{}", &sql[sql.len() - 60..]));
    }

    #[test]
    fn notice_text() {
        assert_eq!(
            notice(&context("BEGIN"), &warning("25001", "there is already a transaction in progress")),
            "WARNING:  25001: there is already a transaction in progress\n"
        );
        let s = Context { origin: Some(Origin { source: "<stdin>", line: 3 }), ..Context::new("main", "COMMIT") };
        assert_eq!(
            notice(&s, &warning("25P01", "there is no transaction in progress")),
            "isolde:<stdin>:3: WARNING:  25P01: there is no transaction in progress\n"
        );
    }
}
