//! The JSON report: a public, versioned contract (DESIGN.md). Lines and columns are 1-based,
//! columns count characters; byte offsets index the decoded UTF-8 text.
//!
//! The report is one pretty-printed object (serde_json's `PrettyFormatter`), written a file at
//! a time: `begin` opens the `files` array, each file's object is rendered where it stands in
//! the array by the worker that checked it and written as soon as it is handed over, and `end`
//! closes the array and adds the files that could not be checked (`errors`, only when there are
//! any) and the summary. The same file object, compact, is a line of `json-lines`, and the same
//! diagnostic object is a finding of the HTML page.

use std::collections::HashMap;
use std::fmt::Display;
use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::{Array, Emitter, Failure, FileReport, Format, Items, Located, Render, Summary};
use crate::diagnostic::{Edit, Fix};
use crate::engine::FileResult;
use crate::rules::RuleSet;

pub const VERSION: u32 = 1;

/// Where a file's object stands in the report: in `files`, two levels deep.
const FILES: Array = Array::pretty(b"    ", 2);

/// One file of the report (also one line of `json-lines`).
#[derive(Serialize)]
pub struct File<'a> {
    path: Shown<std::path::Display<'a>>,
    encoding: &'static str,
    line_ending: &'static str,
    doc_type: Option<&'static str>,
    midyear: bool,
    date: Option<Shown<crate::model::DocDate>>,
    diagnostics: Diagnostics<'a>,
}

/// A value serialised as the string it displays as, written straight into the output.
pub struct Shown<T>(pub T);

impl<T: Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// A file's diagnostics, serialised straight from the file's own list.
pub struct Diagnostics<'a>(&'a FileReport<'a>, &'a Sources);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Diagnostics(file, sources) = self;
        serializer.collect_seq(super::located(file).map(|at| diagnostic(file, at, sources)))
    }
}

/// Each rule's source, by rule id, so that every finding says how binding it is.
#[derive(Default)]
pub struct Sources(HashMap<&'static str, JsonSource>);

impl Sources {
    pub fn new(rules: &RuleSet) -> Self {
        Sources(
            rules
                .rules
                .iter()
                .filter_map(|rule| {
                    let source = rule.meta.source.as_ref()?;
                    Some((
                        rule.meta.id,
                        JsonSource {
                            level: source.level.label(),
                            clause: source.clause.clone(),
                        },
                    ))
                })
                .collect(),
        )
    }
}

/// A rule's source: its level (条例, 国家标准, 行业规范, 通行做法) and clause.
#[derive(Serialize)]
pub struct JsonSource {
    level: &'static str,
    clause: String,
}

/// One finding, borrowed from the diagnostic and the text.
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
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a JsonSource>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    edits: JsonEdits<'a>,
}

/// A fix's edits, serialised straight from the fix.
struct JsonEdits<'a>(&'a [Edit]);

impl Serialize for JsonEdits<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|e| JsonEdit {
            replacement: &e.replacement,
            byte_start: e.span.start,
            byte_end: e.span.end,
        }))
    }
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    replacement: &'a str,
    byte_start: usize,
    byte_end: usize,
}

/// A file that could not be checked.
#[derive(Serialize)]
pub struct JsonError<'a> {
    path: Shown<std::path::Display<'a>>,
    message: &'a str,
}

pub fn diagnostic<'a>(
    file: &'a FileReport<'a>,
    at: Located<'a>,
    sources: &'a Sources,
) -> JsonDiagnostic<'a> {
    let d = at.diagnostic;
    JsonDiagnostic {
        rule: d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        line: at.start.line,
        column: at.start.column,
        end_line: at.end.line,
        end_column: at.end.column,
        byte_start: d.span.start,
        byte_end: d.span.end,
        text: d.span.text(file.text()),
        fix: d.fix.as_ref().map(fix),
        source: sources.0.get(d.rule),
    }
}

fn fix(fix: &Fix) -> JsonFix<'_> {
    JsonFix {
        applicability: fix.applicability.as_str(),
        edits: JsonEdits(&fix.edits),
    }
}

pub fn file<'a>(file: &'a FileReport<'a>, sources: &'a Sources) -> File<'a> {
    let result = file.result;
    File {
        path: Shown(result.source.path.display()),
        encoding: result.source.encoding.as_str(),
        line_ending: result.source.line_ending.as_str(),
        doc_type: result.document.meta.doc_type.map(|t| t.name()),
        midyear: result.document.meta.midyear,
        date: result.document.meta.date.map(Shown),
        diagnostics: Diagnostics(file, sources),
    }
}

pub fn error(failure: &Failure) -> JsonError<'_> {
    JsonError {
        path: Shown(failure.path.display()),
        message: &failure.message,
    }
}

/// Writes `value` pretty-printed as it stands `depth` levels deep in the report: serde_json's
/// own `PrettyFormatter`, brought to that depth by opening as many (unwritten) arrays.
pub fn pretty_at<W: Write>(out: W, value: &impl Serialize, depth: usize) -> io::Result<()> {
    use serde_json::ser::{Formatter, PrettyFormatter};
    let mut formatter = PrettyFormatter::new();
    for _ in 0..depth {
        formatter.begin_array(&mut io::sink())?;
    }
    value
        .serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
        .map_err(io::Error::from)
}

