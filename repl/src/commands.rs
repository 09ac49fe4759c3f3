//! Meta-commands: the lines of shell input that start with `\` (psql) or `.` (sqlite3).
//!
//! A meta-command is one line: the command word, then arguments separated by blanks. The
//! common ones have both spellings; the isolation tools are psql-style only.
//!
//! | command                        | also            | does                                              |
//! |--------------------------------|-----------------|---------------------------------------------------|
//! | `\?`, `\help`                  | `.help`         | lists the commands                                |
//! | `\q`, `\quit`                  | `.quit`, `.exit`| quits                                             |
//! | `\dt`, `\tables`               | `.tables`       | lists the tables                                  |
//! | `\d [TABLE]`, `\schema [TABLE]`| `.schema [TABLE]`| describes a table (every table without one)      |
//! | `\mode box\|csv\|json`          | `.mode ...`     | sets the output mode                              |
//! | `\timing [on\|off]`             | `.timer on\|off` | prints how long each statement took              |
//! | `\i FILE`                      | `.read FILE`    | runs the statements and commands in FILE          |
//! | `\echo TEXT`                   | `.echo TEXT`    | prints TEXT                                       |
//! | `\session [NAME [LEVEL]]`      |                 | switches to (opening) session NAME; sets its level|
//! | `\sessions`                    |                 | every session: level, transaction, state, waits   |
//! | `\cancel [NAME]`               |                 | cancels the session's running or waiting statement|
//! | `\versions TABLE`              |                 | every physical version and who sees it            |
//! | `\locks`                       |                 | held and awaited locks                            |
//! | `\graph [dot]`                 |                 | waits-for and rw-antidependency graphs            |
//! | `\why`                         |                 | explains the session's last abort                 |

use isolde::IsolationLevel;

use crate::output::Mode;

/// One parsed meta-command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Quit,
    Tables,
    Describe(Option<String>),
    SetMode(Mode),
    /// `None` toggles.
    Timing(Option<bool>),
    Include(String),
    Echo(String),
    /// `\session` alone shows the current session.
    Session {
        name: Option<String>,
        level: Option<IsolationLevel>,
    },
    Sessions,
    Cancel(Option<String>),
    Versions(String),
    Locks,
    Graph {
        dot: bool,
    },
    Why,
}

/// The help text of `\?`.
pub const HELP: &str = "\
General
  \\q, \\quit, .quit, .exit     quit
  \\?, \\help, .help            this help
  \\echo TEXT, .echo TEXT       print TEXT
  \\i FILE, .read FILE         run the statements and commands in FILE
  \\mode box|csv|json          output mode (also .mode)
  \\timing [on|off]            show how long each statement takes (also .timer on|off)

Tables
  \\dt, \\tables, .tables       list tables
  \\d [TABLE], .schema [TABLE] describe a table (or every table)

Sessions (each one a connection: try two of them side by side)
  NAME: SQL                   run SQL on session NAME (opened on first use)
  \\session [NAME [LEVEL]]     switch to session NAME; LEVEL sets its default level:
                              read-committed (rc), snapshot (si), two-phase-locking (2pl),
                              serializable (ssi)
  \\sessions                   every session: level, transaction, state, what it waits for
  \\cancel [NAME]              cancel the session's running or waiting statement (Ctrl-C
                              cancels the current session's)

Looking inside
  \\versions TABLE             every version of every row, its creator and deleter, and
                              whether the current session sees it, and why
  \\locks                      locks held and awaited
  \\graph [dot]                waits-for graph and rw-antidependency (SSI) graph; dot: Graphviz
  \\why                        why the current session's last transaction was aborted
";

