//! SQL text as tokens, split into statements; whether typed input is complete.
//!
//! The shell never parses SQL (the engine does). It needs two things from the text: the `;`
//! that end statements (to run scripts and to know when typed input is complete), and the
//! tokens themselves (for highlighting and completion, in `editor`). Both come from one
//! tokenizer, [`tokenize`], so that they agree on where strings and comments are. A `;` ends
//! a statement unless it is inside one of the tokens of PostgreSQL's lexical syntax that may
//! contain arbitrary text:
//!
//! | token                  | example                     | ends at                          |
//! |------------------------|-----------------------------|----------------------------------|
//! | string constant        | `'it''s'`                   | the next lone `'`                |
//! | escape string constant | `E'it\'s'`                  | the next `'` not escaped by `\`  |
//! | quoted identifier      | `"a;b"`, `"say ""hi"""`     | the next lone `"`                |
//! | line comment           | `-- note;`                  | the end of the line              |
//! | block comment          | `/* a /* nested */ b */`    | the matching `*/` (they nest)    |
//! | dollar-quoted string   | `$$a;b$$`, `$fn$ ... $fn$`  | the same `$tag$` again           |
//!
//! `$1` is a parameter, not a dollar quote (a tag cannot start with a digit), and a `$` that
//! continues an identifier (`a$b$`) starts nothing. Parentheses are not counted: a `;` inside
//! unbalanced parentheses still ends the statement (as in sqlite3, unlike psql, which waits for
//! the closing parenthesis); the engine then reports the syntax error, which is easier to
//! understand at a prompt than input that silently never ends.
//!
//! The tokenizer works on bytes: every character that matters is ASCII, and in UTF-8 no byte of
//! a multi-byte character is ASCII, so non-ASCII text passes through untouched. A token that the
//! text ends inside of (an unterminated string, say) runs to the end of the text and is marked
//! unterminated: the user is still typing it, or the script is broken.

use std::ops::Range;

/// One statement found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementText {
    /// The statement without the whitespace and comments before it, the trailing whitespace,
    /// and the terminating `;`. Comments inside (or at the end of) the statement are kept.
    pub text: String,
    /// The 1-based line of the input on which the statement starts.
    pub line: usize,
}

/// Splits `text` into its statements, in order.
///
/// Empty statements (only whitespace and comments, as in `;;`) are skipped. A final statement
/// without a terminating `;` is included, even if it ends inside an unterminated string or
/// comment: in a script, the end of the input ends the last statement, and the engine reports
/// what is wrong with it.
pub fn split_statements(text: &str) -> Vec<StatementText> {
    let scan = scan(text);
    let mut statements = Vec::with_capacity(scan.pieces.len());
    let mut line = 1;
    let mut counted_to = 0;
    for piece in scan.pieces {
        let Some(start) = piece.first_token else { continue };
        line += count_newlines(&text.as_bytes()[counted_to..start]);
        counted_to = start;
        statements.push(StatementText { text: text[start..piece.end].trim_end().to_string(), line });
    }
    statements
}

/// Whether `text` can be run as it is: it holds only whitespace and comments, or its last
/// statement is terminated by a `;`. Text that ends inside a string, quoted identifier, block
/// comment or dollar quote is incomplete, and so is a statement still missing its `;`.
pub fn is_complete(text: &str) -> bool {
    let scan = scan(text);
    !scan.unterminated && scan.pieces.last().is_none_or(|last| last.first_token.is_none())
}

/// A stretch of the input up to a terminating `;` (or the end of the input).
struct Piece {
    /// Byte offset of the first byte that is neither whitespace nor part of a comment.
    first_token: Option<usize>,
    /// Byte offset of the terminating `;`, or the length of the input.
    end: usize,
}

struct Scan {
    /// At least one piece; the last one is the text after the last `;`.
    pieces: Vec<Piece>,
    /// The input ends inside a string, quoted identifier, block comment or dollar quote.
    unterminated: bool,
}

