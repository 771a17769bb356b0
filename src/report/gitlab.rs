//! `--format gitlab`: GitLab Code Quality (a JSON array of issues, what GitLab shows in a merge
//! request's widget). Each issue carries `description`, `check_name` (the rule id),
//! `fingerprint`, `severity` (`major` for errors, `minor` for warnings, `info`),
//! `location.path` and `location.lines.begin`/`end`.
//!
//! The fingerprint is made of content, not positions: the path, the rule, the flagged text with
//! its context on the line (the baseline's fingerprint) and which occurrence of that it is in
//! the file. An edit elsewhere in a document keeps its issues' fingerprints, so GitLab tells
//! new issues from old ones; two identical findings in one file still differ. A file that
//! could not be checked is a `blocker` issue on line 1.

use std::collections::HashMap;
use std::io;

use serde::Serialize;

use super::{Array, ArrayReport, FileReport, Format, Render};
use crate::diagnostic::Severity;

const ISSUES: Array = Array::compact(b"  ");

/// A file's issues, rendered by the worker that checked it.
struct FileIssues;

pub fn format<'r>() -> Format<'r> {
    Format {
        render: Some(Box::new(FileIssues)),
        emitter: Box::new(ArrayReport::new(b"[", (b"", b"\n"), failure)),
    }
}

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

impl Render for FileIssues {
    fn render(&self, file: &FileReport, out: &mut Vec<u8>) -> io::Result<()> {
        let path = super::repo_path(file.path());
        let mut occurrences: HashMap<(&str, String), usize> = HashMap::new();
        for at in super::located(file) {
            let d = at.diagnostic;
            let content = crate::baseline::fingerprint(file.text(), d);
            let occurrence = occurrences.entry((d.rule, content.clone())).or_insert(0);
            *occurrence += 1;
            let issue = Issue {
                description: &d.message,
                check_name: d.rule,
                fingerprint: crate::baseline::fnv1a(&[
                    &path,
                    d.rule,
                    &content,
                    &occurrence.to_string(),
                ]),
                severity: severity(d.severity),
                location: IssueLocation {
                    path: &path,
                    lines: Lines {
                        begin: at.start.line,
                        end: at.end.line,
                    },
                },
            };
            ISSUES.render(out, &issue)?;
        }
        Ok(())
    }
}

/// A file that could not be checked: a blocker on its first line.
fn failure(path: String, message: &str, out: &mut Vec<u8>) -> io::Result<()> {
    let issue = Issue {
        description: message,
        check_name: "gwlint/file",
        fingerprint: crate::baseline::fnv1a(&[&path, "gwlint/file"]),
        severity: "blocker",
        location: IssueLocation {
            path: &path,
            lines: Lines { begin: 1, end: 1 },
        },
    };
    ISSUES.render(out, &issue)
}
