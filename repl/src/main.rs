//! `isolde`: the shell of the isolde engine, on an in-memory database.
//!
//! ```text
//! isolde                      interactive when stdin is a terminal
//! isolde < script.sql         runs the statements piped to stdin
//! isolde -c 'SQL' -f FILE     runs the commands and files in the order given (stdin unread)
//! isolde --mode json ...      output as box (default), csv or json
//! ```
//!
//! Without a terminal, or with `-c`/`-f`, the shell prints no prompt or banner; it runs every
//! statement, continuing after errors (see [`runner`]), and exits with
//!
//! * 0 when every statement succeeded (warnings do not count),
//! * 1 when at least one statement failed, or the output could not be written,
//! * 2 when the command line is wrong or an input cannot be read; nothing has run then, since
//!   every file is read before the first statement runs.
//!
//! Modules: [`shell`] runs input (statements and meta-commands) and prints; [`sessions`] runs
//! each named session on its own thread and sees who waits; [`lexer`] splits text into
//! statements; [`commands`] parses meta-commands; [`introspect`] shows sessions, locks,
//! graphs and aborts; [`output`] formats outcomes; [`interactive`] is the line-editor loop and
//! [`editor`] its completion, hints and highlighting.

mod commands;
mod editor;
mod interactive;
mod introspect;
mod lexer;
mod output;
mod sessions;
mod shell;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use isolde::Database;

use output::Mode;
use shell::Shell;

const USAGE: &str = "\
isolde is an interactive shell for the isolde SQL engine (in-memory database).

Usage:
  isolde [OPTION]...

Options:
  -c, --command=SQL  run SQL (one or more statements separated by ';'); repeatable
  -f, --file=FILE    run the statements in FILE (\"-\" for stdin); repeatable
      --mode=MODE    output mode: box (default), csv or json
  -h, --help         show this help, then exit
  -V, --version      show the version, then exit

Commands and files run in the order given, and stdin is then not read. Without them,
statements are read from stdin, interactively when it is a terminal.

A failed statement does not stop the others. Exit status: 0 when every statement
succeeded, 1 when any statement failed, 2 for a bad command line or an unreadable file.
";

/// One `-c` or `-f` argument.
#[derive(Debug, PartialEq, Eq)]
enum Input {
    Command(String),
    /// `-f FILE`; `-f -` is stdin.
    File(PathBuf),
}

#[derive(Debug, PartialEq, Eq)]
enum Action {
    Run { inputs: Vec<Input>, mode: Mode },
    Help,
    Version,
}

fn main() -> ExitCode {
    let action = match parse_args(std::env::args_os().skip(1)) {
        Ok(action) => action,
        Err(message) => {
            eprintln!("isolde: {message}\nTry \"isolde --help\" for more information.");
            return ExitCode::from(2);
        }
    };
    match action {
        Action::Help => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Action::Version => {
            println!("isolde {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Action::Run { inputs, mode } => run(inputs, mode),
    }
}

fn run(inputs: Vec<Input>, mode: Mode) -> ExitCode {
    let interactive = inputs.is_empty() && io::stdin().is_terminal();
    // Read every script before running anything, so that a missing file runs nothing.
    let scripts = if interactive {
        Vec::new()
    } else if inputs.is_empty() {
        vec![read_stdin()]
    } else {
        inputs.into_iter().map(load).collect()
    };
    let scripts = match scripts.into_iter().collect::<Result<Vec<Script>, String>>() {
        Ok(scripts) => scripts,
        Err(message) => {
            eprintln!("isolde: {message}");
            return ExitCode::from(2);
        }
    };

    let mut shell = Shell::new(Database::open_in_memory(), mode, io::stdout(), io::stderr());
    let outcome = if interactive {
        interactive::run(&mut shell)
    } else {
        scripts.iter().try_for_each(|script| {
            if shell.quit_requested() {
                return Ok(());
            }
            shell.run_script(&script.text, script.source.as_deref())
        })
    };
    match outcome.and_then(|()| shell.finish()) {
        Ok(()) if shell.failed() => ExitCode::from(1),
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`isolde -f x.sql | head`) is an ordinary way for output to end.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(1),
        Err(error) => {
            eprintln!("isolde: {error}");
            ExitCode::from(1)
        }
    }
}

/// The text to run, and where it came from (`None` for `-c`).
struct Script {
    text: String,
    source: Option<String>,
}

fn load(input: Input) -> Result<Script, String> {
    match input {
        Input::Command(text) => Ok(Script { text, source: None }),
        Input::File(path) if path.as_os_str() == "-" => read_stdin(),
        Input::File(path) => match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Script { text, source: Some(path.display().to_string()) }),
            Err(error) => Err(format!("could not read file \"{}\": {error}", path.display())),
        },
    }
}

fn read_stdin() -> Result<Script, String> {
    let mut text = String::new();
    match io::stdin().read_to_string(&mut text) {
        Ok(_) => Ok(Script { text, source: Some("<stdin>".into()) }),
        Err(error) => Err(format!("could not read stdin: {error}")),
    }
}

