//! SQL text to isolde statements: parse with sqlparser's PostgreSQL dialect, then translate
//! (see `translate` for what is and is not supported).

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};

use super::ast::Statement;
use super::translate::translate;
use crate::error::{Error, Position, Result};

/// Parses `sql`, which may hold several statements separated by `;`. Empty input (or only
/// `;` and comments) gives no statements.
///
/// Syntax errors are [`Error::Syntax`] with the position sqlparser reports, when it reports
/// one; constructs isolde does not support are [`Error::FeatureNotSupported`].
pub fn parse(sql: &str) -> Result<Vec<Statement>> {
    let statements = Parser::parse_sql(&PostgreSqlDialect {}, sql).map_err(|e| parser_error(sql, e))?;
    statements.into_iter().map(translate).collect()
}

fn parser_error(sql: &str, error: ParserError) -> Error {
    match error {
        ParserError::TokenizerError(message) | ParserError::ParserError(message) => syntax_error(sql, &message),
        // sqlparser stops at 50 levels of nested parentheses or subqueries.
        ParserError::RecursionLimitExceeded => Error::FeatureNotSupported("nesting of more than 50 levels".into()),
    }
}

/// Turns sqlparser's message, `Expected: X, found: Y at Line: L, Column: C`, into
/// `expected X, found "Y"` with a [`Position`].
fn syntax_error(sql: &str, message: &str) -> Error {
    let (text, mut position) = match message.rsplit_once(" at Line: ") {
        Some((text, location)) => (text, location_of(sql, location)),
        None => (message, None),
    };
    let text = text.trim_end_matches('.');
    let message = match text.strip_prefix("Expected: ").and_then(|rest| rest.rsplit_once(", found: ")) {
        // At the end of the input sqlparser gives no location; PostgreSQL points just past
        // the last character.
        Some((expected, "EOF")) => {
            position = position.or_else(|| Some(end_of(sql)));
            format!("expected {expected}, found end of input")
        }
        Some((expected, "?")) => {
            format!("expected {expected}, found \"?\" (parameters are written $1, $2, ...)")
        }
        Some((expected, found)) => format!("expected {expected}, found \"{found}\""),
        None => lowercase_first(text),
    };
    Error::Syntax { message, position }
}

/// Reads `L, Column: C` and computes the character offset.
fn location_of(sql: &str, location: &str) -> Option<Position> {
    let (line, column) = location.split_once(", Column: ")?;
    let line: u64 = line.trim().parse().ok()?;
    let column: u64 = column.trim().parse().ok()?;
    // The offset is 1-based and counts characters: those of the lines before, each with
    // its '\n', then the column.
    let before: u64 =
        sql.split('\n').take(usize::try_from(line.saturating_sub(1)).ok()?).map(|l| l.chars().count() as u64 + 1).sum();
    Some(Position { line, column, offset: before + column })
}

/// The position just after the last character.
fn end_of(sql: &str) -> Position {
    let line = sql.matches('\n').count() as u64 + 1;
    let last_line = sql.rsplit('\n').next().unwrap_or_default();
    Position { line, column: last_line.chars().count() as u64 + 1, offset: sql.chars().count() as u64 + 1 }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(sql: &str) -> (String, Option<Position>) {
        match parse(sql) {
            Err(Error::Syntax { message, position }) => (message, position),
            other => panic!("expected a syntax error for {sql:?}, got {other:?}"),
        }
    }

    fn pos(line: u64, column: u64, offset: u64) -> Option<Position> {
        Some(Position { line, column, offset })
    }

    #[test]
    fn empty_input_gives_no_statements() {
        for sql in ["", "   ", ";", ";;", "-- just a comment", "/* c */ ;\n"] {
            assert_eq!(parse(sql).unwrap(), vec![], "{sql:?}");
        }
    }

    #[test]
    fn batch_gives_one_statement_each() {
        let statements = parse("BEGIN; UPDATE t SET v = 1 WHERE id = 1; COMMIT;").unwrap();
        assert_eq!(statements.len(), 3);
        assert!(matches!(statements[0], Statement::Begin(_)));
        assert!(matches!(statements[1], Statement::Update(_)));
        assert_eq!(statements[2], Statement::Commit);
    }

    #[test]
    fn syntax_error_has_position_and_sqlstate() {
        let err = parse("SELECT * FROM t WHERE").unwrap_err();
        assert_eq!(err.sqlstate(), "42601");
        // `SELECT * FORM t`: sqlparser takes FORM as an alias of `*` (PostgreSQL dialect
        // allows aliases there) and stops at `t`.
        let (message, position) = syntax("SELECT * FORM t");
        assert_eq!(message, "expected end of statement, found \"t\"");
        assert_eq!(position, pos(1, 15, 15));
        let (message, position) = syntax("SELECT a b c FROM t");
        assert_eq!(message, "expected end of statement, found \"c\"");
        assert_eq!(position, pos(1, 12, 12));
    }

    #[test]
    fn syntax_error_position_on_later_line() {
        let (_, position) = syntax("SELECT\n  a,\n  b\nFRM t");
        assert_eq!(position, pos(4, 5, 21));
        // Columns and offsets count characters, not bytes.
        let (_, position) = syntax("SELECT 'é€',\n 'ü' 'x' y");
        assert_eq!(position, pos(2, 6, 19));
        // A '\r' is an ordinary character on its line.
        let (_, position) = syntax("SELECT 1\r\nFROM t u v");
        assert_eq!(position, pos(2, 10, 20));
    }

    #[test]
    fn syntax_error_at_end_of_input() {
        let (message, position) = syntax("SELECT 1 +");
        assert_eq!(message, "expected an expression, found end of input");
        assert_eq!(position, pos(1, 11, 11));
        let (_, position) = syntax("SELECT\n1 +\n");
        assert_eq!(position, pos(3, 1, 12));
    }

    #[test]
    fn tokenizer_errors() {
        let (message, position) = syntax("SELECT 'abc");
        assert_eq!(message, "unterminated string literal");
        assert_eq!(position, pos(1, 8, 8));
        let (_, position) = syntax("SELECT \"abc");
        assert_eq!(position, pos(1, 8, 8));
    }

    #[test]
    fn question_mark_placeholder_is_a_syntax_error_with_a_hint() {
        // sqlparser's PostgreSQL dialect does not take `?` as a placeholder.
        let (message, position) = syntax("SELECT * FROM t WHERE a = ?");
        assert!(message.contains("$1"), "{message}");
        assert_eq!(position, pos(1, 27, 27));
    }

    #[test]
    fn deep_parentheses_fail_cleanly() {
        let sql = format!("SELECT {}1{}", "(".repeat(200), ")".repeat(200));
        assert_eq!(parse(&sql).unwrap_err().sqlstate(), "0A000");
    }

    #[test]
    fn location_offsets() {
        assert_eq!(location_of("abc", "1, Column: 2"), pos(1, 2, 2));
        assert_eq!(location_of("ab\ncd", "2, Column: 1"), pos(2, 1, 4));
        assert_eq!(location_of("x", "nonsense"), None);
        assert_eq!(end_of(""), Position { line: 1, column: 1, offset: 1 });
    }
}
