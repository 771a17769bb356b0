//! `--format concise`: `path:line:col: RULE message`, one line per diagnostic (ruff's concise
//! format), for grep and for editors' quickfix lists. Files and diagnostics come in the order
//! given (the engine's: path, position, rule id); columns count characters. Text from the
//! documents is shown with its control characters made visible.

use std::borrow::Cow;
use std::io::{self, Write};

use super::{visible, Emitter, FileReport, Format, Render};
use crate::engine::FileResult;
use crate::rules::RuleSet;

#[derive(Clone, Copy, Default)]
pub struct Concise;

impl Render for Concise {
    fn render(&self, file: &FileReport, out: &mut Vec<u8>) -> io::Result<()> {
        let path = file.slash_path();
        let path = visible(&path);
        for at in super::located(file) {
            let d = at.diagnostic;
            writeln!(
                out,
                "{path}:{}:{}: {} {}",
                at.start.line,
                at.start.column,
                d.rule,
                visible(&one_line(&d.message))
            )?;
        }
        Ok(())
    }
}

impl Emitter for Concise {}

pub fn render(files: &[FileResult], _rules: &RuleSet) -> String {
    Format::stateless(Concise).render(files)
}

/// A message on one line, whatever line breaks it holds.
fn one_line(message: &str) -> Cow<'_, str> {
    if !message.contains(['\r', '\n']) {
        return Cow::Borrowed(message.trim());
    }
    Cow::Owned(
        message
            .split(['\r', '\n'])
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_messages() {
        assert_eq!(one_line("甲\r\n乙\n"), "甲 乙");
    }
}