fn scan(text: &str) -> Scan {
    let mut pieces = Vec::new();
    let mut first_token = None;
    let tokens = tokenize(text);
    for token in &tokens {
        match token.kind {
            TokenKind::Symbol if text.as_bytes()[token.range.start] == b';' => {
                pieces.push(Piece { first_token: first_token.take(), end: token.range.start });
            }
            // Comments belong to no statement, unless the text ends inside one.
            TokenKind::Comment if token.terminated => {}
            _ => {
                first_token.get_or_insert(token.range.start);
            }
        }
    }
    pieces.push(Piece { first_token, end: text.len() });
    Scan { pieces, unterminated: tokens.last().is_some_and(|t| !t.terminated) }
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A keyword, identifier or number (or a piece of one: `1.5` is `1`, `.`, `5`).
    Word,
    /// A string constant: `'...'`, `E'...'` or `$tag$...$tag$`.
    String,
    /// `"..."`.
    QuotedIdentifier,
    /// `-- ...` (up to the end of the line) or `/* ... */`.
    Comment,
    /// Any other single character: punctuation, an operator, the `$` of a parameter `$1`.
    Symbol,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    /// Where the token is in the text, in bytes.
    pub range: Range<usize>,
    /// False when the text ends inside the token (a string, quoted identifier, block comment
    /// or dollar quote still open).
    pub terminated: bool,
}

/// The tokens of `text`, in order; whitespace is not a token.
pub fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        let (kind, end) = match b {
            _ if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if next == Some(b'-') => {
                (TokenKind::Comment, Some(bytes[i..].iter().position(|&c| c == b'\n').map_or(bytes.len(), |n| i + n)))
            }
            b'/' if next == Some(b'*') => (TokenKind::Comment, block_comment_end(bytes, i)),
            b'\'' => (TokenKind::String, quoted_end(bytes, i, b'\'', false)),
            b'e' | b'E' if next == Some(b'\'') => (TokenKind::String, quoted_end(bytes, i + 1, b'\'', true)),
            b'"' => (TokenKind::QuotedIdentifier, quoted_end(bytes, i, b'"', false)),
            b'$' => match dollar_tag_len(bytes, i) {
                Some(tag_len) => (TokenKind::String, dollar_quote_end(bytes, i, tag_len)),
                None => (TokenKind::Symbol, Some(i + 1)),
            },
            // `$` may continue a word (`a$b`) but not start one.
            _ if is_word_byte(b) => (
                TokenKind::Word,
                Some(bytes[i..].iter().position(|&c| !is_word_byte(c)).map_or(bytes.len(), |n| i + n)),
            ),
            _ => (TokenKind::Symbol, Some(i + 1)),
        };
        let terminated = end.is_some();
        let end = end.unwrap_or(bytes.len());
        tokens.push(Token { kind, range: i..end, terminated });
        i = end;
    }
    tokens
}

/// Whether `b` can be part of an identifier, keyword or number (ASCII letters, digits, `_`, `$`,
/// and any byte of a non-ASCII character, as in PostgreSQL).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || !b.is_ascii()
}

