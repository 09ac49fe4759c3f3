//! The anomaly suite: every spec in `specs/` at every isolation level.
//!
//! * each transcript must equal `expected/NAME.out`;
//! * no permutation at TWO PHASE LOCKING or SERIALIZABLE, nor at a level the spec says must
//!   prevent its anomaly, may commit a non-serializable result (the oracle's verdict);
//! * the anomaly matrix in `docs/isolation-levels.md` must be the one these runs generate.
//!
//! `UPDATE_EXPECTED=1 cargo test -p isolation-tests --test specs` regenerates the transcripts
//! and the matrix; review the diff like code.

use isolation_tests::matrix::{self, SpecResult};
use isolation_tests::spec::{crate_dir, expected_path, load, matrix_document, run_all, run_spec};

#[test]
fn every_spec_at_every_level() {
    let update = std::env::var_os("UPDATE_EXPECTED").is_some();
    let runs = run_all().unwrap_or_else(|e| panic!("{e}"));
    assert!(!runs.is_empty(), "no specs found");
    let mut failures = Vec::new();
    for (spec, run) in &runs {
        let must_prevent = matrix::must_prevent(spec);
        for (level, summary) in &run.summaries {
            let required = matches!(*level, "two phase locking" | "serializable") || must_prevent.contains(level);
            if required && summary.non_serializable > 0 {
                failures.push(format!(
                    "{}: {} permutation(s) at {level} committed a non-serializable result",
                    spec.name, summary.non_serializable
                ));
            }
        }
        let path = expected_path(spec);
        if update {
            std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create expected/");
            std::fs::write(&path, &run.transcript).expect("write expected transcript");
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != run.transcript {
            let line = expected.lines().zip(run.transcript.lines()).position(|(e, a)| e != a).unwrap_or(0);
            let around: Vec<&str> = run.transcript.lines().skip(line.saturating_sub(3)).take(10).collect();
            failures.push(format!(
                "{}: differs from line {} (UPDATE_EXPECTED=1 regenerates):\n{}",
                spec.name,
                line + 1,
                around.join("\n")
            ));
        }
    }
    let results: Vec<SpecResult<'_>> =
        runs.iter().map(|(spec, run)| SpecResult { spec, summaries: &run.summaries }).collect();
    let block = matrix::render(&results);
    let document = std::fs::read_to_string(matrix_document()).expect("docs/isolation-levels.md exists");
    let generated = matrix::replace_block(&document, &block).expect("the document has the matrix markers");
    if update {
        std::fs::write(matrix_document(), &generated).expect("write the matrix");
    } else if generated != document {
        failures.push(
            "docs/isolation-levels.md: the anomaly matrix is not the generated one (UPDATE_EXPECTED=1 regenerates)"
                .into(),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The oracle can fail: write skew commits under SNAPSHOT and READ COMMITTED, and the oracle
/// must call those permutations non-serializable.
#[test]
fn the_oracle_finds_write_skew_where_it_is_allowed() {
    let spec = load(&crate_dir().join("specs/write-skew.spec")).unwrap();
    let run = run_spec(&spec).unwrap();
    let summary = |level: &str| run.summaries.iter().find(|(l, _)| *l == level).map(|(_, s)| s.clone()).unwrap();
    assert!(summary("snapshot").non_serializable > 0);
    assert!(summary("read committed").non_serializable > 0);
    assert_eq!(summary("serializable").non_serializable, 0);
    assert_eq!(summary("two phase locking").non_serializable, 0);
}
