//! `--format rdjson`: reviewdog's Diagnostic Format (rdjson), so `reviewdog -f=rdjson` can
//! post findings as review comments or checks. One object, `{"source": …, "diagnostics": […]}`;
//! each diagnostic has its message, location (path and range), severity, the rule as its code,
//! and the fix as suggestions. rdjson lines are 1-based and its columns count UTF-8 bytes from
//! the line start, plus one. A file that could not be checked is an `ERROR` on its path.

use std::io;

use serde::Serialize;

use super::{Array, ArrayReport, FileReport, Format, Render};
use crate::diagnostic::Severity;

const DIAGNOSTICS: Array = Array::compact(b"    ");

/// A file's diagnostics, rendered by the worker that checked it.
struct FileDiagnostics;

pub fn format<'r>() -> Format<'r> {
    Format {
        render: Some(Box::new(FileDiagnostics)),
        emitter: Box::new(ArrayReport::new(
            b"{\n  \"source\": {\"name\": \"gwlint\"},\n  \"diagnostics\": [",
            (b"  ", b"\n}\n"),
            failure,
        )),
    }
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
}

#[derive(Serialize)]
struct RdDiagnostic<'a> {
    message: &'a str,
    location: RdLocation<'a>,
    severity: &'static str,
    source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<Code<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<Suggestion<'a>>,
}

#[derive(Serialize)]
struct RdLocation<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<Range>,
}

#[derive(Clone, Copy, Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Clone, Copy, Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Code<'a> {
    value: &'a str,
}

#[derive(Serialize)]
struct Suggestion<'a> {
    range: Range,
    text: &'a str,
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

/// rdjson's position: line, and column in UTF-8 bytes from the line start, both 1-based.
fn position(file: &FileReport, offset: usize) -> Position {
    let line = file.index.line(offset);
    Position {
        line,
        column: offset - file.index.line_start(line) + 1,
    }
}

fn range(file: &FileReport, span: crate::diagnostic::Span) -> Range {
    Range {
        start: position(file, span.start),
        end: position(file, span.end),
    }
}

impl Render for FileDiagnostics {
    fn render(&self, file: &FileReport, out: &mut Vec<u8>) -> io::Result<()> {
        let path = super::repo_path(file.path());
        for d in file.diagnostics() {
            // Suggestions are only exact for text that is the file's own bytes.
            let suggestions = match &d.fix {
                Some(fix) if file.result.source.encoding == crate::source::Encoding::Utf8 => fix
                    .edits
                    .iter()
                    .map(|edit| Suggestion {
                        range: range(file, edit.span),
                        text: &edit.replacement,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let diagnostic = RdDiagnostic {
                message: &d.message,
                location: RdLocation {
                    path: &path,
                    range: Some(range(file, d.span)),
                },
                severity: severity(d.severity),
                source: Source { name: "gwlint" },
                code: Some(Code { value: d.rule }),
                suggestions,
            };
            DIAGNOSTICS.render(out, &diagnostic)?;
        }
        Ok(())
    }
}

/// A file that could not be checked: an error on its path, with no range.
fn failure(path: String, message: &str, out: &mut Vec<u8>) -> io::Result<()> {
    let diagnostic = RdDiagnostic {
        message,
        location: RdLocation {
            path: &path,
            range: None,
        },
        severity: "ERROR",
        source: Source { name: "gwlint" },
        code: None,
        suggestions: Vec::new(),
    };
    DIAGNOSTICS.render(out, &diagnostic)
}
