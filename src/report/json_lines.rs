//! `--format json-lines`: one compact JSON object per line, one line per file, in path order.
//! A checked file's line is exactly that file's object in the JSON report (path, encoding,
//! line ending, document type, date, diagnostics), so `jq`, Spark or a database can read a run
//! line by line, and the lines of several runs (`--shard`) simply add up. A file that could not
//! be checked gets a line `{"path": …, "error": …}`. There is no summary line.

use std::io::{self, Write};

use serde::Serialize;

use super::{json, Emitter, Failure, FileReport};

#[derive(Default)]
pub struct JsonLines {
    /// A line is made here and written out in one piece (see `json::Json`).
    buffer: Vec<u8>,
    sources: json::Sources,
}

impl JsonLines {
    /// Lines whose findings carry their rule's source.
    pub fn new(rules: &crate::rules::RuleSet) -> Self {
        JsonLines {
            sources: json::Sources::new(rules),
            ..JsonLines::default()
        }
    }
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    path: String,
    error: &'a str,
}

impl Emitter for JsonLines {
    fn file(&mut self, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        self.buffer.clear();
        serde_json::to_writer(&mut self.buffer, &json::file(report, &self.sources))?;
        self.buffer.push(b'\n');
        out.write_all(&self.buffer)
    }

    fn failure(&mut self, failure: &Failure, out: &mut dyn Write) -> io::Result<()> {
        let line = ErrorLine {
            path: failure.path.display().to_string(),
            error: &failure.message,
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")
    }
}
