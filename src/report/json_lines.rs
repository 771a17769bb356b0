//! `--format json-lines`: one compact JSON object per line, one line per file, in path order.
//! A checked file's line is exactly that file's object in the JSON report (path, encoding,
//! line ending, document type, date, diagnostics), so `jq`, Spark or a database can read a run
//! line by line, and the lines of several runs (`--shard`) simply add up. A file that could not
//! be checked gets a line `{"path": …, "error": …}`. There is no summary line.

use std::io::{self, Write};

use serde::Serialize;

use super::{json, Emitter, Failure, Format};
use crate::rules::RuleSet;

/// `json-lines`: a file's line is rendered whole by the worker; only failures are written here.
struct JsonLines;

/// Lines whose findings carry their rule's source.
pub fn format<'r>(rules: &RuleSet) -> Format<'r> {
    Format {
        render: Some(Box::new(json::FileJson::new(Some(rules), true))),
        emitter: Box::new(JsonLines),
    }
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    path: json::Shown<std::path::Display<'a>>,
    error: &'a str,
}

impl Emitter for JsonLines {
    fn failure(&mut self, failure: &Failure, out: &mut dyn Write) -> io::Result<()> {
        let line = ErrorLine {
            path: json::Shown(failure.path.display()),
            error: &failure.message,
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")
    }
}
