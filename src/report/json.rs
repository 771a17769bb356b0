//! The JSON report: a public, versioned contract (DESIGN.md). Lines and columns are 1-based,
//! columns count characters; byte offsets index the decoded UTF-8 text.

use serde::Serialize;

use super::Summary;
use crate::diagnostic::{Diagnostic, Fix};
use crate::engine::FileResult;
use crate::source::LineIndex;

pub const VERSION: u32 = 1;

/// The report's shape. `pieces` writes it a file at a time; the tests check the two agree.
#[cfg(test)]
#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    files: Vec<File<'a>>,
    summary: Summary,
}

#[cfg(test)]
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

/// A file's fields before its diagnostics, in the order `File` has them.
#[derive(Serialize)]
struct FileHead {
    path: String,
    encoding: &'static str,
    line_ending: &'static str,
    doc_type: Option<&'static str>,
    midyear: bool,
    date: Option<String>,
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

fn head(file: &FileResult) -> FileHead {
    FileHead {
        path: file.source.path.display().to_string(),
        encoding: file.source.encoding.as_str(),
        line_ending: file.source.line_ending.as_str(),
        doc_type: file.document.meta.doc_type.map(|t| t.name()),
        midyear: file.document.meta.midyear,
        date: file.document.meta.date.map(|d| d.to_string()),
    }
}

/// serde_json's `PrettyFormatter` (two spaces a level), starting `depth` levels deep: what a
/// value nested that deep in a pretty-printed report looks like.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn indent(&self, writer: &mut (impl std::io::Write + ?Sized)) -> std::io::Result<()> {
        (0..self.depth).try_for_each(|_| writer.write_all(b"  "))
    }

    /// `[` or `{`: arrays and objects open and close alike.
    fn open(&mut self, w: &mut (impl std::io::Write + ?Sized), mark: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(mark)
    }

    fn close(
        &mut self,
        w: &mut (impl std::io::Write + ?Sized),
        mark: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(mark)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: std::io::Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: std::io::Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: std::io::Write + ?Sized>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn end_array_value<W: std::io::Write + ?Sized>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: std::io::Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: std::io::Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: std::io::Write + ?Sized>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn begin_object_value<W: std::io::Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: std::io::Write + ?Sized>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Appends `value`, pretty-printed as it stands `depth` levels deep in the report, to `out`.
fn pretty_into(out: &mut Vec<u8>, value: &impl Serialize, depth: usize) {
    let formatter = Nested {
        depth,
        has_value: false,
    };
    value
        .serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
        .expect("JSON report");
}

/// How the work is cut: diagnostics serialised in one piece of work, and about how many are
/// serialised (and held) at once.
#[derive(Clone, Copy)]
struct Sizes {
    chunk: usize,
    batch: usize,
}

const SIZES: Sizes = Sizes {
    chunk: 256,
    batch: 16 * 1024,
};

/// A run of one file's diagnostics; the first run of a file also writes the file's fields,
/// the last one closes it.
struct Chunk {
    file: usize,
    diagnostics: std::ops::Range<usize>,
}

const FILE_INDENT: &str = "    ";
const DIAGNOSTIC_INDENT: &str = "        ";

/// The text of a chunk, exactly as it stands in the report.
fn chunk_text(files: &[FileResult], index: &LineIndex, chunk: &Chunk) -> String {
    let file = &files[chunk.file];
    let count = file.diagnostics.len();
    let mut out = String::with_capacity(64 + chunk.diagnostics.len() * 768);
    if chunk.diagnostics.start == 0 {
        if chunk.file > 0 {
            out.push_str(",\n");
        }
        let mut head_json = FILE_INDENT.as_bytes().to_vec();
        pretty_into(&mut head_json, &head(file), 2);
        // Reopen the object the head closed, for its last field.
        let closing = format!("\n{FILE_INDENT}}}");
        debug_assert!(head_json.ends_with(closing.as_bytes()));
        head_json.truncate(head_json.len() - closing.len());
        out.push_str(std::str::from_utf8(&head_json).expect("serde_json writes UTF-8"));
        out.push_str(",\n      \"diagnostics\": ");
        out.push_str(if count == 0 { "[]" } else { "[\n" });
    }
    for i in chunk.diagnostics.clone() {
        if i > 0 {
            out.push_str(",\n");
        }
        write_diagnostic(&mut out, &file.document.text, index, &file.diagnostics[i]);
    }
    if chunk.diagnostics.end == count {
        if count > 0 {
            out.push_str("\n      ]");
        }
        out.push_str("\n    }");
    }
    out
}

/// One diagnostic as `pretty_into(diagnostic(..), 4)` writes it, written by hand: serde's
/// string escaping and the UTF-8 check of its bytes were a sixth of the report's work.
/// `diagnostic_json_is_serde_json` holds the two together.
fn write_diagnostic(out: &mut String, text: &str, index: &LineIndex, d: &Diagnostic) {
    const IN: &str = "\n          ";
    let start = index.line_col(text, d.span.start);
    let end = index.line_col(text, d.span.end);
    out.push_str(DIAGNOSTIC_INDENT);
    out.push('{');
    out.push_str(IN);
    out.push_str("\"rule\": ");
    push_str(out, d.rule);
    out.push(',');
    out.push_str(IN);
    out.push_str("\"severity\": ");
    push_str(out, d.severity.as_str());
    out.push(',');
    out.push_str(IN);
    out.push_str("\"message\": ");
    push_str(out, &d.message);
    out.push(',');
    out.push_str(IN);
    out.push_str("\"help\": ");
    match &d.help {
        Some(help) => push_str(out, help),
        None => out.push_str("null"),
    }
    for (key, value) in [
        ("line", start.line),
        ("column", start.column),
        ("end_line", end.line),
        ("end_column", end.column),
        ("byte_start", d.span.start),
        ("byte_end", d.span.end),
    ] {
        out.push(',');
        out.push_str(IN);
        out.push('"');
        out.push_str(key);
        out.push_str("\": ");
        push_usize(out, value);
    }
    out.push(',');
    out.push_str(IN);
    out.push_str("\"text\": ");
    push_str(out, d.span.text(text));
    out.push(',');
    out.push_str(IN);
    out.push_str("\"fix\": ");
    match &d.fix {
        None => out.push_str("null"),
        Some(fix) => {
            out.push_str("{\n            \"applicability\": ");
            push_str(out, fix.applicability.as_str());
            out.push_str(",\n            \"edits\": ");
            if fix.edits.is_empty() {
                out.push_str("[]");
            } else {
                out.push('[');
                for (i, edit) in fix.edits.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    out.push_str("              {\n                \"replacement\": ");
                    push_str(out, &edit.replacement);
                    out.push_str(",\n                \"byte_start\": ");
                    push_usize(out, edit.span.start);
                    out.push_str(",\n                \"byte_end\": ");
                    push_usize(out, edit.span.end);
                    out.push_str("\n              }");
                }
                out.push_str("\n            ]");
            }
            out.push_str("\n          }");
        }
    }
    out.push_str("\n        }");
}

