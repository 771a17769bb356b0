//! `--format junit`: JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure).
//! One `<testsuite>` per file, one failing `<testcase>` per diagnostic; a file without findings
//! gets one passing test case, so that clean files show up as checked.

use std::fmt::Write;

use crate::engine::FileResult;
use crate::rules::RuleSet;
use crate::source::LineIndex;

pub fn render(files: &[FileResult], _rules: &RuleSet) -> String {
    let tests: usize = files.iter().map(|f| f.diagnostics.len().max(1)).sum();
    let failures: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"gwlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    for file in files {
        let text = file.document.text.as_str();
        let index = LineIndex::new(text);
        let path = file.source.path.to_string_lossy().replace('\\', "/");
        let path_attr = escape_attr(&path);
        let count = file.diagnostics.len();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{path_attr}\" tests=\"{}\" failures=\"{count}\" errors=\"0\" skipped=\"0\">",
            count.max(1)
        );
        if file.diagnostics.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase name=\"gwlint\" classname=\"{path_attr}\"/>"
            );
        }
        for d in &file.diagnostics {
            let start = index.line_col(text, d.span.start);
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
    }
    out.push_str("</testsuites>\n");
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
    let mut out = String::with_capacity(text.len());
    for c in text.chars().map(allowed) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escaped for element content; CR as a reference so that line-end normalisation keeps it.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().map(allowed) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
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
