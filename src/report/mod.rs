//! Rendering results. Every output format is an `Emitter`: it is told when the run begins, is
//! handed each checked file (and each file that could not be checked) in path order as soon as
//! it is ready, and is told when the run ends. It writes to a `Write` as it goes and keeps
//! counters, never the files, so a run's memory does not grow with the corpus. Only this module
//! serialises; its output structs are its own.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod json_lines;
pub mod junit;
pub mod outline;
pub mod rdjson;
pub mod sarif;
pub mod statistics;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::FileResult;
use crate::source::{LineColumn, LineIndex};

/// One checked file as the emitters see it: the result and its line index, made once.
pub struct FileReport<'a> {
    pub result: &'a FileResult,
    pub index: &'a LineIndex,
}

impl FileReport<'_> {
    pub fn text(&self) -> &str {
        &self.result.document.text
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.result.diagnostics
    }

    pub fn path(&self) -> &Path {
        &self.result.source.path
    }

    /// The path with forward slashes, as the line-oriented formats print it.
    pub fn slash_path(&self) -> String {
        self.path().to_string_lossy().replace('\\', "/")
    }

    pub fn line_col(&self, offset: usize) -> LineColumn {
        self.index.line_col(self.text(), offset)
    }
}

/// A file that could not be read or checked (unreadable, binary, undecodable, an internal
/// error): reported by every format that can say so, so that a dashboard agrees with the exit
/// code.
#[derive(Clone, Debug)]
pub struct Failure {
    pub path: PathBuf,
    /// One line in Chinese: what failed and why.
    pub message: String,
}

/// An output format. `begin` once, then `file` or `failure` per file in path order, then `end`.
pub trait Emitter {
    fn begin(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn file(&mut self, file: &FileReport, out: &mut dyn Write) -> io::Result<()>;

    fn failure(&mut self, _failure: &Failure, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn end(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `emitter` over files already in memory: the library's and the tests' way to get a
/// whole report as one string.
pub fn render(emitter: &mut dyn Emitter, files: &[FileResult]) -> String {
    let mut out = Vec::new();
    write(emitter, files, &[], &mut out).expect("writing to memory");
    String::from_utf8(out).expect("reports are UTF-8")
}

/// Runs `emitter` over files already in memory, then the failures, into `out`.
pub fn write(
    emitter: &mut dyn Emitter,
    files: &[FileResult],
    failures: &[Failure],
    out: &mut dyn Write,
) -> io::Result<()> {
    emitter.begin(out)?;
    for result in files {
        let index = LineIndex::new(&result.document.text);
        emitter.file(
            &FileReport {
                result,
                index: &index,
            },
            out,
        )?;
    }
    for failure in failures {
        emitter.failure(failure, out)?;
    }
    emitter.end(out)
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
    /// Counts one more checked file and its diagnostics.
    pub fn add(&mut self, diagnostics: &[Diagnostic]) {
        self.files += 1;
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }

    pub fn of(files: &[FileResult]) -> Self {
        let mut summary = Summary::default();
        for file in files {
            summary.add(&file.diagnostics);
        }
        summary
    }
}

/// A JSON array written an element at a time, one compact element a line.
pub struct Items {
    count: usize,
    /// What each element's line starts with.
    indent: &'static [u8],
}

impl Items {
    pub fn new(indent: &'static [u8]) -> Self {
        Items { count: 0, indent }
    }

    pub fn push(&mut self, out: &mut dyn Write, value: &impl serde::Serialize) -> io::Result<()> {
        out.write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
        out.write_all(self.indent)?;
        serde_json::to_writer(&mut *out, value)?;
        self.count += 1;
        Ok(())
    }

    /// Closes the array (opened by the caller), its `]` on a line of its own after `indent`.
    pub fn close(&self, out: &mut dyn Write, indent: &[u8]) -> io::Result<()> {
        if self.count > 0 {
            out.write_all(b"\n")?;
            out.write_all(indent)?;
        }
        out.write_all(b"]")
    }
}

/// A path as code-review tools match it against the repository: forward slashes, no leading
/// `./`.
pub fn repo_path(path: &Path) -> String {
    let path = path.to_string_lossy().replace('\\', "/");
    path.strip_prefix("./").unwrap_or(&path).to_string()
}

/// A diagnostic with what the line-oriented formats print of it.
pub struct Located<'a> {
    pub start: LineColumn,
    pub end: LineColumn,
    pub diagnostic: &'a Diagnostic,
}

/// A file's diagnostics, in order, with their positions.
pub fn located<'a>(file: &'a FileReport<'a>) -> impl Iterator<Item = Located<'a>> + 'a {
    file.diagnostics().iter().map(move |d| Located {
        start: file.line_col(d.span.start),
        end: file.line_col(d.span.end),
        diagnostic: d,
    })
}

/// Text from a document (or a file name) made safe for a terminal: control characters other
/// than tab and line feed, DEL and the C1 controls are shown as visible symbols (`␛` for ESC),
/// so an escape sequence in a document never reaches the terminal raw.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_raw_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(visible_char).collect())
}

fn is_raw_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

fn visible_char(c: char) -> char {
    match c {
        // U+2400 CONTROL PICTURES has one symbol per C0 control, and ␡ for DEL.
        '\0'..='\u{1f}' if is_raw_control(c) => {
            char::from_u32(0x2400 + c as u32).expect("a control picture")
        }
        '\u{7f}' => '␡',
        '\u{80}'..='\u{9f}' => '\u{fffd}',
        _ => c,
    }
}

/// A body of output that can only be written after the totals it is preceded by are known
/// (JUnit's and SARIF's headers): spooled to an anonymous temporary file, then copied out.
pub struct Spool {
    file: io::BufWriter<std::fs::File>,
}

impl Spool {
    pub fn new() -> io::Result<Self> {
        Ok(Spool {
            file: io::BufWriter::with_capacity(256 * 1024, tempfile::tempfile()?),
        })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        &mut self.file
    }

    /// Copies everything spooled so far to `out`.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        use std::io::Seek;
        self.file.flush()?;
        let file = self.file.get_mut();
        file.seek(io::SeekFrom::Start(0))?;
        io::copy(file, out)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(visible("正文"), "正文");
        assert_eq!(visible("a\x1b]0;x\x07b\tc\n"), "a␛]0;x␇b\tc\n");
        assert_eq!(visible("\r\u{7f}\u{9b}"), "␍␡\u{fffd}");
    }
}
