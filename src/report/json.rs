//! The JSON report: a public, versioned contract (DESIGN.md). Lines and columns are 1-based,
//! columns count characters; byte offsets index the decoded UTF-8 text.
//!
//! The report is one pretty-printed object (serde_json's `PrettyFormatter`), written a file at
//! a time: `begin` opens the `files` array, each file's object is rendered where it stands in
//! the array by the worker that checked it and written as soon as it is handed over, and `end`
//! closes the array and adds the files that could not be checked (`errors`, only when there are
//! any) and the summary. The same file object, compact, is a line of `json-lines`, and the same
//! diagnostic object is a finding of the HTML page.
//!
//! Most of a finding's text is its rule's (the id, a help with no placeholder, the source), the
//! same in every finding of the rule: `Rules` serialises it once, and each finding writes it
//! through serde_json's `RawValue` instead of escaping it again byte by byte.

use std::collections::HashMap;
use std::fmt::Display;
use std::io::{self, Write};
use std::sync::Arc;

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use super::{Array, Emitter, Failure, FileReport, Format, Items, Located, Render, Summary};
use crate::diagnostic::{Edit, Fix};
use crate::engine::FileResult;
use crate::rules::RuleSet;

pub const VERSION: u32 = 1;

/// How deep a file's object stands in the report: in `files`, two levels deep.
const FILE_DEPTH: usize = 2;

/// Where a file's object stands in the report.
const FILES: Array = Array::pretty(b"    ", FILE_DEPTH);

/// How deep a finding's `source` stands in the report: file, `diagnostics`, finding, `source`.
const SOURCE_DEPTH: usize = FILE_DEPTH + 3;

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
pub struct Diagnostics<'a>(&'a FileReport<'a>, &'a Rules);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Diagnostics(file, rules) = self;
        serializer.collect_seq(super::located(file).map(|at| diagnostic(file, at, rules)))
    }
}

/// What every finding of a rule says alike, serialised once, by rule id. Without it (no rule
/// set) a finding's rule and help are escaped where they stand and it has no `source`.
#[derive(Default)]
pub struct Rules(HashMap<&'static str, RuleJson>);

/// One rule's share of its findings, as JSON.
struct RuleJson {
    id: Box<RawValue>,
    /// The help when it has no placeholder (so it is the same in every finding): the text its
    /// findings share (`Template::constant`), to recognise it by, and its JSON.
    help: Option<(Arc<str>, Box<RawValue>)>,
    /// The source object, laid out where it stands in a finding.
    source: Option<Box<RawValue>>,
}

/// How the findings are laid out: on one line, or pretty-printed as in the JSON report.
#[derive(Clone, Copy)]
pub enum Layout {
    Compact,
    Report,
}

impl Rules {
    pub fn new(rules: &RuleSet, layout: Layout) -> Self {
        let raw = |json: String| RawValue::from_string(json).expect("serde_json's own output");
        let string = |text: &str| raw(serde_json::to_string(text).expect("a string serialises"));
        Rules(
            rules
                .rules
                .iter()
                .map(|rule| {
                    let meta = &rule.meta;
                    let help = meta
                        .help
                        .as_ref()
                        .and_then(|help| help.constant())
                        .map(|text| (text.clone(), string(text)));
                    let source = meta.source.as_ref().map(|source| {
                        let source = JsonSource {
                            level: source.level.label(),
                            clause: &source.clause,
                        };
                        let mut json = Vec::new();
                        match layout {
                            Layout::Compact => {
                                serde_json::to_writer(&mut json, &source).map_err(io::Error::from)
                            }
                            Layout::Report => pretty_at(&mut json, &source, SOURCE_DEPTH),
                        }
                        .expect("writing to memory");
                        raw(String::from_utf8(json).expect("JSON is UTF-8"))
                    });
                    let json = RuleJson {
                        id: string(meta.id),
                        help,
                        source,
                    };
                    (meta.id, json)
                })
                .collect(),
        )
    }
}

/// A rule's source: its level (条例, 国家标准, 行业规范, 通行做法) and clause.
#[derive(Serialize)]
struct JsonSource<'a> {
    level: &'static str,
    clause: &'a str,
}

