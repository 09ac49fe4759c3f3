//! The spec format, after PostgreSQL's isolation tester.
//!
//! ```text
//! # Anomaly: G2-item (write skew)
//! # Prevented by: two phase locking, serializable
//! # Free text explaining the anomaly and why those levels prevent it.
//!
//! setup { CREATE TABLE doctors (name TEXT PRIMARY KEY, on_call BOOLEAN); }
//! setup { INSERT INTO doctors VALUES ('alice', true), ('bob', true); }
//! teardown { DROP TABLE doctors; }
//!
//! session s1
//! setup { BEGIN; }
//! step s1r { SELECT count(*) FROM doctors WHERE on_call; }
//! step s1w { UPDATE doctors SET on_call = false WHERE name = 'alice'; }
//! step s1c { COMMIT; }
//!
//! session s2
//! ...
//!
//! permutation s1r s2r s1w s2w s1c s2c
//! ```
//!
//! * Lines starting with `#` are comments. The comment lines before the first block are the
//!   spec's description; `Anomaly:` and `Prevented by:` lines in it are read by the anomaly
//!   matrix.
//! * `setup` and `teardown` blocks at the top run (in order) on a connection of their own
//!   before and after every permutation; inside a `session`, they run on that session before
//!   its first step and after its last.
//! * A block holds one or more SQL statements between `{` and the matching `}` (braces inside
//!   quoted strings do not count).
//! * `permutation` lists step names in the order to run them; without any, every interleaving
//!   of the sessions' steps (each session's steps in their order) is run.

use std::fmt;

/// A parsed spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub name: String,
    /// The description: the leading comment lines, without `# `.
    pub description: Vec<String>,
    pub setup: Vec<String>,
    pub teardown: Vec<String>,
    pub sessions: Vec<SessionSpec>,
    pub permutations: Vec<Vec<String>>,
}

/// One session of a spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSpec {
    pub name: String,
    pub setup: Vec<String>,
    pub steps: Vec<StepSpec>,
    pub teardown: Vec<String>,
}

/// A named step: SQL run as one unit on its session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepSpec {
    pub name: String,
    pub sql: String,
}

/// A spec that could not be parsed, with the line where it went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

impl Spec {
    /// The description line that starts with `label:` (e.g. `Anomaly`), without the label.
    pub fn field(&self, label: &str) -> Option<&str> {
        let prefix = format!("{label}:");
        self.description.iter().find_map(|l| l.strip_prefix(&prefix)).map(str::trim)
    }

    /// The session that owns step `step`.
    pub fn session_of(&self, step: &str) -> Option<&SessionSpec> {
        self.sessions.iter().find(|s| s.steps.iter().any(|st| st.name == step))
    }

    /// The step named `name`.
    pub fn step(&self, name: &str) -> Option<&StepSpec> {
        self.sessions.iter().flat_map(|s| &s.steps).find(|s| s.name == name)
    }
}

/// A cursor over the spec text.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn line(&self) -> usize {
        self.text[..self.pos].matches('\n').count() + 1
    }

    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError { line: self.line(), message: message.into() }
    }

    /// Skips white space and `#` comments.
    fn skip_blank(&mut self) {
        loop {
            let rest = &self.text[self.pos..];
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            if trimmed.starts_with('#') {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return;
            }
        }
    }

    fn at_end(&mut self) -> bool {
        self.skip_blank();
        self.pos >= self.text.len()
    }

    /// The next word (letters, digits, `_`).
    fn word(&mut self) -> Result<String, ParseError> {
        self.skip_blank();
        let rest = &self.text[self.pos..];
        let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        if len == 0 {
            return Err(self.error(format!("expected a name, found {:?}", rest.chars().next().unwrap_or(' '))));
        }
        self.pos += len;
        Ok(rest[..len].to_string())
    }

    /// The words up to the end of the line (for `permutation`).
    fn words_to_end_of_line(&mut self) -> Vec<String> {
        let rest = &self.text[self.pos..];
        let len = rest.find('\n').unwrap_or(rest.len());
        self.pos += len;
        rest[..len].split_whitespace().map(str::to_string).collect()
    }

    /// A `{ ... }` block's SQL, trimmed.
    fn block(&mut self) -> Result<String, ParseError> {
        self.skip_blank();
        if !self.text[self.pos..].starts_with('{') {
            return Err(self.error("expected '{'"));
        }
        let start = self.pos + 1;
        let (mut depth, mut quote) = (0usize, None::<char>);
        for (i, c) in self.text[self.pos..].char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '{') => depth += 1,
                (None, '}') => {
                    depth -= 1;
                    if depth == 0 {
                        let end = self.pos + i;
                        self.pos = end + 1;
                        return Ok(self.text[start..end].trim().to_string());
                    }
                }
                (None, _) => {}
            }
        }
        Err(self.error("unterminated '{' block"))
    }
}