/// The end (exclusive) of the token opening with `quote` at `start`, if the text has it; a
/// doubled quote is a quote inside the token, and with `backslash_escapes` so is `\'`.
fn quoted_end(bytes: &[u8], start: usize, quote: u8, backslash_escapes: bool) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        let b = bytes[i];
        let escaped = backslash_escapes && b == b'\\';
        let doubled_quote = b == quote && bytes.get(i + 1) == Some(&quote);
        if escaped || doubled_quote {
            i += 2;
        } else if b == quote {
            return Some(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// The end (exclusive) of the block comment opening at `start`, counting nested comments, if
/// the text has it.
fn block_comment_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// If a dollar-quote delimiter `$tag$` starts at `start`, its length in bytes: the tag is empty
/// or an identifier not starting with a digit (`$1` is a parameter).
fn dollar_tag_len(bytes: &[u8], start: usize) -> Option<usize> {
    let tag = &bytes[start + 1..];
    let tag_end = tag.iter().position(|&b| !(is_word_byte(b) && b != b'$')).unwrap_or(tag.len());
    let starts_well = tag.first().is_some_and(|b| !b.is_ascii_digit());
    (starts_well && tag.get(tag_end) == Some(&b'$')).then_some(tag_end + 2)
}

/// The end (exclusive) of the dollar-quoted string whose opening delimiter is the `tag_len`
/// bytes at `start`, if the text has it.
fn dollar_quote_end(bytes: &[u8], start: usize, tag_len: usize) -> Option<usize> {
    let delimiter = &bytes[start..start + tag_len];
    let body = start + tag_len;
    bytes[body..].windows(tag_len).position(|w| w == delimiter).map(|n| body + n + tag_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<String> {
        split_statements(sql).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn splits_on_semicolons_and_trims() {
        assert_eq!(texts("SELECT 1; SELECT 2;"), ["SELECT 1", "SELECT 2"]);
        assert_eq!(texts("  SELECT 1  ;\n\n  SELECT 2\n;  "), ["SELECT 1", "SELECT 2"]);
    }

    #[test]
    fn final_statement_without_semicolon_counts() {
        assert_eq!(texts("SELECT 1; SELECT 2"), ["SELECT 1", "SELECT 2"]);
        assert_eq!(texts("SELECT 1\n"), ["SELECT 1"]);
    }

    #[test]
    fn empty_statements_are_skipped() {
        assert!(texts("").is_empty());
        assert!(texts("  \n\t ").is_empty());
        assert_eq!(texts(";; SELECT 1;;; ;"), ["SELECT 1"]);
        assert!(texts("-- only a comment\n/* and another */;").is_empty());
    }

    #[test]
    fn semicolon_in_string_does_not_split() {
        assert_eq!(texts("INSERT INTO t VALUES ('a;b'); SELECT 1"), ["INSERT INTO t VALUES ('a;b')", "SELECT 1"]);
        assert_eq!(texts("SELECT 'it''s; fine';"), ["SELECT 'it''s; fine'"]);
        assert_eq!(texts("SELECT '';SELECT ''''"), ["SELECT ''", "SELECT ''''"]);
        assert_eq!(texts("SELECT 'multi\nline;';"), ["SELECT 'multi\nline;'"]);
    }

    #[test]
    fn backslash_is_literal_in_standard_strings() {
        // With standard_conforming_strings (PostgreSQL's default) '\' is a one-character string.
        assert_eq!(texts(r"SELECT '\'; SELECT 2"), [r"SELECT '\'", "SELECT 2"]);
    }

    #[test]
    fn escape_strings_honour_backslash_quote() {
        assert_eq!(texts(r"SELECT E'it\'s; ok'; SELECT 2"), [r"SELECT E'it\'s; ok'", "SELECT 2"]);
        assert_eq!(texts(r"SELECT e'\\'; SELECT 2"), [r"SELECT e'\\'", "SELECT 2"]);
        // `E` at the end of a word is not an escape-string prefix.
        assert_eq!(texts(r"SELECT 'a' AS name'\'; SELECT 2"), [r"SELECT 'a' AS name'\'", "SELECT 2"]);
        assert!(!is_complete(r"SELECT E'\';"));
    }

    #[test]
    fn semicolon_in_quoted_identifier_does_not_split() {
        assert_eq!(texts(r#"SELECT 1 AS "a;b"; SELECT 2"#), [r#"SELECT 1 AS "a;b""#, "SELECT 2"]);
        assert_eq!(texts(r#"SELECT 1 AS "say ""hi;"""; SELECT 2"#), [r#"SELECT 1 AS "say ""hi;""""#, "SELECT 2"]);
    }

    #[test]
    fn semicolon_in_line_comment_does_not_split() {
        assert_eq!(texts("SELECT 1 -- no; split\n, 2; SELECT 3"), ["SELECT 1 -- no; split\n, 2", "SELECT 3"]);
        // A comment running to the end of the input is complete.
        assert_eq!(texts("SELECT 1; -- trailing; comment"), ["SELECT 1"]);
        assert!(is_complete("SELECT 1; -- trailing; comment"));
    }

    #[test]
    fn single_dash_is_not_a_comment() {
        assert_eq!(texts("SELECT 2 - 1; SELECT -1;"), ["SELECT 2 - 1", "SELECT -1"]);
    }

    #[test]
    fn semicolon_in_block_comment_does_not_split() {
        assert_eq!(texts("SELECT /* a; b */ 1; SELECT 2"), ["SELECT /* a; b */ 1", "SELECT 2"]);
        assert_eq!(texts("SELECT /* a /* nested; */ still; */ 1;"), ["SELECT /* a /* nested; */ still; */ 1"]);
        assert!(!is_complete("SELECT /* a /* nested */ still open; 1;"));
        assert_eq!(texts("SELECT 1 /**/; SELECT 2"), ["SELECT 1 /**/", "SELECT 2"]);
    }

    #[test]
    fn block_comment_delimiters_do_not_overlap() {
        // `/*/` opens a comment and does not close it.
        assert!(!is_complete("/*/ SELECT 1;"));
        assert!(is_complete("/*/ SELECT 1; */"));
    }

    #[test]
    fn semicolon_in_dollar_quote_does_not_split() {
        assert_eq!(texts("SELECT $$a;b$$; SELECT 2"), ["SELECT $$a;b$$", "SELECT 2"]);
        assert_eq!(texts("SELECT $fn$ a; $$ b; $fn$;"), ["SELECT $fn$ a; $$ b; $fn$"]);
        assert_eq!(texts("SELECT $a$ $b$; $a$; SELECT 2"), ["SELECT $a$ $b$; $a$", "SELECT 2"]);
        assert_eq!(texts("SELECT $_x1$ ; $_x1$;"), ["SELECT $_x1$ ; $_x1$"]);
        assert!(!is_complete("SELECT $tag$ ; $TAG$;"));
        assert!(!is_complete("SELECT $$ ;"));
    }

    #[test]
    fn dollar_parameters_are_not_quotes() {
        assert_eq!(texts("SELECT $1; SELECT $2$3;"), ["SELECT $1", "SELECT $2$3"]);
        assert!(is_complete("UPDATE t SET v = $1 WHERE id = $2;"));
    }

    #[test]
    fn dollar_inside_identifier_is_not_a_quote() {
        assert_eq!(texts("SELECT a$b$c; SELECT 2"), ["SELECT a$b$c", "SELECT 2"]);
        assert_eq!(texts("SELECT x$$; SELECT 2"), ["SELECT x$$", "SELECT 2"]);
    }

    #[test]
    fn quotes_inside_comments_and_comments_inside_quotes_are_inert() {
        assert_eq!(texts("SELECT 1 -- don't\n; SELECT 2"), ["SELECT 1 -- don't", "SELECT 2"]);
        assert_eq!(texts("SELECT /* \" $$ ' */ 1; SELECT 2"), ["SELECT /* \" $$ ' */ 1", "SELECT 2"]);
        assert_eq!(texts("SELECT '-- no /* comment;'; SELECT 2"), ["SELECT '-- no /* comment;'", "SELECT 2"]);
        assert_eq!(texts("SELECT $$ ' \" $$; SELECT 2"), ["SELECT $$ ' \" $$", "SELECT 2"]);
    }

    #[test]
    fn leading_comments_are_dropped_inner_and_trailing_kept() {
        assert_eq!(texts("-- set up\n/* the table */ CREATE TABLE t (id INT);"), ["CREATE TABLE t (id INT)"]);
        assert_eq!(texts("SELECT 1 -- one\n;"), ["SELECT 1 -- one"]);
    }

    #[test]
    fn lines_are_where_statements_start() {
        let statements = split_statements("-- header\n\nSELECT 1;\nSELECT\n2; SELECT 'a\nb';\n\n  SELECT 4");
        let lines: Vec<usize> = statements.iter().map(|s| s.line).collect();
        assert_eq!(lines, [3, 4, 5, 8]);
        assert_eq!(split_statements("SELECT 1")[0].line, 1);
    }

    #[test]
    fn unterminated_final_statement_is_still_returned() {
        assert_eq!(texts("SELECT 1; SELECT 'oops;"), ["SELECT 1", "SELECT 'oops;"]);
        // Even an unterminated comment is sent, so that the user hears about it (as psql does).
        assert_eq!(texts("SELECT 1; /* never closed;"), ["SELECT 1", "/* never closed;"]);
        assert_eq!(texts("SELECT 1 /* never closed;"), ["SELECT 1 /* never closed;"]);
    }

    #[test]
    fn non_ascii_text_passes_through() {
        assert_eq!(
            texts("SELECT 'héllo; wörld', \"ñ;\"; SELECT '日本'"),
            ["SELECT 'héllo; wörld', \"ñ;\"", "SELECT '日本'"]
        );
        assert_eq!(texts("SELECT é$$; SELECT 2"), ["SELECT é$$", "SELECT 2"]);
    }

    #[test]
    fn complete_when_empty_or_only_comments() {
        assert!(is_complete(""));
        assert!(is_complete("   \n"));
        assert!(is_complete("-- a comment"));
        assert!(is_complete("/* a comment */"));
        assert!(is_complete(";"));
    }

    #[test]
    fn complete_when_last_statement_is_terminated() {
        assert!(is_complete("SELECT 1;"));
        assert!(is_complete("SELECT 1;\n"));
        assert!(is_complete("SELECT\n1\n;"));
        assert!(is_complete("SELECT 1; SELECT 2; -- done"));
        assert!(is_complete("SELECT 'a;b';"));
    }

    #[test]
    fn incomplete_without_terminator() {
        assert!(!is_complete("SELECT 1"));
        assert!(!is_complete("SELECT 1; SELECT 2"));
        assert!(!is_complete("SELECT 1 -- ;"));
    }

    #[test]
    fn incomplete_inside_open_tokens() {
        assert!(!is_complete("SELECT 'unterminated;"));
        assert!(!is_complete("SELECT 'it'';"));
        assert!(!is_complete("SELECT \"open;"));
        assert!(!is_complete("SELECT /* open;"));
        assert!(!is_complete("/* open"));
        assert!(!is_complete("SELECT $$ open;"));
        assert!(!is_complete("SELECT $t$ open; $t;"));
    }

    /// The tokenizer alone.
    mod tokenizer {
        use super::super::*;
        use TokenKind::*;

        /// Each token as its kind and text.
        fn tokens(text: &str) -> Vec<(TokenKind, &str)> {
            tokenize(text).into_iter().map(|t| (t.kind, &text[t.range])).collect()
        }

        #[test]
        fn words_symbols_and_whitespace() {
            assert_eq!(
                tokens("SELECT a$b, 1.5\n FROM t;"),
                vec![
                    (Word, "SELECT"),
                    (Word, "a$b"),
                    (Symbol, ","),
                    (Word, "1"),
                    (Symbol, "."),
                    (Word, "5"),
                    (Word, "FROM"),
                    (Word, "t"),
                    (Symbol, ";"),
                ]
            );
            assert_eq!(tokens("x::int"), [(Word, "x"), (Symbol, ":"), (Symbol, ":"), (Word, "int")]);
            assert!(tokens("  \n ").is_empty());
        }

        #[test]
        fn strings() {
            assert_eq!(tokens("'it''s; ok' x"), [(String, "'it''s; ok'"), (Word, "x")]);
            assert_eq!(tokens(r"E'it\'s' e'\\' x"), [(String, r"E'it\'s'"), (String, r"e'\\'"), (Word, "x")]);
            // `E` at the end of a word is not an escape-string prefix.
            assert_eq!(tokens(r"name'\' x"), [(Word, "name"), (String, r"'\'"), (Word, "x")]);
            assert_eq!(tokens("'open; select"), [(String, "'open; select")]);
        }

        #[test]
        fn dollar_quotes_and_parameters() {
            assert_eq!(tokens("$$a 'b'$$ $fn$ $$ $fn$"), [(String, "$$a 'b'$$"), (String, "$fn$ $$ $fn$")]);
            assert_eq!(tokens("$1 + x$$"), [(Symbol, "$"), (Word, "1"), (Symbol, "+"), (Word, "x$$")]);
            assert_eq!(tokens("$t$ open"), [(String, "$t$ open")]);
        }

        #[test]
        fn quoted_identifiers() {
            assert_eq!(tokens(r#""say ""hi""" x"#), [(QuotedIdentifier, r#""say ""hi""""#), (Word, "x")]);
            assert_eq!(tokens(r#""open"#), [(QuotedIdentifier, r#""open"#)]);
        }

        #[test]
        fn comments() {
            assert_eq!(tokens("a -- b 'c'\nd"), [(Word, "a"), (Comment, "-- b 'c'"), (Word, "d")]);
            assert_eq!(tokens("a /* b /* c */ d */ e"), [(Word, "a"), (Comment, "/* b /* c */ d */"), (Word, "e")]);
            assert_eq!(tokens("a /* open"), [(Word, "a"), (Comment, "/* open")]);
            assert_eq!(tokens("2 - 1"), [(Word, "2"), (Symbol, "-"), (Word, "1")]);
        }

        #[test]
        fn non_ascii_text_stays_whole() {
            assert_eq!(
                tokens("héllo 'wörld' \"日本\""),
                [(Word, "héllo"), (String, "'wörld'"), (QuotedIdentifier, "\"日本\"")]
            );
        }

        #[test]
        fn tokens_know_whether_they_are_terminated() {
            let open: Vec<bool> = tokenize("'a' 'b").iter().map(|t| t.terminated).collect();
            assert_eq!(open, [true, false]);
            assert!(tokenize("-- to the end").iter().all(|t| t.terminated));
            assert!(!tokenize("/* open")[0].terminated);
        }
    }
}
