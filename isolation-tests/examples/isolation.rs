//! The anomaly suite from the command line (an example, so that `cargo run` at the root still
//! starts the shell).
//!
//! ```text
//! cargo run -p isolation-tests --example isolation -- list
//! cargo run -p isolation-tests --example isolation -- run write-skew [serializable]
//! cargo run -p isolation-tests --example isolation -- matrix [--write]
//! ```

use std::process::ExitCode;

use isolation_tests::matrix::{self, SpecResult};
use isolation_tests::spec::{self, run_permutation, LEVELS};

fn usage() -> ExitCode {
    eprintln!("usage: isolation list | run SPEC [LEVEL] | matrix [--write]");
    eprintln!("levels: {}", LEVELS.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(", "));
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["list"] => {
            for file in spec::spec_files() {
                match spec::load(&file) {
                    Ok(s) => println!("{:32} {}", s.name, s.field("Anomaly").unwrap_or("")),
                    Err(e) => eprintln!("{e}"),
                }
            }
            ExitCode::SUCCESS
        }
        ["run", name, rest @ ..] if rest.len() <= 1 => {
            let path = spec::crate_dir().join("specs").join(format!("{name}.spec"));
            let spec = match spec::load(&path) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(2);
                }
            };
            let levels: Vec<(&str, &str)> =
                LEVELS.iter().copied().filter(|(title, _)| rest.first().is_none_or(|l| l == title)).collect();
            if levels.is_empty() {
                return usage();
            }
            let permutations = match spec::permutations::permutations(&spec) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(2);
                }
            };
            for (title, setting) in levels {
                println!("==== {title} ====\n");
                for permutation in &permutations {
                    let result = run_permutation(&spec, setting, permutation);
                    print!("{}", result.transcript);
                    match result.serializable {
                        Some(true) => println!("(serializable)\n"),
                        Some(false) => println!("(NOT serializable)\n"),
                        None => println!("(not judged: the permutation did not run to its end)\n"),
                    }
                }
            }
            ExitCode::SUCCESS
        }
        ["matrix", rest @ ..] if rest.is_empty() || rest == ["--write"] => {
            let runs = match spec::run_all() {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::FAILURE;
                }
            };
            let results: Vec<SpecResult<'_>> =
                runs.iter().map(|(spec, run)| SpecResult { spec, summaries: &run.summaries }).collect();
            let block = matrix::render(&results);
            if rest.is_empty() {
                print!("{block}");
                return ExitCode::SUCCESS;
            }
            let path = spec::matrix_document();
            let document = std::fs::read_to_string(&path).unwrap_or_default();
            match matrix::replace_block(&document, &block) {
                Some(updated) => {
                    if let Err(e) = std::fs::write(&path, updated) {
                        eprintln!("{}: {e}", path.display());
                        return ExitCode::FAILURE;
                    }
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!("{}: no matrix markers", path.display());
                    ExitCode::FAILURE
                }
            }
        }
        _ => usage(),
    }
}