/// A JSON string as serde_json writes it: `"` `\\` and control characters escaped (\b \t \n
/// \f \r by name, the others as \u00xx), everything else as it is.
fn push_str(out: &mut String, value: &str) {
    let bytes = value.as_bytes();
    // Without an early exit this loop vectorises; most strings need no escape at all.
    let needs_escape = bytes.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    out.push('"');
    if !needs_escape {
        out.push_str(value);
        out.push('"');
        return;
    }
    let mut from = 0;
    for (at, &b) in bytes.iter().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            0..=0x1F => "",
            _ => continue,
        };
        // `at` holds an ASCII byte, so both slices end on character boundaries.
        out.push_str(&value[from..at]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        } else {
            out.push_str(escape);
        }
        from = at + 1;
    }
    out.push_str(&value[from..]);
    out.push('"');
}

fn push_usize(out: &mut String, value: usize) {
    if value >= 10 {
        push_usize(out, value / 10);
    }
    out.push(char::from(b'0' + (value % 10) as u8));
}

/// The report, piece by piece in order, exactly as `serde_json::to_string_pretty` writes the
/// whole `Report`. Diagnostics are serialised on all cores, a batch at a time, so a file with
/// many findings is spread over the cores too and memory holds one batch of text.
fn pieces<E>(
    files: &[FileResult],
    sizes: Sizes,
    mut emit: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    use rayon::prelude::*;

    emit(&format!("{{\n  \"version\": {VERSION},\n  \"files\": "))?;
    emit(if files.is_empty() { "[]" } else { "[\n" })?;
    let mut batches: Vec<Vec<Chunk>> = vec![Vec::new()];
    let mut weight = 0;
    for (i, file) in files.iter().enumerate() {
        let count = file.diagnostics.len();
        let mut start = 0;
        loop {
            let end = count.min(start + sizes.chunk);
            if weight >= sizes.batch {
                batches.push(Vec::new());
                weight = 0;
            }
            batches.last_mut().expect("a batch").push(Chunk {
                file: i,
                diagnostics: start..end,
            });
            weight += end - start + 1;
            if end == count {
                break;
            }
            start = end;
        }
    }
    let make = |batch: &Vec<Chunk>| -> Vec<String> {
        let (Some(first), Some(last)) = (batch.first(), batch.last()) else {
            return Vec::new();
        };
        let indexes: Vec<LineIndex> = files[first.file..=last.file]
            .par_iter()
            .map(|f| LineIndex::new(&f.document.text))
            .collect();
        batch
            .par_iter()
            .map(|chunk| chunk_text(files, &indexes[chunk.file - first.file], chunk))
            .collect()
    };
    super::pipeline(&batches, make, &mut emit)?;
    if !files.is_empty() {
        emit("\n  ]")?;
    }
    let mut tail = b",\n  \"summary\": ".to_vec();
    pretty_into(&mut tail, &Summary::of(files), 1);
    tail.extend_from_slice(b"\n}\n");
    emit(std::str::from_utf8(&tail).expect("serde_json writes UTF-8"))
}

