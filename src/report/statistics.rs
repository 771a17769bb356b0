//! `--statistics`: a count per rule, most frequent first, as a table or, with `--format json`
//! or `json-lines`, as JSON (ruff's `--statistics --output-format json`). Counters only.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Emitter, FileReport, Format};
use crate::diagnostic::Severity;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Table,
    Json,
    JsonLines,
}

struct Statistics {
    shape: Shape,
    counts: BTreeMap<&'static str, Row>,
}

/// Counts per rule, shown at the end; nothing is rendered per file.
pub fn format<'r>(shape: Shape) -> Format<'r> {
    Format {
        render: None,
        emitter: Box::new(Statistics::new(shape)),
    }
}

#[derive(Clone, Copy, Serialize)]
struct Row {
    #[serde(skip)]
    severity: Severity,
    count: usize,
    fixable: usize,
}

#[derive(Serialize)]
struct JsonRow {
    rule: &'static str,
    severity: &'static str,
    count: usize,
    fixable: usize,
}

impl Statistics {
    fn new(shape: Shape) -> Self {
        Statistics {
            shape,
            counts: BTreeMap::new(),
        }
    }

    fn rows(&self) -> Vec<(&'static str, Row)> {
        let mut rows: Vec<_> = self.counts.iter().map(|(id, row)| (*id, *row)).collect();
        rows.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
        rows
    }
}

impl Emitter for Statistics {
    fn file(
        &mut self,
        file: &FileReport,
        _rendered: &[u8],
        _out: &mut dyn Write,
    ) -> io::Result<()> {
        for d in file.diagnostics() {
            let row = self.counts.entry(d.rule).or_insert(Row {
                severity: d.severity,
                count: 0,
                fixable: 0,
            });
            row.count += 1;
            row.fixable += usize::from(d.fix.is_some());
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let rows = self.rows();
        let json = |(rule, row): &(&'static str, Row)| JsonRow {
            rule,
            severity: row.severity.as_str(),
            count: row.count,
            fixable: row.fixable,
        };
        match self.shape {
            Shape::Json => {
                let rows: Vec<JsonRow> = rows.iter().map(json).collect();
                serde_json::to_writer_pretty(&mut *out, &rows)?;
                out.write_all(b"\n")
            }
            Shape::JsonLines => rows.iter().try_for_each(|row| {
                serde_json::to_writer(&mut *out, &json(row))?;
                out.write_all(b"\n")
            }),
            Shape::Table => {
                let width = rows.iter().map(|(id, _)| id.len()).max().unwrap_or(0);
                for (id, row) in rows {
                    let fixable = if row.fixable > 0 {
                        format!("  [{} 处附修复]", row.fixable)
                    } else {
                        String::new()
                    };
                    writeln!(
                        out,
                        "{:>6}  {id:<width$}  {}{fixable}",
                        row.count,
                        row.severity.label_zh()
                    )?;
                }
                Ok(())
            }
        }
    }
}
