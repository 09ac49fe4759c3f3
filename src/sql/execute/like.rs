//! `LIKE` and `ILIKE`.
//!
//! `%` matches any run of characters, `_` exactly one, and a backslash makes the next character
//! literal (PostgreSQL's default escape). The whole string must match. `ILIKE` lower-cases both
//! sides first. Matching works on characters, not bytes, and uses the classic two-pointer
//! wildcard algorithm with backtracking to the last `%` (O(text x pattern) worst case, no
//! recursion).

use crate::error::{Error, Result};
use crate::types::Value;

use super::compare::no_operator;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Token {
    Literal(char),
    AnyOne,
    AnyRun,
}

/// `value LIKE pattern` (or ILIKE): `None` when either side is NULL. Both must be text.
pub(crate) fn like(value: &Value, pattern: &Value, case_insensitive: bool) -> Result<Option<bool>> {
    match (value, pattern) {
        (Value::Null, _) | (_, Value::Null) => Ok(None),
        (Value::Text(s), Value::Text(p)) => {
            let tokens = if case_insensitive { compile(&p.to_lowercase())? } else { compile(p)? };
            let text: Vec<char> =
                if case_insensitive { s.to_lowercase().chars().collect() } else { s.chars().collect() };
            Ok(Some(matches(&text, &tokens)))
        }
        (a, b) => Err(no_operator(if case_insensitive { "~~*" } else { "~~" }, a, b)),
    }
}

fn compile(pattern: &str) -> Result<Vec<Token>> {
    let mut tokens = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        tokens.push(match c {
            '%' => Token::AnyRun,
            '_' => Token::AnyOne,
            '\\' => match chars.next() {
                Some(escaped) => Token::Literal(escaped),
                // PostgreSQL: 22025; the closest variant here is 22023.
                None => {
                    return Err(Error::InvalidParameterValue("LIKE pattern must not end with escape character".into()))
                }
            },
            other => Token::Literal(other),
        });
    }
    Ok(tokens)
}

fn matches(text: &[char], pattern: &[Token]) -> bool {
    let (mut t, mut p) = (0, 0);
    // After a `%`: the pattern position following it and the text position it is tried from.
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Token::AnyOne) => {
                t += 1;
                p += 1;
            }
            Some(Token::Literal(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            Some(Token::AnyRun) => {
                p += 1;
                backtrack = Some((p, t));
            }
            _ => match backtrack {
                // Let the last `%` swallow one more character and retry.
                Some((after_run, from)) => {
                    p = after_run;
                    t = from + 1;
                    backtrack = Some((after_run, from + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|tok| *tok == Token::AnyRun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(s: &str, p: &str) -> bool {
        like(&Value::text(s), &Value::text(p), false).unwrap().unwrap()
    }

    #[test]
    fn wildcards() {
        assert!(l("hello", "hello"));
        assert!(!l("hello", "hell"));
        assert!(l("hello", "h%"));
        assert!(l("hello", "%llo"));
        assert!(l("hello", "%l%"));
        assert!(l("hello", "h_l_o"));
        assert!(!l("hello", "h_l_"));
        assert!(l("", "%"));
        assert!(!l("", "_"));
        assert!(l("abcabc", "%abc"));
        assert!(l("aXbXc", "a%b%c"));
        assert!(!l("aXbXd", "a%b%c"));
        assert!(l("mississippi", "%iss%ppi"));
        assert!(l("héllo", "h_llo"));
    }

    #[test]
    fn escapes() {
        assert!(l("100%", "100\\%"));
        assert!(!l("1000", "100\\%"));
        assert!(l("a_b", "a\\_b"));
        assert!(!l("axb", "a\\_b"));
        assert!(l("a\\b", "a\\\\b"));
        let err = like(&Value::text("a"), &Value::text("a\\"), false).unwrap_err();
        assert_eq!(err.to_string(), "LIKE pattern must not end with escape character");
    }

    #[test]
    fn ilike_nulls_and_types() {
        assert_eq!(like(&Value::text("HeLLo"), &Value::text("h%O"), true).unwrap(), Some(true));
        assert_eq!(like(&Value::text("HeLLo"), &Value::text("h%O"), false).unwrap(), Some(false));
        assert_eq!(like(&Value::Null, &Value::text("%"), false).unwrap(), None);
        assert_eq!(like(&Value::text("a"), &Value::Null, false).unwrap(), None);
        let err = like(&Value::Integer(1), &Value::text("1"), false).unwrap_err();
        assert_eq!(err.to_string(), "operator does not exist: integer ~~ text");
    }
}
