//! The fixed words the editor completes and highlights: the SQL that isolde accepts
//! (`docs/sql.md`), the shell's meta-commands and their arguments (`commands.rs`).
//!
//! SQL words are written in upper case here; completion lower-cases them to match what the user
//! types.

/// SQL keywords and type names that complete on their own. A word that only ever starts one of
/// the [`SQL_PHRASES`] (`ORDER`, `PRIMARY`, ...) is not here, so that completing it gives the
/// phrase; the words that end a phrase are, for users who type the phrase out.
pub const SQL_KEYWORDS: &[&str] = &[
    "ABORT",
    "ALL",
    "AND",
    "AS",
    "ASC",
    "BEGIN",
    "BETWEEN",
    "BIGINT",
    "BOOL",
    "BOOLEAN",
    "BY",
    "CASE",
    "CAST",
    "CHARACTERISTICS",
    "COMMIT",
    "COMMITTED",
    "CONSTRAINT",
    "CROSS",
    "DEFAULT",
    "DESC",
    "DISTINCT",
    "ELSE",
    "END",
    "EXISTS",
    "EXPLAIN",
    "FALSE",
    "FIRST",
    "FLOAT",
    "FLOAT4",
    "FLOAT8",
    "FROM",
    "HAVING",
    "ILIKE",
    "IN",
    "INDEX",
    "INNER",
    "INT",
    "INT2",
    "INT4",
    "INT8",
    "INTEGER",
    "INTO",
    "IS",
    "JOIN",
    "KEY",
    "LAST",
    "LEFT",
    "LEVEL",
    "LIKE",
    "LIMIT",
    "NOT",
    "NOWAIT",
    "NULL",
    "OF",
    "OFFSET",
    "ON",
    "ONLY",
    "OR",
    "PRECISION",
    "READ",
    "REAL",
    "RELEASE",
    "RESET",
    "RETURNING",
    "ROLLBACK",
    "SAVEPOINT",
    "SELECT",
    "SERIALIZABLE",
    "SESSION",
    "SET",
    "SHARE",
    "SHOW",
    "SMALLINT",
    "SNAPSHOT",
    "TABLE",
    "TEXT",
    "THEN",
    "TO",
    "TRANSACTION",
    "TRUE",
    "UNCOMMITTED",
    "UNIQUE",
    "UPDATE",
    "VACUUM",
    "VALUES",
    "VARCHAR",
    "VARYING",
    "WHEN",
    "WHERE",
    "WRITE",
];

/// Keywords that go together, completed as one candidate: `ORD` completes to `ORDER BY`.
pub const SQL_PHRASES: &[&str] = &[
    "CHARACTER VARYING",
    "CREATE INDEX",
    "CREATE TABLE",
    "CREATE UNIQUE INDEX",
    "DEFAULT VALUES",
    "DELETE FROM",
    "DOUBLE PRECISION",
    "DROP INDEX",
    "DROP TABLE",
    "FOR SHARE",
    "FOR UPDATE",
    "GROUP BY",
    "IF EXISTS",
    "IF NOT EXISTS",
    "INSERT INTO",
    "ISOLATION LEVEL",
    "NULLS FIRST",
    "NULLS LAST",
    "ORDER BY",
    "PRIMARY KEY",
    "READ COMMITTED",
    "READ ONLY",
    "READ UNCOMMITTED",
    "READ WRITE",
    "REPEATABLE READ",
    "START TRANSACTION",
];

/// The functions the engine knows: completed like keywords, not highlighted.
pub const SQL_FUNCTIONS: &[&str] = &[
    "ABS",
    "AVG",
    "CHAR_LENGTH",
    "COALESCE",
    "CONCAT",
    "COUNT",
    "GREATEST",
    "LEAST",
    "LENGTH",
    "LOWER",
    "MAX",
    "MIN",
    "NULLIF",
    "ROUND",
    "SUBSTR",
    "SUBSTRING",
    "SUM",
    "UPPER",
];

/// The parameters of `SET`, `SHOW` and `RESET`.
pub const SETTINGS: &[&str] = &[
    "default_transaction_isolation",
    "default_transaction_read_only",
    "lock_timeout",
    "transaction_isolation",
    "transaction_read_only",
];

/// Every meta-command: sqlite3's `.` forms, then psql's `\` forms (in byte order).
pub const META_COMMANDS: &[&str] = &[
    ".echo",
    ".exit",
    ".help",
    ".mode",
    ".quit",
    ".read",
    ".schema",
    ".tables",
    ".timer",
    "\\?",
    "\\cancel",
    "\\d",
    "\\dt",
    "\\echo",
    "\\graph",
    "\\help",
    "\\i",
    "\\include",
    "\\locks",
    "\\mode",
    "\\q",
    "\\quit",
    "\\schema",
    "\\session",
    "\\sessions",
    "\\tables",
    "\\timing",
    "\\versions",
    "\\why",
];

/// The isolation levels `\session NAME LEVEL` accepts, long and short forms.
pub const SESSION_LEVELS: &[&str] =
    &["read-committed", "rc", "snapshot", "si", "two-phase-locking", "2pl", "serializable", "ssi"];

/// The arguments of `\mode` and `.mode`.
pub const OUTPUT_MODES: &[&str] = &["box", "csv", "json"];

/// The arguments of `\timing` and `.timer`.
pub const SWITCH_VALUES: &[&str] = &["on", "off"];

/// The argument of `\graph`.
pub const GRAPH_FORMATS: &[&str] = &["dot"];

/// Whether `word` is an SQL keyword (in any case), for highlighting.
pub fn is_sql_keyword(word: &str) -> bool {
    let phrase_words = SQL_PHRASES.iter().flat_map(|phrase| phrase.split(' '));
    SQL_KEYWORDS.iter().copied().chain(phrase_words).any(|keyword| keyword.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_in_any_case_and_phrase_words_count() {
        assert!(is_sql_keyword("select"));
        assert!(is_sql_keyword("SeLeCt"));
        assert!(is_sql_keyword("ORDER"));
        assert!(is_sql_keyword("primary"));
        assert!(!is_sql_keyword("count"));
        assert!(!is_sql_keyword("accounts"));
        assert!(!is_sql_keyword("SEL"));
    }

    #[test]
    fn lists_are_sorted_and_without_duplicates() {
        for list in [SQL_KEYWORDS, SQL_PHRASES, SQL_FUNCTIONS, SETTINGS, META_COMMANDS] {
            assert!(list.windows(2).all(|pair| pair[0] < pair[1]), "{list:?}");
        }
    }

    #[test]
    fn no_keyword_only_starts_a_phrase() {
        // A phrase's first word is listed alone only if it is also used alone.
        let used_alone = ["DEFAULT", "READ"];
        for phrase in SQL_PHRASES {
            let head = phrase.split(' ').next().unwrap();
            assert_eq!(SQL_KEYWORDS.contains(&head), used_alone.contains(&head), "{phrase}");
        }
    }
}