/// A string of a finding: its rule's, serialised once, or its own.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Text<'a> {
    Serialised(&'a RawValue),
    Own(&'a str),
}

/// One finding, borrowed from the diagnostic and the text.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    rule: Text<'a>,
    severity: &'static str,
    message: &'a str,
    help: Option<Text<'a>>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_start: usize,
    byte_end: usize,
    text: &'a str,
    fix: Option<JsonFix<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a RawValue>,
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
    rules: &'a Rules,
) -> JsonDiagnostic<'a> {
    let d = at.diagnostic;
    let rule = rules.0.get(d.rule);
    // A finding made by its rule carries the rule's own help text (`Sink::render`); one read
    // back from the cache carries a copy, which is compared.
    let help = d
        .help
        .as_ref()
        .map(|help| match rule.and_then(|rule| rule.help.as_ref()) {
            Some((text, json)) if Arc::ptr_eq(text, help) || text == help => Text::Serialised(json),
            _ => Text::Own(help),
        });
    JsonDiagnostic {
        rule: rule.map_or(Text::Own(d.rule), |rule| Text::Serialised(&rule.id)),
        severity: d.severity.as_str(),
        message: &d.message,
        help,
        line: at.start.line,
        column: at.start.column,
        end_line: at.end.line,
        end_column: at.end.column,
        byte_start: d.span.start,
        byte_end: d.span.end,
        text: d.span.text(file.text()),
        fix: d.fix.as_ref().map(fix),
        source: rule.and_then(|rule| rule.source.as_deref()),
    }
}

fn fix(fix: &Fix) -> JsonFix<'_> {
    JsonFix {
        applicability: fix.applicability.as_str(),
        edits: JsonEdits(&fix.edits),
    }
}

pub fn file<'a>(file: &'a FileReport<'a>, rules: &'a Rules) -> File<'a> {
    let result = file.result;
    File {
        path: Shown(result.source.path.display()),
        encoding: result.source.encoding.as_str(),
        line_ending: result.source.line_ending.as_str(),
        doc_type: result.document.meta.doc_type.map(|t| t.name()),
        midyear: result.document.meta.midyear,
        date: result.document.meta.date.map(Shown),
        diagnostics: Diagnostics(file, rules),
    }
}

pub fn error(failure: &Failure) -> JsonError<'_> {
    JsonError {
        path: Shown(failure.path.display()),
        message: &failure.message,
    }
}

/// Writes `value` pretty-printed as it stands `depth` levels deep in the report.
pub fn pretty_at<W: Write>(out: W, value: &impl Serialize, depth: usize) -> io::Result<()> {
    let formatter = Pretty {
        depth,
        has_value: false,
    };
    value
        .serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
        .map_err(io::Error::from)
}

/// serde_json's `PrettyFormatter` layout (two spaces a level), starting at a depth, its line
/// breaks and indentation written in one piece: `PrettyFormatter` writes the indentation a
/// level at a time, and at a finding's depth that was a third of the JSON report's rendering.
/// Its state and methods are `PrettyFormatter`'s; a test pins the output to serde_json's.
struct Pretty {
    depth: usize,
    has_value: bool,
}

/// A separator, a line break and sixteen levels of indentation, more than any report goes deep;
/// deeper lines are indented a piece at a time.
const BREAK: &[u8; 34] = b",\n                                ";

impl Pretty {
    /// A line break and the indentation of the current depth, after a `,` if `comma`.
    fn line<W: ?Sized + Write>(&self, out: &mut W, comma: bool) -> io::Result<()> {
        const MOST: usize = BREAK.len() - 2;
        let mut spaces = 2 * self.depth;
        let first = spaces.min(MOST);
        out.write_all(&BREAK[usize::from(!comma)..2 + first])?;
        spaces -= first;
        while spaces > 0 {
            let piece = spaces.min(MOST);
            out.write_all(&BREAK[2..2 + piece])?;
            spaces -= piece;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(out, false)?;
        }
        out.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line(out, !first)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Renders a file's object: an element of the report's `files`, or (`json-lines`) a line.
pub struct FileJson {
    rules: Rules,
    line: bool,
}

impl FileJson {
    /// Objects whose findings carry their rule's source (none without `rules`).
    pub fn new(rules: Option<&RuleSet>, line: bool) -> Self {
        let layout = if line {
            Layout::Compact
        } else {
            Layout::Report
        };
        FileJson {
            rules: rules
                .map(|rules| Rules::new(rules, layout))
                .unwrap_or_default(),
            line,
        }
    }
}

impl Render for FileJson {
    fn render(&self, report: &FileReport, out: &mut Vec<u8>) -> io::Result<()> {
        let value = file(report, &self.rules);
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

    /// The report's shape, all at once, every string escaped where it stands: the contract
    /// that what `Rules` serialises once must not change.
    #[derive(Serialize)]
    struct Report<'a> {
        version: u32,
        files: Vec<PlainFile<'a>>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        errors: Vec<JsonError<'a>>,
        summary: Summary,
    }

    #[derive(Serialize)]
    struct PlainFile<'a> {
        path: String,
        encoding: &'static str,
        line_ending: &'static str,
        doc_type: Option<&'static str>,
        midyear: bool,
        date: Option<String>,
        diagnostics: Vec<PlainDiagnostic<'a>>,
    }

    #[derive(Serialize)]
    struct PlainDiagnostic<'a> {
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
        source: Option<JsonSource<'a>>,
    }

