//! [`CommandTag`]: PostgreSQL's command tag (`SELECT 3`, `INSERT 0 1`, `BEGIN`), kept as its
//! parts and turned into text only when someone shows it. A program that runs a prepared
//! statement through the embedded API never reads the tag, so it never pays for formatting it.

use std::fmt;

/// A command tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandTag {
    /// A tag without a count: `BEGIN`, `CREATE TABLE`, `EXPLAIN`.
    Fixed(&'static str),
    /// A tag ending in a row count: the words before the count (`SELECT`, `INSERT 0`,
    /// `UPDATE`, `DELETE`) and the count.
    Counted(&'static str, u64),
}

impl fmt::Display for CommandTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandTag::Fixed(words) => f.write_str(words),
            CommandTag::Counted(words, count) => write!(f, "{words} {count}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CommandTag;

    #[test]
    fn shows_as_postgresql_does() {
        assert_eq!(CommandTag::Fixed("BEGIN").to_string(), "BEGIN");
        assert_eq!(CommandTag::Counted("INSERT 0", 3).to_string(), "INSERT 0 3");
        assert_eq!(CommandTag::Counted("SELECT", 0).to_string(), "SELECT 0");
    }
}
