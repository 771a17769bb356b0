//! `--format junit`: JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure).
//! One `<testsuite>` per file, one failing `<testcase>` per diagnostic; a file without findings
//! gets one passing test case, so that clean files show up as checked; a file that could not be
//! checked gets a test case with an `<error>`, so the report agrees with the exit code.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{Emitter, Failure, FileReport, Format, Render, Spool};
use crate::engine::FileResult;
use crate::rules::RuleSet;

/// A file's `<testsuite>`, rendered by the worker that checked it.
struct Suite;

impl Render for Suite {
    fn render(&self, file: &FileReport, out: &mut Vec<u8>) -> io::Result<()> {
        out.extend_from_slice(suite(file).as_bytes());
        Ok(())
    }
}

/// The JUnit report. The totals open the document, so the suites are spooled until the end.
struct Junit {
    spool: Spool,
    tests: usize,
    failures: usize,
    errors: usize,
}

/// The JUnit report; it spools its suites to a temporary file.
pub fn format<'r>() -> io::Result<Format<'r>> {
    Ok(Format {
        render: Some(Box::new(Suite)),
        emitter: Box::new(Junit {
            spool: Spool::new()?,
            tests: 0,
            failures: 0,
            errors: 0,
        }),
    })
}

impl Emitter for Junit {
    fn file(&mut self, file: &FileReport, rendered: &[u8], _out: &mut dyn Write) -> io::Result<()> {
        let count = file.diagnostics().len();
        self.tests += count.max(1);
        self.failures += count;
        self.spool.writer().write_all(rendered)
    }

    fn failure(&mut self, failure: &Failure, _out: &mut dyn Write) -> io::Result<()> {
        self.tests += 1;
        self.errors += 1;
        let path = escape_attr(&failure.path.to_string_lossy().replace('\\', "/"));
        let message = escape_attr(&failure.message);
        write!(
            self.spool.writer(),
            "  <testsuite name=\"{path}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <testcase name=\"gwlint\" classname=\"{path}\">\n      <error message=\"{message}\" type=\"gwlint/file\">{}</error>\n    </testcase>\n  </testsuite>\n",
            escape_text(&failure.message)
        )
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            out,
            "<testsuites name=\"gwlint\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            self.tests, self.failures, self.errors
        )?;
        self.spool.copy_to(out)?;
        out.write_all(b"</testsuites>\n")
    }
}

pub fn render(files: &[FileResult], _rules: &RuleSet) -> String {
    format().expect("a temporary file").render(files)
}

/// One file's `<testsuite>`.
fn suite(file: &FileReport) -> String {
    let mut out = String::new();
    let text = file.text();
    let path = file.slash_path();
    let path_attr = escape_attr(&path);
    let count = file.diagnostics().len();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{path_attr}\" tests=\"{}\" failures=\"{count}\" errors=\"0\" skipped=\"0\">",
        count.max(1)
    );
    if count == 0 {
        let _ = writeln!(
            out,
            "    <testcase name=\"gwlint\" classname=\"{path_attr}\"/>"
        );
    }
    for at in super::located(file) {
        let (d, start) = (at.diagnostic, at.start);
        let mut body = format!(
            "{path}:{}:{}: {} [{}] {}",
            start.line, start.column, d.rule, d.severity, d.message
        );
        let flagged = d.span.text(text);
        if !flagged.is_empty() {
            let _ = write!(body, "\n原文：{flagged}");
        }
        if let Some(help) = d.help.as_deref().filter(|h| !h.is_empty()) {
            let _ = write!(body, "\n建议：{help}");
        }
        let _ = writeln!(
            out,
            "    <testcase name=\"{} {}:{}\" classname=\"{path_attr}\">",
            escape_attr(d.rule),
            start.line,
            start.column
        );
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
            escape_attr(&d.message),
            escape_attr(d.rule),
            escape_text(&body)
        );
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n");
    out
}

/// Characters XML 1.0 cannot carry at all, even as references, become U+FFFD.
fn allowed(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
        _ => c,
    }
}

/// Escaped for a double- or single-quoted attribute; whitespace controls as references so that
/// attribute-value normalisation keeps them.
fn escape_attr(text: &str) -> String {
    escape(text, true)
}

/// Escaped for element content; CR as a reference so that line-end normalisation keeps it.
fn escape_text(text: &str) -> String {
    escape(text, false)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().map(allowed) {
        let entity = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '\r' => "&#13;",
            '"' if attribute => "&quot;",
            '\'' if attribute => "&apos;",
            '\t' if attribute => "&#9;",
            '\n' if attribute => "&#10;",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(entity);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            escape_attr("a<b>&\"'\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;&apos;&#10;\u{fffd}"
        );
        assert_eq!(escape_text("]]>\r\n&"), "]]&gt;&#13;\n&amp;");
    }
}