    fn plain_file<'a>(report: &'a FileReport<'a>, rules: Option<&'a RuleSet>) -> PlainFile<'a> {
        let result = report.result;
        let meta = &result.document.meta;
        let diagnostics = super::super::located(report).map(|at| {
            let d = at.diagnostic;
            let source = rules
                .and_then(|rules| rules.get(d.rule))
                .and_then(|rule| rule.meta.source.as_ref());
            PlainDiagnostic {
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
                text: d.span.text(report.text()),
                fix: d.fix.as_ref().map(fix),
                source: source.map(|source| JsonSource {
                    level: source.level.label(),
                    clause: &source.clause,
                }),
            }
        });
        PlainFile {
            path: result.source.path.display().to_string(),
            encoding: result.source.encoding.as_str(),
            line_ending: result.source.line_ending.as_str(),
            doc_type: meta.doc_type.map(|t| t.name()),
            midyear: meta.midyear,
            date: meta.date.map(|date| date.to_string()),
            diagnostics: diagnostics.collect(),
        }
    }

    /// The report as one `to_string_pretty` of everything, or (`lines`) a `to_string` of each
    /// file: what the stream must add up to.
    fn whole(
        files: &[FileResult],
        failures: &[Failure],
        rules: Option<&RuleSet>,
        lines: bool,
    ) -> String {
        let summary = Summary::of(files);
        let indexes: Vec<LineIndex> = files
            .iter()
            .map(|f| LineIndex::new(&f.document.text))
            .collect();
        let reports: Vec<FileReport> = files
            .iter()
            .zip(&indexes)
            .map(|(result, index)| FileReport { result, index })
            .collect();
        let files: Vec<PlainFile> = reports.iter().map(|r| plain_file(r, rules)).collect();
        if lines {
            return files
                .iter()
                .map(|file| serde_json::to_string(file).unwrap() + "\n")
                .collect();
        }
        let report = Report {
            version: VERSION,
            files,
            errors: failures.iter().map(error).collect(),
            summary,
        };
        let mut out = serde_json::to_string_pretty(&report).unwrap();
        out.push('\n');
        out
    }

    #[test]
    fn pretty_is_serde_jsons_layout_at_any_depth() {
        use serde_json::ser::{Formatter, PrettyFormatter};
        // Empty and filled arrays and objects, nested deeper than `BREAK` indents.
        let mut value = serde_json::json!({"a": [], "b": {}, "c": [1, {"d": "\"e\""}]});
        for level in 0..20 {
            value = serde_json::json!([level, {"k": value, "l": []}]);
        }
        for depth in [0, 1, 3] {
            let mut expected = PrettyFormatter::new();
            for _ in 0..depth {
                expected.begin_array(&mut io::sink()).unwrap();
            }
            let mut want = Vec::new();
            let mut serializer = serde_json::Serializer::with_formatter(&mut want, expected);
            value.serialize(&mut serializer).unwrap();
            let mut got = Vec::new();
            pretty_at(&mut got, &value, depth).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want)
            );
        }
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
        // Findings whose help and source are their rule's, written as serialised once.
        assert!(files.iter().flat_map(|f| &f.diagnostics).any(|d| {
            let meta = &rules.get(d.rule).unwrap().meta;
            let help = meta
                .help
                .as_ref()
                .filter(|h| h.placeholders().next().is_none());
            meta.source.is_some()
                && d.help.is_some()
                && help.map(|h| h.source()) == d.help.as_deref()
        }));
        let failures = [Failure {
            path: "坏/文件.txt".into(),
            message: "坏/文件.txt: 这是二进制文件".into(),
        }];
        for n in 0..=files.len() {
            let files = &files[..n];
            assert_eq!(render(files), whole(files, &[], None, false));
            for failed in [&failures[..0], &failures[..]] {
                for with in [None, Some(&rules)] {
                    let mut out = Vec::new();
                    format(with).write(files, failed, &mut out).unwrap();
                    let expected = whole(files, failed, with, false);
                    assert_eq!(String::from_utf8(out).unwrap(), expected);
                }
            }
            let lines = super::super::json_lines::format(&rules).render(files);
            assert_eq!(lines, whole(files, &[], Some(&rules), true));
        }
    }
}
