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
//! through serde_json's `RawValue` instead of escaping it again byte by byte. And most of a
//! file's findings say what others say (a half-width comma's message, help and fix): those are
//! written from a template, the finding serialised once per file with a hole for each number,
//! so that serde escapes their keys and texts once per file rather than once per finding.

use std::collections::hash_map::Entry;
use std::fmt::Display;
use std::io::{self, Write};
use std::sync::Arc;

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use smallvec::SmallVec;

use super::{Array, Emitter, Failure, FileReport, Format, Items, Located, Render, Summary};
use crate::diagnostic::{Diagnostic, Edit, Fix};
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
    diagnostics: Diagnostics,
}

/// A value serialised as the string it displays as, written straight into the output.
pub struct Shown<T>(pub T);

impl<T: Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// A file's diagnostics: a hole for each finding, filled in from the findings' templates.
pub struct Diagnostics(usize);

impl Serialize for Diagnostics {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(std::iter::repeat_n(Number::Hole, self.0))
    }
}

/// What every finding of a rule says alike, serialised once, by rule id. Without it (no rule
/// set) a finding's rule and help are escaped where they stand and it has no `source`.
#[derive(Default)]
pub struct Rules(foldhash::HashMap<&'static str, RuleJson>);

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
#[derive(Clone, Copy, PartialEq, Eq)]
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
    line: Number,
    column: Number,
    end_line: Number,
    end_column: Number,
    byte_start: Number,
    byte_end: Number,
    text: &'a str,
    fix: Option<JsonFix<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a RawValue>,
}

/// A finding's numbers in the order its JSON has them (`JsonDiagnostic`'s, then each edit's).
fn numbers(at: &Located) -> SmallVec<[usize; 8]> {
    let (start, end, span) = (at.start, at.end, at.diagnostic.span);
    let numbers = [
        start.line,
        start.column,
        end.line,
        end.column,
        span.start,
        span.end,
        0,
        0,
    ];
    // Room for one edit's two numbers, most fixes' one edit.
    let mut numbers = SmallVec::from_buf_and_len(numbers, 6);
    for edit in at.diagnostic.fix.iter().flat_map(|fix| &fix.edits) {
        numbers.push(edit.span.start);
        numbers.push(edit.span.end);
    }
    numbers
}

impl JsonDiagnostic<'_> {
    /// The finding with a hole for each of its numbers: its template.
    fn holed(mut self) -> Self {
        for number in [
            &mut self.line,
            &mut self.column,
            &mut self.end_line,
            &mut self.end_column,
            &mut self.byte_start,
            &mut self.byte_end,
        ] {
            *number = Number::Hole;
        }
        if let Some(fix) = &mut self.fix {
            fix.edits.holed = true;
        }
        self
    }
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    edits: JsonEdits<'a>,
}

/// A fix's edits, serialised straight from the fix (with holes for their offsets in a
/// template).
struct JsonEdits<'a> {
    edits: &'a [Edit],
    holed: bool,
}

impl Serialize for JsonEdits<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let number = |n: usize| {
            if self.holed {
                Number::Hole
            } else {
                Number::Of(n)
            }
        };
        serializer.collect_seq(self.edits.iter().map(|e| JsonEdit {
            replacement: &e.replacement,
            byte_start: number(e.span.start),
            byte_end: number(e.span.end),
        }))
    }
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    replacement: &'a str,
    byte_start: Number,
    byte_end: Number,
}

/// A number of the report, or a hole where one goes: a template's, filled in per finding, or
/// (`Diagnostics`) a finding's place in its file's object.
#[derive(Clone, Copy)]
enum Number {
    Of(usize),
    Hole,
}

/// How a hole is written: a value serde_json copies as it stands, with a tab in it. A tab
/// stands raw nowhere else in serde_json's output (a string escapes it, and neither layout
/// indents with it), so the holes are found again by their tabs.
const HOLE: &str = "[\t]";

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        static HOLE_JSON: std::sync::LazyLock<Box<RawValue>> = std::sync::LazyLock::new(|| {
            RawValue::from_string(HOLE.to_owned()).expect("an empty array")
        });
        match *self {
            Number::Of(n) => serializer.serialize_u64(n as u64),
            Number::Hole => HOLE_JSON.serialize(serializer),
        }
    }
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
        line: Number::Of(at.start.line),
        column: Number::Of(at.start.column),
        end_line: Number::Of(at.end.line),
        end_column: Number::Of(at.end.column),
        byte_start: Number::Of(d.span.start),
        byte_end: Number::Of(d.span.end),
        text: d.span.text(file.text()),
        fix: d.fix.as_ref().map(fix),
        source: rule.and_then(|rule| rule.source.as_deref()),
    }
}