/// Parses a meta-command line (starting with `\` or `.`). `Err` holds the message to print.
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    let (word, rest) = match line.find(char::is_whitespace) {
        Some(at) => (&line[..at], line[at..].trim()),
        None => (line, ""),
    };
    let args: Vec<&str> = rest.split_whitespace().collect();
    let no_args = |command: Command| {
        if args.is_empty() {
            Ok(command)
        } else {
            Err(format!("{word}: unexpected argument \"{}\"", args[0]))
        }
    };
    let one_arg = |what: &str| match args.as_slice() {
        [arg] => Ok(arg.to_string()),
        [] => Err(format!("{word}: missing {what}")),
        [_, extra, ..] => Err(format!("{word}: unexpected argument \"{extra}\"")),
    };
    let optional_arg = || match args.as_slice() {
        [] => Ok(None),
        [arg] => Ok(Some(arg.to_string())),
        [_, extra, ..] => Err(format!("{word}: unexpected argument \"{extra}\"")),
    };
    match word {
        "\\?" | "\\help" | ".help" => no_args(Command::Help),
        "\\q" | "\\quit" | ".quit" | ".exit" => no_args(Command::Quit),
        "\\dt" | "\\tables" | ".tables" => no_args(Command::Tables),
        "\\d" | "\\schema" | ".schema" => optional_arg().map(Command::Describe),
        "\\mode" | ".mode" => {
            let name = one_arg("mode (box, csv or json)")?;
            Mode::from_name(&name)
                .map(Command::SetMode)
                .ok_or(format!("{word}: unknown mode \"{name}\" (use box, csv or json)"))
        }
        "\\timing" | ".timer" => match optional_arg()?.as_deref() {
            None if word == "\\timing" => Ok(Command::Timing(None)),
            Some("on") => Ok(Command::Timing(Some(true))),
            Some("off") => Ok(Command::Timing(Some(false))),
            _ => Err(format!("{word}: expected on or off")),
        },
        "\\i" | "\\include" | ".read" => one_arg("file name").map(Command::Include),
        "\\echo" | ".echo" => Ok(Command::Echo(rest.to_string())),
        "\\session" => match args.as_slice() {
            [] => Ok(Command::Session { name: None, level: None }),
            [name] => Ok(Command::Session { name: Some(session_name(name)?), level: None }),
            [name, level @ ..] => {
                let level = level_named(&level.join(" ")).ok_or(format!(
                    "\\session: unknown level \"{}\" (use read-committed, snapshot, two-phase-locking or \
                     serializable)",
                    level.join(" ")
                ))?;
                Ok(Command::Session { name: Some(session_name(name)?), level: Some(level) })
            }
        },
        "\\sessions" => no_args(Command::Sessions),
        "\\cancel" => optional_arg()?.map(|n| session_name(&n)).transpose().map(Command::Cancel),
        "\\versions" => one_arg("table name").map(Command::Versions),
        "\\locks" => no_args(Command::Locks),
        "\\graph" => match args.as_slice() {
            [] => Ok(Command::Graph { dot: false }),
            ["dot"] => Ok(Command::Graph { dot: true }),
            _ => Err("\\graph: expected nothing or \"dot\"".to_string()),
        },
        "\\why" => no_args(Command::Why),
        _ => Err(format!("invalid command {word}\nTry \\? for help.")),
    }
}

/// Whether `name` can name a session: a letter, then letters, digits or `_`.
pub fn is_session_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn session_name(name: &str) -> Result<String, String> {
    if is_session_name(name) {
        Ok(name.to_string())
    } else {
        Err(format!("\"{name}\" is not a session name (a letter, then letters, digits or _)"))
    }
}

/// The level named `name`: the shell's words (`read-committed`, `snapshot`,
/// `two-phase-locking`, `serializable`), their short forms (`rc`, `si`, `2pl`, `ssi`) and the SQL
/// spellings (`read committed`, `repeatable read`, `two phase locking`), in any case.
pub fn level_named(name: &str) -> Option<IsolationLevel> {
    let name = name.to_ascii_lowercase().replace(['-', '_'], " ");
    match name.as_str() {
        "read committed" | "rc" => Some(IsolationLevel::ReadCommitted),
        "snapshot" | "snapshot isolation" | "repeatable read" | "si" => Some(IsolationLevel::Snapshot),
        "two phase locking" | "2pl" => Some(IsolationLevel::TwoPhaseLocking),
        "serializable" | "ssi" => Some(IsolationLevel::Serializable),
        _ => None,
    }
}

