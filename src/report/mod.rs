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
    emit: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut batches = Vec::new();
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
        batches.push(batch);
        rest = after;
    }
    pipeline(
        &batches,
        |batch| batch.par_iter().map(&render).collect(),
        emit,
    )
}

/// Makes each batch's pieces with `make` (which may use every core) while the calling thread
/// hands the previous batch's pieces to `emit`, in order: copying out the report overlaps
/// with rendering the next batch.
pub(crate) fn pipeline<B: Sync, E>(
    batches: &[B],
    make: impl Fn(&B) -> Vec<String> + Sync,
    mut emit: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut ready: Vec<String> = Vec::new();
    for batch in batches {
        let mut next = Vec::new();
        rayon::in_place_scope(|scope| {
            scope.spawn(|_| next = make(batch));
            ready.iter().try_for_each(|piece| emit(piece))
        })?;
        ready = next;
    }
    ready.iter().try_for_each(|piece| emit(piece))
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

/// A diagnostic with what the line-oriented formats print of it.
pub struct Located<'a> {
    /// The file's path with forward slashes.
    pub path: String,
    pub start: crate::source::LineColumn,
    pub end: crate::source::LineColumn,
    pub diagnostic: &'a crate::diagnostic::Diagnostic,
}

/// Every diagnostic of every file, in order, with its path and positions.
pub fn located(files: &[FileResult]) -> impl Iterator<Item = Located<'_>> {
    files.iter().flat_map(|file| {
        let text = file.document.text.as_str();
        let index = crate::source::LineIndex::new(text);
        let path = file.source.path.to_string_lossy().replace('\\', "/");
        file.diagnostics.iter().map(move |d| Located {
            path: path.clone(),
            start: index.line_col(text, d.span.start),
            end: index.line_col(text, d.span.end),
            diagnostic: d,
        })
    })
}