/// Parses the arguments after the program name, GNU style: `-c SQL`, `-cSQL`, `--command SQL`,
/// `--command=SQL`; `--` ends the options.
fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Action, String> {
    let mut args = args.into_iter();
    let mut inputs = Vec::new();
    let mut mode = Mode::Box;
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else {
            return Err(format!("invalid argument {arg:?}: not valid UTF-8"));
        };
        let (option, inline) = match text.split_once('=') {
            Some((option, value)) if option.starts_with("--") => (option, Some(OsString::from(value))),
            _ if text.len() > 2 && text.starts_with('-') && !text.starts_with("--") && text.is_char_boundary(2) => {
                (&text[..2], Some(OsString::from(&text[2..])))
            }
            _ => (text, None),
        };
        let mut value =
            |name: &str| inline.clone().or_else(|| args.next()).ok_or(format!("option {name} needs a value"));
        match option {
            "-c" | "--command" => {
                let sql = value(option)?;
                let sql = sql.into_string().map_err(|_| format!("the SQL of {option} is not valid UTF-8"))?;
                inputs.push(Input::Command(sql));
            }
            "-f" | "--file" => inputs.push(Input::File(PathBuf::from(value(option)?))),
            "--mode" => {
                let name = value(option)?;
                mode = name
                    .to_str()
                    .and_then(Mode::from_name)
                    .ok_or(format!("invalid mode {name:?} (use box, csv or json)"))?;
            }
            "-h" | "--help" | "-?" if inline.is_none() => return Ok(Action::Help),
            "-V" | "--version" if inline.is_none() => return Ok(Action::Version),
            "--" => {
                if let Some(extra) = args.next() {
                    return Err(unexpected(&extra));
                }
            }
            _ if option.starts_with('-') && option != "-" => return Err(format!("unknown option {option}")),
            _ => return Err(unexpected(&arg)),
        }
    }
    Ok(Action::Run { inputs, mode })
}

fn unexpected(arg: &OsString) -> String {
    format!("unexpected argument {arg:?} (isolde works on an in-memory database and takes no database name)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Action, String> {
        parse_args(args.iter().map(OsString::from))
    }

    fn run_action(inputs: Vec<Input>, mode: Mode) -> Result<Action, String> {
        Ok(Action::Run { inputs, mode })
    }

    #[test]
    fn no_arguments() {
        assert_eq!(parse(&[]), run_action(vec![], Mode::Box));
    }

    #[test]
    fn commands_and_files_in_order() {
        assert_eq!(
            parse(&["-c", "SELECT 1", "-f", "a.sql", "--command=SELECT 2", "-fb.sql", "--file", "-", "-cSELECT 3"]),
            run_action(
                vec![
                    Input::Command("SELECT 1".into()),
                    Input::File("a.sql".into()),
                    Input::Command("SELECT 2".into()),
                    Input::File("b.sql".into()),
                    Input::File("-".into()),
                    Input::Command("SELECT 3".into()),
                ],
                Mode::Box
            )
        );
    }

    #[test]
    fn command_value_may_contain_equals_and_dashes() {
        assert_eq!(
            parse(&["-c", "SELECT 1 = 1", "-c", "--not an option"]),
            run_action(
                vec![Input::Command("SELECT 1 = 1".into()), Input::Command("--not an option".into())],
                Mode::Box
            )
        );
        assert_eq!(parse(&["--command=a=b"]), run_action(vec![Input::Command("a=b".into())], Mode::Box));
    }

    #[test]
    fn modes() {
        assert_eq!(parse(&["--mode", "csv"]), run_action(vec![], Mode::Csv));
        assert_eq!(parse(&["--mode=json"]), run_action(vec![], Mode::Json));
        assert_eq!(parse(&["--mode=json", "--mode", "box"]), run_action(vec![], Mode::Box));
        assert!(parse(&["--mode", "table"]).unwrap_err().contains("invalid mode"));
        assert!(parse(&["--mode"]).unwrap_err().contains("needs a value"));
    }

    #[test]
    fn help_and_version() {
        assert_eq!(parse(&["--help"]), Ok(Action::Help));
        assert_eq!(parse(&["-h"]), Ok(Action::Help));
        assert_eq!(parse(&["-c", "x", "-V"]), Ok(Action::Version));
        assert_eq!(parse(&["--version"]), Ok(Action::Version));
    }

    #[test]
    fn errors() {
        assert!(parse(&["-c"]).unwrap_err().contains("-c needs a value"));
        assert!(parse(&["--bogus"]).unwrap_err().contains("unknown option --bogus"));
        assert!(parse(&["-x"]).unwrap_err().contains("unknown option -x"));
        assert!(parse(&["-é"]).unwrap_err().contains("unknown option -é"));
        assert!(parse(&["--help=yes"]).unwrap_err().contains("unknown option --help"));
        assert!(parse(&["mydb"]).unwrap_err().contains("unexpected argument"));
        assert!(parse(&["--", "mydb"]).unwrap_err().contains("unexpected argument"));
        assert_eq!(parse(&["--"]), run_action(vec![], Mode::Box));
    }
}
