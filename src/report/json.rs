//! The JSON report: a public, versioned contract (DESIGN.md). Lines and columns are 1-based,
//! columns count characters; byte offsets index the decoded UTF-8 text.

use serde::Serialize;

use super::Summary;
use crate::diagnostic::{Diagnostic, Fix};
use crate::engine::FileResult;
use crate::source::LineIndex;

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    files: Vec<File<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct File<'a> {
    path: String,
    encoding: &'static str,
    line_ending: &'static str,
    doc_type: Option<&'static str>,
    midyear: bool,
    date: Option<String>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_start: usize,
    byte_end: usize,
    text: &'a str,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    replacement: &'a str,
    byte_start: usize,
    byte_end: usize,
}

pub fn diagnostic<'a>(text: &'a str, index: &LineIndex, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let start = index.line_col(text, d.span.start);
    let end = index.line_col(text, d.span.end);
    JsonDiagnostic {
        rule: d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        byte_start: d.span.start,
        byte_end: d.span.end,
        text: d.span.text(text),
        fix: d.fix.as_ref().map(fix),
    }
}

fn fix(fix: &Fix) -> JsonFix<'_> {
    JsonFix {
        applicability: fix.applicability.as_str(),
        edits: fix
            .edits
            .iter()
            .map(|e| JsonEdit {
                replacement: &e.replacement,
                byte_start: e.span.start,
                byte_end: e.span.end,
            })
            .collect(),
    }
}

pub fn render(files: &[FileResult]) -> String {
    let indexes: Vec<LineIndex> = files
        .iter()
        .map(|f| LineIndex::new(&f.document.text))
        .collect();
    let report = Report {
        version: VERSION,
        files: files
            .iter()
            .zip(&indexes)
            .map(|(file, index)| File {
                path: file.source.path.display().to_string(),
                encoding: file.source.encoding.as_str(),
                line_ending: file.source.line_ending.as_str(),
                doc_type: file.document.meta.doc_type.map(|t| t.name()),
                midyear: file.document.meta.midyear,
                date: file.document.meta.date.map(|d| d.to_string()),
                diagnostics: file
                    .diagnostics
                    .iter()
                    .map(|d| diagnostic(&file.document.text, index, d))
                    .collect(),
            })
            .collect(),
        summary: Summary::of(files),
    };
    let mut out = serde_json::to_string_pretty(&report).expect("JSON report");
    out.push('\n');
    out
}
