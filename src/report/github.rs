//! `--format github`: GitHub Actions workflow commands, one line per diagnostic, which the
//! runner turns into annotations on the pull request:
//!
//! ```text
//! ::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=RULE::MESSAGE
//! ```
//!
//! `warning` diagnostics become `::warning`, `info` ones `::notice`. Columns count characters,
//! and the end column is the one after the flagged text, as in the JSON report. The message is
//! followed, on a second annotation line, by the diagnostic's help. Escaping follows the
//! runner's own rules: in the message `%`, CR and LF; in property values also `:` and `,`.
//! A file that could not be checked is an `::error` on the file.

use std::io::{self, Write};

use super::{visible, Emitter, Failure, FileReport, Format, Render};
use crate::diagnostic::Severity;
use crate::engine::FileResult;
use crate::rules::RuleSet;

#[derive(Clone, Copy, Default)]
pub struct Github;

impl Render for Github {
    fn render(&self, file: &FileReport, out: &mut Vec<u8>) -> io::Result<()> {
        let path = visible(&escape_property(&file.slash_path())).into_owned();
        for at in super::located(file) {
            let (d, start, end) = (at.diagnostic, at.start, at.end);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let message = match &d.help {
                Some(help) if !help.is_empty() => format!("{}\n{help}", d.message),
                _ => d.message.to_string(),
            };
            writeln!(
                out,
                "::{command} file={path},line={},col={},endLine={},endColumn={},title={}::{}",
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(d.rule),
                visible(&escape_data(&message)),
            )?;
        }
        Ok(())
    }
}

impl Emitter for Github {
    fn failure(&mut self, failure: &Failure, out: &mut dyn Write) -> io::Result<()> {
        let path = failure.path.to_string_lossy().replace('\\', "/");
        writeln!(
            out,
            "::error file={},title=gwlint::{}",
            visible(&escape_property(&path)),
            visible(&escape_data(&failure.message))
        )
    }
}

pub fn render(files: &[FileResult], _rules: &RuleSet) -> String {
    Format::stateless(Github).render(files)
}

/// The escaping the Actions runner undoes in a command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The escaping the Actions runner undoes in a command's property values.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("100%\r\n:,"), "100%25%0D%0A:,");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