fn fix(fix: &Fix) -> JsonFix<'_> {
    JsonFix {
        applicability: fix.applicability.as_str(),
        edits: JsonEdits {
            edits: &fix.edits,
            holed: false,
        },
    }
}

/// A file's object, a hole where each finding goes.
fn file<'a>(file: &'a FileReport<'a>) -> File<'a> {
    let result = file.result;
    File {
        path: Shown(result.source.path.display()),
        encoding: result.source.encoding.as_str(),
        line_ending: result.source.line_ending.as_str(),
        doc_type: result.document.meta.doc_type.map(|t| t.name()),
        midyear: result.document.meta.midyear,
        date: result.document.meta.date.map(Shown),
        diagnostics: Diagnostics(file.diagnostics().len()),
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
    layout: Layout,
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
            layout,
        }
    }

    /// Serialises `value` as it stands in the report: a file's object or a finding.
    fn serialise(&self, out: &mut Vec<u8>, value: &impl Serialize, depth: usize) -> io::Result<()> {
        match self.layout {
            Layout::Compact => serde_json::to_writer(out, value).map_err(io::Error::from),
            Layout::Report => pretty_at(out, value, depth),
        }
    }
}

impl Render for FileJson {
    /// The file's object is serialised with a hole for each finding, and each finding from
    /// its template: most findings of a file say what others say (a half-width comma's message,
    /// fix and help), so serde escapes a text and its keys once per file, not once per finding.
    fn render(&self, report: &FileReport, out: &mut Vec<u8>) -> io::Result<()> {
        let mut object = Vec::new();
        match self.layout {
            Layout::Compact => serde_json::to_writer(&mut object, &file(report))?,
            Layout::Report => FILES.render(&mut object, &file(report))?,
        }
        let mut templates = Templates::default();
        let mut findings = super::located(report);
        for (i, piece) in pieces(&object).enumerate() {
            if i > 0 {
                let at = findings.next().expect("a finding for each hole");
                templates.write(self, report, at, out)?;
            }
            out.extend_from_slice(piece);
        }
        if self.layout == Layout::Compact {
            out.push(b'\n');
        }
        Ok(())
    }
}

/// How deep a finding stands in the report: in its file's `diagnostics`.
const FINDING_DEPTH: usize = FILE_DEPTH + 2;

/// The bytes of a serialisation with holes between them, one piece more than there are holes.
fn pieces(serialised: &[u8]) -> impl Iterator<Item = &[u8]> {
    let (open, close) = HOLE.split_once('\t').expect("a hole has a tab");
    let mut from = 0;
    let tabs = memchr::memchr_iter(b'\t', serialised).map(Some);
    tabs.chain([None]).map(move |tab| {
        let piece = match tab {
            Some(tab) => &serialised[from..tab - open.len()],
            None => &serialised[from..],
        };
        from = tab.map_or(serialised.len(), |tab| tab + 1 + close.len());
        piece
    })
}

/// A file's findings serialised with a hole for each number, by what they say: a finding is
/// its template with its own numbers in the holes.
#[derive(Default)]
struct Templates<'a> {
    by_shape: foldhash::HashMap<Shape<'a>, Template>,
    /// Every template's bytes, one after another.
    bytes: Vec<u8>,
    /// Where in `bytes` each template's holes are.
    holes: Vec<usize>,
    /// The template written last, and its shape.
    last: Option<(Shape<'a>, Template)>,
    scratch: Vec<u8>,
}

/// A template's bytes and holes, in `Templates`.
#[derive(Clone)]
struct Template {
    bytes: std::ops::Range<usize>,
    holes: std::ops::Range<usize>,
}

