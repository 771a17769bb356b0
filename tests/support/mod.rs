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
