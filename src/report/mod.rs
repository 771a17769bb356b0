//! Rendering results: `human` (miette, Chinese), `json` (the versioned public contract), and the
//! `parse` outline. Only this module serialises; its output structs are its own.

pub mod concise;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod outline;
pub mod sarif;

use crate::diagnostic::Severity;
use crate::engine::FileResult;

/// Counts by severity across files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(files: &[FileResult]) -> Self {
        let mut summary = Summary {
            files: files.len(),
            ..Summary::default()
        };
        for diagnostic in files.iter().flat_map(|f| &f.diagnostics) {
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}
