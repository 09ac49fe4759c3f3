//! Every spec in `specs/` at every isolation level, compared with `expected/`.
//! `UPDATE_EXPECTED=1 cargo test -p isolation-tests --test specs` regenerates the expected
//! transcripts; review the diff like code.

use isolation_tests::spec::{expected_path, load, run_spec, spec_files};

#[test]
fn every_spec_matches_its_expected_transcript() {
    let update = std::env::var_os("UPDATE_EXPECTED").is_some();
    let files = spec_files();
    assert!(!files.is_empty(), "no specs found");
    let mut failures = Vec::new();
    for file in files {
        let spec = load(&file).unwrap_or_else(|e| panic!("{e}"));
        let run = run_spec(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        for (level, summary) in &run.summaries {
            if matches!(*level, "two phase locking" | "serializable") && summary.non_serializable > 0 {
                failures.push(format!(
                    "{}: {} permutation(s) at {level} committed a non-serializable result",
                    spec.name, summary.non_serializable
                ));
            }
        }
        let path = expected_path(&spec);
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
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The oracle can fail: write skew commits under SNAPSHOT and READ COMMITTED, and the oracle
/// must call those permutations non-serializable.
#[test]
fn the_oracle_finds_write_skew_where_it_is_allowed() {
    let spec = load(&isolation_tests::spec::crate_dir().join("specs/write-skew.spec")).unwrap();
    let run = run_spec(&spec).unwrap();
    let summary = |level: &str| run.summaries.iter().find(|(l, _)| *l == level).map(|(_, s)| s.clone()).unwrap();
    assert!(summary("snapshot").non_serializable > 0);
    assert!(summary("read committed").non_serializable > 0);
    assert_eq!(summary("serializable").non_serializable, 0);
    assert_eq!(summary("two phase locking").non_serializable, 0);
}
