//! Rendering results. An output format has two halves. Its `Render` makes one checked file's
//! share of the report into bytes, on the worker thread that checked the file (it only reads, so
//! one renderer serves every thread). Its `Emitter` is told when the run begins, is handed each
//! file with those bytes (and each file that could not be checked) in path order as soon as it
//! is ready, and is told when the run ends: it writes to a `Write` as it goes and keeps
//! counters, never the files, so a run's memory does not grow with the corpus and the one thread
//! that writes does little more than copy bytes. Only this module serialises; its output structs
//! are its own.

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

/// One checked file as the formats see it: the result and its line index, made once.
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

/// How a format renders one checked file: on the worker thread that checked it, into a buffer
/// that the format's `Emitter` is then handed in path order.
pub trait Render: Sync {
    fn render(&self, file: &FileReport, out: &mut Vec<u8>) -> io::Result<()>;
}

/// An output format's assembly, on the one thread that writes: `begin` once, then `file` or
/// `failure` per file in path order, then `end`.
pub trait Emitter {
    fn begin(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// Takes one checked file and what the format's `Render` made of it: counts what the
    /// format totals, and writes (or spools) the rendered bytes.
    fn file(&mut self, _file: &FileReport, rendered: &[u8], out: &mut dyn Write) -> io::Result<()> {
        out.write_all(rendered)
    }

    fn failure(&mut self, _failure: &Failure, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn end(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

/// Both halves of an output format. A format whose files only count (`--statistics`) or that
/// lays out its files only at the end (the HTML page) renders nothing per file.
pub struct Format<'r> {
    pub render: Option<Box<dyn Render + 'r>>,
    pub emitter: Box<dyn Emitter + 'r>,
}

impl<'r> Format<'r> {
    /// A format whose one value both renders and assembles (it keeps no counters).
    pub fn stateless<F: Render + Emitter + Clone + 'r>(format: F) -> Self {
        Format {
            render: Some(Box::new(format.clone())),
            emitter: Box::new(format),
        }
    }

    /// Runs the format over files already in memory: the library's and the tests' way to get a
    /// whole report as one string.
    pub fn render(mut self, files: &[FileResult]) -> String {
        let mut out = Vec::new();
        self.write(files, &[], &mut out).expect("writing to memory");
        String::from_utf8(out).expect("reports are UTF-8")
    }

    /// Runs the format over files already in memory, then the failures, into `out`.
    pub fn write(
        &mut self,
        files: &[FileResult],
        failures: &[Failure],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        self.emitter.begin(out)?;
        let mut rendered = Vec::new();
        for result in files {
            let index = LineIndex::new(&result.document.text);
            let file = FileReport {
                result,
                index: &index,
            };
            rendered.clear();
            if let Some(render) = &self.render {
                render.render(&file, &mut rendered)?;
            }
            self.emitter.file(&file, &rendered, out)?;
        }
        for failure in failures {
            self.emitter.failure(failure, out)?;
        }
        self.emitter.end(out)
    }
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

/// How the elements of a JSON array stand in a report: one a line after `indent`, compact or
/// pretty-printed as `depth` levels deep. Each element is rendered (on any thread) with the `,`
/// that separates it from the one before; `Items` drops the first one's.
#[derive(Clone, Copy)]
pub struct Array {
    indent: &'static [u8],
    pretty: Option<usize>,
}

impl Array {
    pub const fn compact(indent: &'static [u8]) -> Self {
        Array {
            indent,
            pretty: None,
        }
    }

    pub const fn pretty(indent: &'static [u8], depth: usize) -> Self {
        Array {
            indent,
            pretty: Some(depth),
        }
    }

    /// Renders one element, with its separator, onto `out`.
    pub fn render(self, out: &mut Vec<u8>, value: &impl serde::Serialize) -> io::Result<()> {
        out.extend_from_slice(b",\n");
        out.extend_from_slice(self.indent);
        match self.pretty {
            Some(depth) => json::pretty_at(&mut *out, value, depth),
            None => serde_json::to_writer(&mut *out, value).map_err(io::Error::from),
        }
    }
}

/// A JSON array written in order from elements its `Array` rendered.
#[derive(Default)]
pub struct Items {
    started: bool,
}

impl Items {
    /// Writes elements rendered by the `Array` (none, one or several), in order.
    pub fn write(&mut self, rendered: &[u8], out: &mut dyn Write) -> io::Result<()> {
        if rendered.is_empty() {
            return Ok(());
        }
        let skip = usize::from(!self.started);
        self.started = true;
        out.write_all(&rendered[skip..])
    }

    /// Closes the array (opened by the caller), its `]` on a line of its own after `indent`.
    pub fn close(&self, out: &mut dyn Write, indent: &[u8]) -> io::Result<()> {
        if self.started {
            out.write_all(b"\n")?;
            out.write_all(indent)?;
        }
        out.write_all(b"]")
    }
}

/// A report that is one JSON array of elements rendered per file (GitLab's issues, rdjson's
/// diagnostics) between a fixed opening and closing; a file that could not be checked is an
/// element too.
pub struct ArrayReport {
    items: Items,
    open: &'static [u8],
    /// What stands before the `]` when there are elements, and what follows it.
    close: (&'static [u8], &'static [u8]),
    /// Renders a file that could not be checked, from its repository path and the message.
    failure: fn(String, &str, &mut Vec<u8>) -> io::Result<()>,
}

impl ArrayReport {
    pub fn new(
        open: &'static [u8],
        close: (&'static [u8], &'static [u8]),
        failure: fn(String, &str, &mut Vec<u8>) -> io::Result<()>,
    ) -> Self {
        ArrayReport {
            items: Items::default(),
            open,
            close,
            failure,
        }
    }
}

impl Emitter for ArrayReport {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.open)
    }

    fn file(&mut self, _file: &FileReport, rendered: &[u8], out: &mut dyn Write) -> io::Result<()> {
        self.items.write(rendered, out)
    }

    fn failure(&mut self, failure: &Failure, out: &mut dyn Write) -> io::Result<()> {
        let mut rendered = Vec::new();
        (self.failure)(repo_path(&failure.path), &failure.message, &mut rendered)?;
        self.items.write(&rendered, out)
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.items.close(out, self.close.0)?;
        out.write_all(self.close.1)
    }
}

/// A path as code-review tools match it against the repository: forward slashes, no leading
/// `./`.
pub fn repo_path(path: &Path) -> String {
    let path = path.to_string_lossy().replace('\\', "/");
    path.strip_prefix("./").unwrap_or(&path).to_string()
}

/// A diagnostic with the line and column where it starts and ends.
pub struct Located<'a> {
    pub start: LineColumn,
    pub end: LineColumn,
    pub diagnostic: &'a Diagnostic,
}