/// Parses the spec `text`, named `name`.
pub fn parse(name: &str, text: &str) -> Result<Spec, ParseError> {
    let description = text
        .lines()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .filter_map(|l| l.trim_start().strip_prefix('#'))
        .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end().to_string())
        .collect();
    let mut spec = Spec {
        name: name.to_string(),
        description,
        setup: Vec::new(),
        teardown: Vec::new(),
        sessions: Vec::new(),
        permutations: Vec::new(),
    };
    let mut c = Cursor { text, pos: 0 };
    while !c.at_end() {
        let keyword = c.word()?;
        match keyword.as_str() {
            "setup" => {
                let sql = c.block()?;
                match spec.sessions.last_mut() {
                    Some(session) if session.steps.is_empty() => session.setup.push(sql),
                    Some(_) => return Err(c.error("a session's setup must come before its steps")),
                    None => spec.setup.push(sql),
                }
            }
            "teardown" => {
                let sql = c.block()?;
                match spec.sessions.last_mut() {
                    Some(session) => session.teardown.push(sql),
                    None => spec.teardown.push(sql),
                }
            }
            "session" => {
                let name = c.word()?;
                spec.sessions.push(SessionSpec { name, setup: Vec::new(), steps: Vec::new(), teardown: Vec::new() });
            }
            "step" => {
                let name = c.word()?;
                if spec.step(&name).is_some() {
                    return Err(c.error(format!("step {name} is defined twice")));
                }
                let sql = c.block()?;
                let session = spec.sessions.last_mut().ok_or_else(|| c.error("a step must be inside a session"))?;
                session.steps.push(StepSpec { name, sql });
            }
            "permutation" => {
                let steps = c.words_to_end_of_line();
                if let Some(unknown) = steps.iter().find(|s| spec.step(s).is_none()) {
                    return Err(c.error(format!("permutation names an unknown step {unknown}")));
                }
                spec.permutations.push(steps);
            }
            other => return Err(c.error(format!("unexpected {other:?}"))),
        }
    }
    if spec.sessions.is_empty() {
        return Err(ParseError { line: 1, message: "a spec needs at least one session".into() });
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "# Anomaly: G2-item (write skew)
# Prevented by: two phase locking, serializable
# Two doctors go off call at once.

setup { CREATE TABLE d (name TEXT PRIMARY KEY, on_call BOOLEAN); }
setup { INSERT INTO d VALUES ('a', true), ('b', true); }
teardown { DROP TABLE d; }

session s1
setup { BEGIN; }
step s1r { SELECT count(*) FROM d WHERE on_call; }
step s1w { UPDATE d SET on_call = false WHERE name = 'a'; }
step s1c { COMMIT; }

session s2
step s2r { SELECT '{' AS brace; }
step s2c { COMMIT; }

permutation s1r s2r s1w s1c s2c
";

    #[test]
    fn parses_every_part() {
        let spec = parse("write-skew", SPEC).unwrap();
        assert_eq!(spec.field("Anomaly"), Some("G2-item (write skew)"));
        assert_eq!(spec.field("Prevented by"), Some("two phase locking, serializable"));
        assert_eq!(spec.description.len(), 3);
        assert_eq!(spec.setup.len(), 2);
        assert_eq!(spec.teardown, vec!["DROP TABLE d;".to_string()]);
        assert_eq!(spec.sessions.len(), 2);
        assert_eq!(spec.sessions[0].setup, vec!["BEGIN;".to_string()]);
        assert_eq!(spec.sessions[0].steps[1].sql, "UPDATE d SET on_call = false WHERE name = 'a';");
        assert_eq!(spec.sessions[1].steps[0].sql, "SELECT '{' AS brace;");
        assert_eq!(spec.permutations, vec![vec!["s1r", "s2r", "s1w", "s1c", "s2c"]]);
        assert_eq!(spec.session_of("s2c").unwrap().name, "s2");
    }

    #[test]
    fn reports_errors_with_their_line() {
        let err = parse("x", "session s1\nstep a { SELECT 1; }\npermutation a b\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("unknown step b"));
        assert_eq!(parse("x", "setup { SELECT 1;\n").unwrap_err().message, "unterminated '{' block");
        assert!(parse("x", "step a { SELECT 1; }").unwrap_err().message.contains("inside a session"));
        assert!(parse("x", "setup { SELECT 1; }").unwrap_err().message.contains("at least one session"));
    }
}
