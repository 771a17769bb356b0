//! `--format concise`: `path:line:col: RULE message`, one line per diagnostic (ruff's concise
//! format), for grep and for editors' quickfix lists. Files and diagnostics come in the order
//! given (the engine's: path, position, rule id); columns count characters.

use std::fmt::Write;

use crate::engine::FileResult;
use crate::rules::RuleSet;

pub fn render(files: &[FileResult], _rules: &RuleSet) -> String {
    let mut out = String::new();
    for at in super::located(files) {
        let d = at.diagnostic;
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {}",
            at.path,
            at.start.line,
            at.start.column,
            d.rule,
            one_line(&d.message)
        );
    }
    out
}

/// A message on one line, whatever line breaks it holds.
fn one_line(message: &str) -> String {
    message
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_messages() {
        assert_eq!(one_line("甲\r\n乙\n"), "甲 乙");
    }
}
