//! Splitting SQL text into the tokens that highlighting and completion care about.
//!
//! The rules for where strings, quoted identifiers, comments and dollar quotes begin and end are
//! those of [`crate::lexer`] (PostgreSQL's lexical syntax; see the table there). The lexer only
//! reports statement boundaries, so its scanner cannot be reused here: this one reports every
//! token with its kind and byte range. Whitespace is not a token. A token that the text ends
//! inside of (an unterminated string, say) runs to the end of the text, which is what the editor
//! wants: the user is still typing it.

use std::ops::Range;

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
}

/// The tokens of `text`, in order.
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
                (TokenKind::Comment, bytes[i..].iter().position(|&c| c == b'\n').map_or(bytes.len(), |n| i + n))
            }
            b'/' if next == Some(b'*') => (TokenKind::Comment, block_comment_end(bytes, i)),
            b'\'' => (TokenKind::String, quoted_end(bytes, i, b'\'', false)),
            b'e' | b'E' if next == Some(b'\'') => (TokenKind::String, quoted_end(bytes, i + 1, b'\'', true)),
            b'"' => (TokenKind::QuotedIdentifier, quoted_end(bytes, i, b'"', false)),
            b'$' => match dollar_tag_len(bytes, i) {
                Some(tag_len) => (TokenKind::String, dollar_quote_end(bytes, i, tag_len)),
                None => (TokenKind::Symbol, i + 1),
            },
            // `$` may continue a word (`a$b`) but not start one.
            _ if is_word_byte(b) => {
                (TokenKind::Word, bytes[i..].iter().position(|&c| !is_word_byte(c)).map_or(bytes.len(), |n| i + n))
            }
            _ => (TokenKind::Symbol, i + 1),
        };
        tokens.push(Token { kind, range: i..end });
        i = end;
    }
    tokens
}

/// Whether `b` can be part of an identifier, keyword or number (ASCII letters, digits, `_`, `$`,
/// and any byte of a non-ASCII character, as in PostgreSQL).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || !b.is_ascii()
}

/// The end (exclusive) of the token opening with `quote` at `start`, or the end of the text; a
/// doubled quote is a quote inside the token, and with `backslash_escapes` so is `\'`.
fn quoted_end(bytes: &[u8], start: usize, quote: u8, backslash_escapes: bool) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        let b = bytes[i];
        let escaped = backslash_escapes && b == b'\\';
        let doubled_quote = b == quote && bytes.get(i + 1) == Some(&quote);
        if escaped || doubled_quote {
            i += 2;
        } else if b == quote {
            return i + 1;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// The end (exclusive) of the block comment opening at `start`, counting nested comments, or
/// the end of the text.
fn block_comment_end(bytes: &[u8], start: usize) -> usize {
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
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
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
/// bytes at `start`, or the end of the text.
fn dollar_quote_end(bytes: &[u8], start: usize, tag_len: usize) -> usize {
    let delimiter = &bytes[start..start + tag_len];
    let body = start + tag_len;
    bytes[body..].windows(tag_len).position(|w| w == delimiter).map_or(bytes.len(), |n| body + n + tag_len)
}

#[cfg(test)]
mod tests {
    use super::*;
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
}