/// Splits `NAME: SQL` into the session name and the SQL, if `statement` starts with a label.
pub fn split_label(statement: &str) -> Option<(&str, &str)> {
    let (name, rest) = statement.split_once(':')?;
    if !is_session_name(name) || rest.starts_with(':') {
        return None;
    }
    Some((name, rest.trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings() {
        assert_eq!(parse("\\q"), Ok(Command::Quit));
        assert_eq!(parse(".exit"), Ok(Command::Quit));
        assert_eq!(parse("  \\dt  "), Ok(Command::Tables));
        assert_eq!(parse(".tables"), Ok(Command::Tables));
        assert_eq!(parse("\\d accounts"), Ok(Command::Describe(Some("accounts".into()))));
        assert_eq!(parse(".schema"), Ok(Command::Describe(None)));
        assert_eq!(parse(".mode csv"), Ok(Command::SetMode(Mode::Csv)));
        assert_eq!(parse("\\timing"), Ok(Command::Timing(None)));
        assert_eq!(parse(".timer on"), Ok(Command::Timing(Some(true))));
        assert_eq!(parse(".read a b.sql").unwrap_err(), ".read: unexpected argument \"b.sql\"");
        assert_eq!(parse("\\i setup.sql"), Ok(Command::Include("setup.sql".into())));
        assert_eq!(parse("\\echo  hello   world"), Ok(Command::Echo("hello   world".into())));
    }

    #[test]
    fn sessions_and_levels() {
        assert_eq!(parse("\\session"), Ok(Command::Session { name: None, level: None }));
        assert_eq!(parse("\\session t1"), Ok(Command::Session { name: Some("t1".into()), level: None }));
        assert_eq!(
            parse("\\session t2 serializable"),
            Ok(Command::Session { name: Some("t2".into()), level: Some(IsolationLevel::Serializable) })
        );
        assert_eq!(
            parse("\\session t3 read committed"),
            Ok(Command::Session { name: Some("t3".into()), level: Some(IsolationLevel::ReadCommitted) })
        );
        assert_eq!(
            parse("\\session a 2PL"),
            Ok(Command::Session { name: Some("a".into()), level: Some(IsolationLevel::TwoPhaseLocking) })
        );
        assert!(parse("\\session 1x").unwrap_err().contains("not a session name"));
        assert!(parse("\\session t1 chaos").unwrap_err().contains("unknown level"));
        assert_eq!(parse("\\cancel t2"), Ok(Command::Cancel(Some("t2".into()))));
    }

    #[test]
    fn introspection() {
        assert_eq!(parse("\\versions t"), Ok(Command::Versions("t".into())));
        assert_eq!(parse("\\versions").unwrap_err(), "\\versions: missing table name");
        assert_eq!(parse("\\graph dot"), Ok(Command::Graph { dot: true }));
        assert_eq!(parse("\\why"), Ok(Command::Why));
        assert_eq!(parse("\\locks x").unwrap_err(), "\\locks: unexpected argument \"x\"");
        assert_eq!(parse("\\frobnicate").unwrap_err(), "invalid command \\frobnicate\nTry \\? for help.");
    }

    #[test]
    fn labels() {
        assert_eq!(split_label("t1: SELECT 1"), Some(("t1", "SELECT 1")));
        assert_eq!(split_label("alice_2:UPDATE t SET v = 1"), Some(("alice_2", "UPDATE t SET v = 1")));
        assert_eq!(split_label("SELECT 1"), None);
        assert_eq!(split_label("SELECT 'a:b'"), None);
        assert_eq!(split_label("x::int"), None);
        assert_eq!(split_label("1a: SELECT 1"), None);
    }
}
