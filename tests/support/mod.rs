//! Helpers shared by the integration tests; each test crate uses a part of them.
#![allow(dead_code)]

pub mod docx;
pub mod findings;

use std::path::{Path, PathBuf};

/// The seed document whose file name starts with `prefix` (`"004"`).
pub fn seed(prefix: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("seed {prefix}"))
}

/// `gwlint check --format json PATH` with every default rule: the report, after checking that
/// the run ended with 0 or 1.
pub fn check_report(path: &Path) -> serde_json::Value {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gwlint"))
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .expect("run gwlint");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON report")
}