pub fn render(files: &[FileResult]) -> String {
    let mut out = String::new();
    pieces(files, SIZES, |piece| {
        out.push_str(piece);
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap_or_else(|never| match never {});
    out
}

/// The same report as `render`, written to `out` as it is made: memory holds one batch of
/// diagnostics' JSON, not the whole report.
pub fn write(files: &[FileResult], out: &mut impl std::io::Write) -> std::io::Result<()> {
    pieces(files, SIZES, |piece| out.write_all(piece.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use crate::source::SourceFile;

    fn file<'a>(result: &'a FileResult, index: &LineIndex) -> File<'a> {
        let head = head(result);
        File {
            path: head.path,
            encoding: head.encoding,
            line_ending: head.line_ending,
            doc_type: head.doc_type,
            midyear: head.midyear,
            date: head.date,
            diagnostics: result
                .diagnostics
                .iter()
                .map(|d| diagnostic(&result.document.text, index, d))
                .collect(),
        }
    }

    /// The report as one `to_string_pretty` of everything: what the pieces must add up to.
    fn whole(files: &[FileResult]) -> String {
        let indexes: Vec<LineIndex> = files
            .iter()
            .map(|f| LineIndex::new(&f.document.text))
            .collect();
        let report = Report {
            version: VERSION,
            files: files
                .iter()
                .zip(&indexes)
                .map(|(f, i)| file(f, i))
                .collect(),
            summary: Summary::of(files),
        };
        let mut out = serde_json::to_string_pretty(&report).unwrap();
        out.push('\n');
        out
    }

    #[test]
    fn diagnostic_json_is_serde_json() {
        use crate::diagnostic::{Applicability, Edit, Severity, Span};
        let text = "甲\"乙\\丙\n\t丁\u{1}\u{1f}\u{7f}/戊\r\n己\u{8}\u{c}庚";
        let index = LineIndex::new(text);
        let fixes = [
            None,
            Some(Fix {
                applicability: Applicability::Safe,
                edits: vec![],
            }),
            Some(Fix {
                applicability: Applicability::Suggest,
                edits: vec![
                    Edit {
                        span: Span::new(0, 3),
                        replacement: "\"\u{1}\\".into(),
                    },
                    Edit {
                        span: Span::new(4, 7),
                        replacement: String::new(),
                    },
                ],
            }),
        ];
        for fix in fixes {
            for (start, end) in [(0, 0), (0, 3), (3, text.len()), (11, 20)] {
                let d = Diagnostic {
                    rule: "test/rule",
                    severity: Severity::Warning,
                    span: Span::new(start, end),
                    message: format!("消息“{}”\u{0}", &text[start..end]),
                    help: (start > 0).then(|| "帮助\\\"".to_string()),
                    fix: fix.clone(),
                };
                let mut by_hand = String::new();
                write_diagnostic(&mut by_hand, text, &index, &d);
                let mut by_serde = DIAGNOSTIC_INDENT.as_bytes().to_vec();
                pretty_into(&mut by_serde, &diagnostic(text, &index, &d), 4);
                assert_eq!(by_hand, String::from_utf8(by_serde).unwrap());
            }
        }
        for value in [0, 7, 10, 99, 100, 12345, usize::MAX] {
            let mut out = String::new();
            push_usize(&mut out, value);
            assert_eq!(out, value.to_string());
        }
    }

    #[test]
    fn pieces_add_up_to_the_whole_report() {
        let rules = RuleSet::builtin().unwrap();
        let texts = [
            "关于做好2021 年工作的通知\n\n一、总体要求\n\n“十三五”期间,面对\t复杂形势。\r\n",
            "",
            "正文。",
            "标题\n\n  \n第一段\"引号\"和\\反斜杠,以及 2021 年。",
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
        for n in 0..=files.len() {
            assert_eq!(render(&files[..n]), whole(&files[..n]));
            let mut written = Vec::new();
            write(&files[..n], &mut written).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), whole(&files[..n]));
        }
        // Files cut into several chunks, batches ending inside a file and between files.
        for (chunk, batch) in [(1, 1), (2, 3), (3, 7), (1, 100)] {
            let mut out = String::new();
            pieces(&files, Sizes { chunk, batch }, |piece| {
                out.push_str(piece);
                Ok::<(), ()>(())
            })
            .unwrap();
            assert_eq!(out, whole(&files), "chunk {chunk}, batch {batch}");
        }
    }
}
