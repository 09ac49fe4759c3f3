//! Coloring SQL input with ANSI escape sequences: keywords bold, strings green, comments dim.
//!
//! The coloring follows the [tokens](crate::lexer::tokenize), so a keyword inside a string, a quoted
//! identifier or a comment is not bold. Escape sequences take no room on the screen, so the
//! colored text has the display width of the input, as rustyline requires.

use std::borrow::Cow;

use super::words::is_sql_keyword;
use crate::lexer::{tokenize, TokenKind};

const BOLD: &str = "\x1b[1m";
const GREEN: &str = "\x1b[32m";
pub const DIM: &str = "\x1b[2m";
pub const RESET: &str = "\x1b[0m";

/// `sql` with its keywords, strings and comments colored; borrowed when nothing is.
pub fn highlight_sql(sql: &str) -> Cow<'_, str> {
    let mut colored = String::new();
    let mut copied_to = 0;
    for token in tokenize(sql) {
        let text = &sql[token.range.clone()];
        let color = match token.kind {
            TokenKind::Word if is_sql_keyword(text) => BOLD,
            TokenKind::String => GREEN,
            TokenKind::Comment => DIM,
            _ => continue,
        };
        colored.push_str(&sql[copied_to..token.range.start]);
        colored.push_str(color);
        colored.push_str(text);
        colored.push_str(RESET);
        copied_to = token.range.end;
    }
    if colored.is_empty() {
        return Cow::Borrowed(sql);
    }
    colored.push_str(&sql[copied_to..]);
    Cow::Owned(colored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_strings_and_comments_are_colored() {
        assert_eq!(
            highlight_sql("select 'a' -- note\nFROM t"),
            "\x1b[1mselect\x1b[0m \x1b[32m'a'\x1b[0m \x1b[2m-- note\x1b[0m\n\x1b[1mFROM\x1b[0m t"
        );
        assert_eq!(highlight_sql("/* c */ $$x$$"), "\x1b[2m/* c */\x1b[0m \x1b[32m$$x$$\x1b[0m");
    }

    #[test]
    fn keywords_inside_strings_identifiers_and_comments_are_not_bold() {
        assert_eq!(highlight_sql("x 'SELECT FROM'"), "x \x1b[32m'SELECT FROM'\x1b[0m");
        assert_eq!(highlight_sql("x \"select\""), "x \"select\"");
        assert_eq!(highlight_sql("x /* select */"), "x \x1b[2m/* select */\x1b[0m");
        // An unfinished string runs to the end of the input.
        assert_eq!(highlight_sql("x 'open select"), "x \x1b[32m'open select\x1b[0m");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(highlight_sql("accounts, balance + 1"), Cow::Borrowed(_)));
        assert!(matches!(highlight_sql(""), Cow::Borrowed(_)));
    }
}