/// A file's diagnostics, in order, with their positions (from one `Cursor`).
pub fn located<'a>(file: &'a FileReport<'a>) -> impl Iterator<Item = Located<'a>> + 'a {
    let mut cursor = Cursor::new(file.text(), file.index);
    file.diagnostics().iter().map(move |d| {
        let start = cursor.at(d.span.start);
        Located {
            start,
            end: cursor.ahead(d.span.end),
            diagnostic: d,
        }
    })
}

/// A step of a `Cursor` short enough to count without searching.
const SHORT: usize = 16;

/// Bytes a `Cursor` walks at most; an offset further ahead is looked up in the line index.
const WALK: usize = 4096;

/// Line and column of offsets asked for in rising order, as a file's sorted diagnostics ask
/// for them: each answer walks on from the one before, so a file's positions cost about one
/// pass over its text, not a search and a count from the line start each. An offset behind the
/// last one, or far ahead of it, is looked up in the line index instead.
pub struct Cursor<'a> {
    text: &'a str,
    index: &'a LineIndex,
    offset: usize,
    at: LineColumn,
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a str, index: &'a LineIndex) -> Self {
        Cursor {
            text,
            index,
            offset: 0,
            at: LineColumn { line: 1, column: 1 },
        }
    }

    /// The position of `offset`, where the cursor then stays.
    pub fn at(&mut self, offset: usize) -> LineColumn {
        self.at = self.ahead(offset);
        self.offset = offset;
        self.at
    }

    /// The position of `offset`, the cursor staying where it is (a span's end, which the next
    /// span's start may lie before).
    pub fn ahead(&self, offset: usize) -> LineColumn {
        if offset < self.offset || offset - self.offset > WALK {
            return self.index.line_col(self.text, offset);
        }
        let bytes = self.text.as_bytes();
        let step = &bytes[self.offset..offset];
        // A short step on one line (most often to the end of a finding's span) is counted a
        // byte at a time: a character is a byte that does not continue one.
        if step.len() <= SHORT && !step.iter().any(|&b| b == b'\n' || b == b'\r') {
            let chars = step.iter().filter(|&&b| (b as i8) >= -0x40).count();
            return LineColumn {
                line: self.at.line,
                column: self.at.column + chars,
            };
        }
        let mut line = self.at.line;
        let mut line_start = None;
        // Lines end at `\n`, `\r\n` or a lone `\r`, as in `LineIndex`.
        for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[self.offset..offset]) {
            let i = self.offset + i;
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                line += 1;
                line_start = Some(i + 1);
            }
        }
        let column = match line_start {
            Some(start) => self.text[start..offset].chars().count() + 1,
            None => self.at.column + self.text[self.offset..offset].chars().count(),
        };
        LineColumn { line, column }
    }
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
    fn the_cursor_agrees_with_the_line_index() {
        let long = "长".repeat(3000);
        for text in [
            "",
            "a\nb",
            "一\r\n二\r三\n\n四",
            "\r\r\n\n\r",
            &format!("甲\n{long}\r\n{long}乙\r"),
        ] {
            let index = LineIndex::new(text);
            let offsets: Vec<usize> = (0..=text.len())
                .filter(|&o| text.is_char_boundary(o))
                .collect();
            let expected = |o: usize| index.line_col(text, o);
            // Rising (walks, some of them longer than a walk), falling (looked up), and a
            // position ahead that leaves the cursor where it was.
            for step in [1, 7, 2000] {
                let mut cursor = Cursor::new(text, &index);
                for &o in offsets.iter().step_by(step) {
                    let last = *offsets.last().unwrap();
                    assert_eq!(cursor.ahead(last), expected(last), "{text:?} {o}");
                    assert_eq!(cursor.at(o), expected(o), "{text:?} {o}");
                }
            }
            let mut cursor = Cursor::new(text, &index);
            for &o in offsets.iter().rev() {
                assert_eq!(cursor.at(o), expected(o), "{text:?} {o}");
            }
        }
    }

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(visible("正文"), "正文");
        assert_eq!(visible("a\x1b]0;x\x07b\tc\n"), "a␛]0;x␇b\tc\n");
        assert_eq!(visible("\r\u{7f}\u{9b}"), "␍␡\u{fffd}");
    }
}