impl<'a> Templates<'a> {
    /// Writes a finding from its template, serialising the template first if it is new.
    fn write(
        &mut self,
        json: &FileJson,
        report: &'a FileReport<'a>,
        at: Located<'a>,
        out: &mut Vec<u8>,
    ) -> io::Result<()> {
        let d = at.diagnostic;
        if Arc::strong_count(&d.message) == 1 {
            // No other finding says this (or says it in a copy, as findings read back from the
            // cache do): a template would serve this finding alone.
            let finding = diagnostic(report, at, &json.rules);
            return json.serialise(out, &finding, FINDING_DEPTH);
        }
        let numbers = numbers(&at);
        let shape = Shape {
            diagnostic: d,
            text: d.span.text(report.text()),
        };
        // A finding often says what the one before it said (a run of half-width commas).
        let template = match &self.last {
            Some((last, template)) if *last == shape => template.clone(),
            _ => {
                let template = match self.by_shape.entry(shape) {
                    Entry::Occupied(template) => template.get().clone(),
                    Entry::Vacant(vacant) => {
                        self.scratch.clear();
                        let finding = diagnostic(report, at, &json.rules).holed();
                        json.serialise(&mut self.scratch, &finding, FINDING_DEPTH)?;
                        let start = (self.bytes.len(), self.holes.len());
                        for (i, piece) in pieces(&self.scratch).enumerate() {
                            if i > 0 {
                                self.holes.push(self.bytes.len());
                            }
                            self.bytes.extend_from_slice(piece);
                        }
                        vacant
                            .insert(Template {
                                bytes: start.0..self.bytes.len(),
                                holes: start.1..self.holes.len(),
                            })
                            .clone()
                    }
                };
                self.last = Some((shape, template.clone()));
                template
            }
        };
        let mut from = template.bytes.start;
        let mut digits = itoa::Buffer::new();
        let holes = &self.holes[template.holes.clone()];
        debug_assert_eq!(holes.len(), numbers.len());
        for (&hole, &number) in holes.iter().zip(&numbers) {
            out.extend_from_slice(&self.bytes[from..hole]);
            out.extend_from_slice(digits.format(number).as_bytes());
            from = hole;
        }
        out.extend_from_slice(&self.bytes[from..template.bytes.end]);
        Ok(())
    }
}

/// What a finding's JSON says but its numbers: findings of the same shape have one template.
/// Texts are told apart by where they are: findings that say the same share the text
/// (`Sink::render`), and two copies of one text only make two templates.
#[derive(Clone, Copy)]
struct Shape<'a> {
    diagnostic: &'a Diagnostic,
    text: &'a str,
}

impl PartialEq for Shape<'_> {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.diagnostic, other.diagnostic);
        let same_help = match (&a.help, &b.help) {
            (Some(x), Some(y)) => Arc::ptr_eq(x, y),
            (x, y) => x.is_none() && y.is_none(),
        };
        let same_fix = match (&a.fix, &b.fix) {
            (Some(x), Some(y)) => {
                x.applicability == y.applicability
                    && x.edits.len() == y.edits.len()
                    && x.edits
                        .iter()
                        .zip(&y.edits)
                        .all(|(e, f)| e.replacement == f.replacement)
            }
            (x, y) => x.is_none() && y.is_none(),
        };
        std::ptr::eq(a.rule, b.rule)
            && a.severity == b.severity
            && Arc::ptr_eq(&a.message, &b.message)
            && same_help
            && self.text == other.text
            && same_fix
    }
}

impl Eq for Shape<'_> {}

impl std::hash::Hash for Shape<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let d = self.diagnostic;
        let help = d.help.as_ref().map(Arc::as_ptr);
        (d.rule as *const str, Arc::as_ptr(&d.message), help).hash(state);
        (d.severity, self.text).hash(state);
        if let Some(fix) = &d.fix {
            (fix.applicability, fix.edits.len()).hash(state);
            for edit in &fix.edits {
                edit.replacement.hash(state);
            }
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
    fn holes_are_found_again_whatever_the_strings_hold() {
        #[derive(Serialize)]
        struct Value<'a> {
            text: &'a str,
            numbers: Vec<Number>,
            inner: Vec<(Number, &'a str)>,
        }
        let value = |hole: bool| {
            let number = |n| if hole { Number::Hole } else { Number::Of(n) };
            Value {
                text: "a\tb[\t]c\"\\",
                numbers: vec![number(1), number(23)],
                inner: vec![(number(456), "\t"), (number(0), "[]")],
            }
        };
        for depth in [None, Some(0), Some(FINDING_DEPTH)] {
            let serialise = |value: &Value| {
                let mut out = Vec::new();
                match depth {
                    None => serde_json::to_writer(&mut out, value).unwrap(),
                    Some(depth) => pretty_at(&mut out, value, depth).unwrap(),
                }
                out
            };
            let holed = serialise(&value(true));
            let mut filled = Vec::new();
            for (i, piece) in pieces(&holed).enumerate() {
                if i > 0 {
                    filled.extend_from_slice([1, 23, 456, 0][i - 1].to_string().as_bytes());
                }
                filled.extend_from_slice(piece);
            }
            assert_eq!(
                String::from_utf8(filled).unwrap(),
                String::from_utf8(serialise(&value(false))).unwrap()
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
        // Findings that share their texts (written from one template) and findings that say
        // what no other does (serialised where they stand).
        let shared = |d: &&Diagnostic| Arc::strong_count(&d.message) > 1;
        let all = || files.iter().flat_map(|f| &f.diagnostics);
        assert!(all().any(|d| shared(&d) && d.fix.is_some()) && !all().all(|d| shared(&d)));
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
