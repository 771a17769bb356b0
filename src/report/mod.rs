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

use rayon::prelude::*;

use crate::diagnostic::Severity;
use crate::engine::FileResult;

/// Diagnostics (plus one per file) rendered together before their pieces are handed on: big
/// enough to keep every core busy, small enough that a batch's pieces cost little memory.
const BATCH: usize = 16 * 1024;

/// Renders every file with `render` on all cores and hands the pieces to `emit` in file order,
/// one batch of files at a time, so that only a batch of pieces is held at once.
pub(crate) fn render_in_order<E>(
    files: &[FileResult],
    render: impl Fn(&FileResult) -> String + Sync,
    mut emit: impl FnMut(String) -> Result<(), E>,
) -> Result<(), E> {
    let mut rest = files;
    while !rest.is_empty() {
        let mut weight = 0;
        let take = rest
            .iter()
            .position(|file| {
                weight += file.diagnostics.len() + 1;
                weight >= BATCH
            })
            .map_or(rest.len(), |last| last + 1);
        let (batch, after) = rest.split_at(take);
        let pieces: Vec<String> = batch.par_iter().map(&render).collect();
        for piece in pieces {
            emit(piece)?;
        }
        rest = after;
    }
    Ok(())
}

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
