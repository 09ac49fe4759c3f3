//! The CI smoke test: `isolde-bench --quick` runs every workload on both engines with small
//! counts and checks every result (row counts, checksums, sums, bank totals, audits). It never
//! looks at a timing.

use std::process::Command;

#[test]
fn quick_run_checks_every_workload_on_both_engines() {
    let output = Command::new(env!("CARGO_BIN_EXE_isolde-bench"))
        .args(["--quick", "--json"])
        .output()
        .expect("the benchmark binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "isolde-bench --quick failed:\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    // 9 table workloads + 2 bank workloads + peak memory + memory growth under updates
    // + 4 isolation workloads x 4 levels.
    assert_eq!(lines.len(), 9 + 2 + 1 + 1 + 16, "unexpected output:\n{stdout}");
    for workload in [
        "\"load\"",
        "\"point_select_sql_text\"",
        "\"bank_2threads\"",
        "\"load_peak_rss\"",
        "\"update_memory_growth\"",
        "\"iso_bank_audit\"",
    ] {
        assert!(stdout.contains(workload), "no {workload} in:\n{stdout}");
    }
    assert!(lines.iter().all(|l| l.starts_with('{') && l.ends_with('}')));
    // The memory growth under updates is computed: a finite, positive ratio for each engine
    // (whether it meets its target is for the full run to say).
    let growth = lines.iter().find(|l| l.contains("\"update_memory_growth\"")).unwrap();
    for key in ["\"ratio\":", "\"sqlite_ratio\":"] {
        let ratio = number_after(growth, key);
        assert!(ratio.is_finite() && ratio > 0.0, "{key} {ratio} in {growth}");
    }
    // Every line a target applies to carries it: the 9 table and 2 bank workloads, the peak
    // memory, the memory growth, and SERIALIZABLE of iso_sibench and iso_bank_uniform.
    let with_targets = lines.iter().filter(|l| l.contains("\"targets\":[") && l.contains("\"met\":")).count();
    assert_eq!(with_targets, 9 + 2 + 1 + 1 + 2, "unexpected targets in:\n{stdout}");
}

/// The number after `key` in a JSON line.
fn number_after(line: &str, key: &str) -> f64 {
    let rest = &line[line.find(key).unwrap_or_else(|| panic!("no {key} in {line}")) + key.len()..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end].parse().unwrap_or_else(|e| panic!("{key} in {line}: {e}"))
}
