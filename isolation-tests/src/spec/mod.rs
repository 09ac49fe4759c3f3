//! Specs in the manner of PostgreSQL's isolation tester: the format ([`parse`]), the
//! permutations to run ([`permutations`]), and the runner ([`run`]).
//!
//! Specs live in `isolation-tests/specs/NAME.spec`; the expected transcript of each, with one
//! section per isolation level, in `isolation-tests/expected/NAME.out`. The test
//! `tests/specs.rs` runs them all and compares; `UPDATE_EXPECTED=1 cargo test -p
//! isolation-tests --test specs` regenerates the expected files for review.

pub mod oracle;
pub mod parse;
pub mod permutations;
pub mod run;

use std::fmt::Write;
use std::path::{Path, PathBuf};

pub use parse::{parse, Spec};
pub use run::{run_permutation, PermutationResult, LEVELS};

/// Per level, how the permutations of a spec went.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LevelSummary {
    pub permutations: usize,
    pub blocked: usize,
    pub serialization_failures: usize,
    pub deadlocks: usize,
    pub invalid: usize,
    /// Permutations whose outcome is no serial execution's (see `oracle.rs`).
    pub non_serializable: usize,
}

/// A spec's full transcript (every level) and the per-level summaries.
pub struct SpecRun {
    pub transcript: String,
    pub summaries: Vec<(&'static str, LevelSummary)>,
}

/// Runs every permutation of `spec` at every level.
pub fn run_spec(spec: &Spec) -> Result<SpecRun, String> {
    let permutations = permutations::permutations(spec)?;
    let mut transcript = String::new();
    let mut summaries = Vec::new();
    for (title, setting) in LEVELS {
        let _ = writeln!(transcript, "==== {title} ====\n");
        let mut summary = LevelSummary::default();
        for permutation in &permutations {
            let result = run_permutation(spec, setting, permutation);
            summary.permutations += 1;
            summary.blocked += usize::from(result.blocked);
            summary.serialization_failures += usize::from(result.serialization_failure);
            summary.deadlocks += usize::from(result.deadlock);
            summary.invalid += usize::from(result.invalid);
            summary.non_serializable += usize::from(result.serializable == Some(false));
            transcript.push_str(&result.transcript);
            transcript.push('\n');
        }
        summaries.push((title, summary));
    }
    Ok(SpecRun { transcript, summaries })
}

/// The directory of this crate.
pub fn crate_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Every spec file, sorted by name.
pub fn spec_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(crate_dir().join("specs"))
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "spec"));
    files.sort();
    files
}

/// Loads and parses one spec file.
pub fn load(path: &Path) -> Result<Spec, String> {
    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("spec").to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&name, &text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Loads and runs every spec, in name order.
pub fn run_all() -> Result<Vec<(Spec, SpecRun)>, String> {
    spec_files()
        .iter()
        .map(|file| {
            let spec = load(file)?;
            let run = run_spec(&spec).map_err(|e| format!("{}: {e}", spec.name))?;
            Ok((spec, run))
        })
        .collect()
}

/// The document the anomaly matrix is generated into.
pub fn matrix_document() -> PathBuf {
    crate_dir().join("../docs/isolation-levels.md")
}

/// Where the expected transcript of `spec` lives.
pub fn expected_path(spec: &Spec) -> PathBuf {
    crate_dir().join("expected").join(format!("{}.out", spec.name))
}
