//! Findings in the one compact form the snapshots pin: `line:column rule message`, and
//! `  fix: "replacement"` under it when there is a fix. The fixtures read them from the binary's
//! JSON report, the seeds from the library; both render them here.

use std::fmt::Write as _;

use gwlint::engine::FileResult;
use gwlint::source::LineIndex;
use serde_json::Value;

/// One diagnostic, located.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub line: u64,
    pub column: u64,
    pub rule: String,
    pub message: String,
    /// The text of the reported span.
    pub text: String,
    /// The replacements of the fix's edits, joined with `|`.
    pub fix: Option<String>,
}

impl Finding {
    /// A diagnostic of the JSON report.
    pub fn from_json(d: &Value) -> Self {
        Finding {
            line: d["line"].as_u64().unwrap(),
            column: d["column"].as_u64().unwrap(),
            rule: d["rule"].as_str().unwrap().to_string(),
            message: d["message"].as_str().unwrap().to_string(),
            text: d["text"].as_str().unwrap().to_string(),
            fix: match &d["fix"] {
                Value::Null => None,
                fix => Some(
                    fix["edits"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| e["replacement"].as_str().unwrap())
                        .collect::<Vec<_>>()
                        .join("|"),
                ),
            },
        }
    }

    /// Every diagnostic of a checked file, in the file's order.
    pub fn all(file: &FileResult) -> Vec<Self> {
        let text = &file.document.text;
        let index = LineIndex::new(text);
        file.diagnostics
            .iter()
            .map(|d| {
                let at = index.line_col(text, d.span.start);
                Finding {
                    line: at.line as u64,
                    column: at.column as u64,
                    rule: d.rule.to_string(),
                    message: d.message.to_string(),
                    text: d.span.text(text).to_string(),
                    fix: d.fix.as_ref().map(|fix| {
                        fix.edits
                            .iter()
                            .map(|e| &*e.replacement)
                            .collect::<Vec<_>>()
                            .join("|")
                    }),
                }
            })
            .collect()
    }
}

/// Invisible characters (NBSP, zero-width space, controls) written as `\u{…}` escapes.
pub fn visible(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{a0}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => {
                format!("\\u{{{:x}}}", c as u32)
            }
            c if c.is_control() => c.escape_debug().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// `line:column rule message`, and `  fix: "replacement"` under it when there is a fix.
pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let message = visible(&f.message);
        writeln!(out, "{}:{} {} {message}", f.line, f.column, f.rule).unwrap();
        if let Some(fix) = &f.fix {
            writeln!(out, "  fix: \"{}\"", visible(fix)).unwrap();
        }
    }
    if out.is_empty() {
        out.push_str("(no diagnostics)\n");
    }
    out
}