/// Renders a file's object: an element of the report's `files`, or (`json-lines`) a line.
pub struct FileJson {
    sources: Sources,
    line: bool,
}

impl FileJson {
    /// Objects whose findings carry their rule's source (none without `rules`).
    pub fn new(rules: Option<&RuleSet>, line: bool) -> Self {
        FileJson {
            sources: rules.map(Sources::new).unwrap_or_default(),
            line,
        }
    }
}

impl Render for FileJson {
    fn render(&self, report: &FileReport, out: &mut Vec<u8>) -> io::Result<()> {
        let value = file(report, &self.sources);
        if self.line {
            serde_json::to_writer(&mut *out, &value)?;
            out.push(b'\n');
            Ok(())
        } else {
            FILES.render(out, &value)
        }
    }
}

/// The JSON report's assembly: the `files` array, then errors and the summary.
#[derive(Default)]
pub struct Json {
    files: Items,
    summary: Summary,
    /// Files that could not be checked: few, and listed after the files.
    errors: Vec<Failure>,
}

/// The JSON report, its findings carrying their rule's source when `rules` are given.
pub fn format<'r>(rules: Option<&RuleSet>) -> Format<'r> {
    Format {
        render: Some(Box::new(FileJson::new(rules, false))),
        emitter: Box::new(Json::default()),
    }
}

impl Emitter for Json {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "{{\n  \"version\": {VERSION},\n  \"files\": [")
    }

    fn file(
        &mut self,
        report: &FileReport,
        rendered: &[u8],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        self.summary.add(report.diagnostics());
        self.files.write(rendered, out)
    }

    fn failure(&mut self, failure: &Failure, _out: &mut dyn Write) -> io::Result<()> {
        self.errors.push(failure.clone());
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.files.close(out, b"  ")?;
        if !self.errors.is_empty() {
            out.write_all(b",\n  \"errors\": ")?;
            let errors: Vec<JsonError> = self.errors.iter().map(error).collect();
            pretty_at(&mut *out, &errors, 1)?;
        }
        out.write_all(b",\n  \"summary\": ")?;
        pretty_at(&mut *out, &self.summary, 1)?;
        out.write_all(b"\n}\n")
    }
}

/// The whole report for files in memory.
pub fn render(files: &[FileResult]) -> String {
    format(None).render(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use crate::source::{LineIndex, SourceFile};

    /// The report's shape, all at once.
    #[derive(Serialize)]
    struct Report<'a> {
        version: u32,
        files: Vec<File<'a>>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        errors: Vec<JsonError<'a>>,
        summary: Summary,
    }

    /// The report as one `to_string_pretty` of everything: what the stream must add up to.
    fn whole(files: &[FileResult], failures: &[Failure]) -> String {
        let indexes: Vec<LineIndex> = files
            .iter()
            .map(|f| LineIndex::new(&f.document.text))
            .collect();
        let reports: Vec<FileReport> = files
            .iter()
            .zip(&indexes)
            .map(|(result, index)| FileReport { result, index })
            .collect();
        let sources = Sources::default();
        let report = Report {
            version: VERSION,
            files: reports.iter().map(|r| file(r, &sources)).collect(),
            errors: failures.iter().map(error).collect(),
            summary: Summary::of(files),
        };
        let mut out = serde_json::to_string_pretty(&report).unwrap();
        out.push('\n');
        out
    }

    #[test]
    fn the_streamed_report_is_serde_json_pretty() {
        let rules = RuleSet::builtin().unwrap();
        let texts = [
            "关于做好2021 年工作的通知\n\n一、总体要求\n\n“十三五”期间,面对\t复杂形势。\r\n",
            "",
            "正文。",
            "标题\n\n  \n第一段\"引号\"和\\反斜杠,以及 2021 年\u{1}\u{1b}。",
            "标题\n\n甲,乙,丙:丁;戊,己,庚 1 个,辛 2 个。\n\n（一）“未闭合",
        ];
        let files: Vec<FileResult> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let path = std::path::PathBuf::from(format!("dir/文件{i}.txt"));
                let source = SourceFile::from_bytes(&path, text.as_bytes()).unwrap();
                crate::engine::check_source(&rules, &Default::default(), source).unwrap()
            })
            .collect();
        let failures = [Failure {
            path: "坏/文件.txt".into(),
            message: "坏/文件.txt: 这是二进制文件".into(),
        }];
        for n in 0..=files.len() {
            assert_eq!(render(&files[..n]), whole(&files[..n], &[]));
            for failed in [&failures[..0], &failures[..]] {
                let mut out = Vec::new();
                format(None).write(&files[..n], failed, &mut out).unwrap();
                assert_eq!(String::from_utf8(out).unwrap(), whole(&files[..n], failed));
            }
        }
    }
}
