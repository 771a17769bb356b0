//! `--cache-dir`: check results kept by content, so an unchanged file under unchanged rules and
//! settings is not parsed and checked again. A result is found by a key made of gwlint's
//! version, the rule packs' text, the file's resolved options, its path and its bytes; any
//! change to one of them is a different key, so nothing is ever invalidated, only left unused.
//! An entry is one small JSON file (the document's type and date and its diagnostics), written
//! to a temporary file and renamed, so concurrent runs sharing a folder never read half of one.
//! A .docx is not cached (its layout rules read more than the text).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Span};
use crate::engine::{FileResult, Options};
use crate::model::{DocDate, DocType};
use crate::rules::RuleSet;
use crate::source::{Encoding, SourceFile};

pub struct Cache {
    dir: PathBuf,
    /// What every key shares: gwlint's version and the rules' text.
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    doc_type: Option<String>,
    midyear: bool,
    date: Option<String>,
    diagnostics: Vec<Cached>,
}

/// A fix as its applicability and edits (start, end, replacement).
type CachedFix = (Applicability, Vec<(usize, usize, String)>);

#[derive(Serialize, Deserialize)]
struct Cached {
    rule: String,
    severity: Severity,
    span: (usize, usize),
    message: String,
    help: Option<String>,
    fix: Option<CachedFix>,
}

impl Cache {
    /// A cache in `dir` for results of `rules`, whose packs' text is `packs`.
    pub fn new(dir: &Path, packs: &[(String, String)]) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let mut parts: Vec<&str> = vec![env!("CARGO_PKG_VERSION")];
        for (name, text) in packs {
            parts.push(name);
            parts.push(text);
        }
        Ok(Cache {
            dir: dir.to_path_buf(),
            salt: crate::baseline::fnv1a(&parts),
        })
    }

    /// The key of `bytes` read from `path` and checked with `options`.
    pub fn key(&self, path: &Path, bytes: &[u8], options: &Options) -> String {
        let options = format!("{options:?}");
        let path = path.to_string_lossy();
        // Two hashes of the content, with and without the rest, keep collisions out of reach.
        let content = fnv1a_bytes(bytes);
        let whole = crate::baseline::fnv1a(&[&self.salt, &options, &path, &content]);
        format!("{whole}{content}")
    }

    /// The cached result for `key`, over `source` (the file as just read).
    pub fn load(&self, key: &str, source: &SourceFile, rules: &RuleSet) -> Option<FileResult> {
        if source.encoding == Encoding::Docx {
            return None;
        }
        let text = std::fs::read(self.dir.join(format!("{key}.json"))).ok()?;
        let entry: Entry = serde_json::from_slice(&text).ok()?;
        let mut diagnostics = Vec::with_capacity(entry.diagnostics.len());
        for d in entry.diagnostics {
            let rule = rules.get(&d.rule)?.id();
            let span = Span::new(d.span.0, d.span.1);
            if span.start > span.end || !source.text.is_char_boundary(span.start) {
                return None;
            }
            diagnostics.push(Diagnostic {
                rule,
                severity: d.severity,
                span,
                message: d.message.into(),
                help: d.help.map(Into::into),
                fix: d.fix.map(|(applicability, edits)| Fix {
                    applicability,
                    edits: edits
                        .into_iter()
                        .map(|(start, end, replacement)| Edit {
                            span: Span::new(start, end),
                            replacement: replacement.into(),
                        })
                        .collect(),
                }),
            });
        }
        // The reports read the text and the document's type and date, nothing else of it.
        let mut document = crate::parse::parse(String::new());
        document.text = source.text.clone();
        document.meta.doc_type = entry.doc_type.as_deref().and_then(DocType::from_name);
        document.meta.midyear = entry.midyear;
        document.meta.date = entry.date.as_deref().and_then(DocDate::parse);
        Some(FileResult {
            source: source.clone(),
            document,
            diagnostics,
        })
    }

    /// Keeps `result` under `key`; a cache that cannot be written is only slower.
    pub fn store(&self, key: &str, result: &FileResult) {
        if result.source.encoding == Encoding::Docx {
            return;
        }
        let meta = &result.document.meta;
        let entry = Entry {
            doc_type: meta.doc_type.map(|t| t.name().to_string()),
            midyear: meta.midyear,
            date: meta.date.map(|d| d.to_string()),
            diagnostics: result
                .diagnostics
                .iter()
                .map(|d| Cached {
                    rule: d.rule.to_string(),
                    severity: d.severity,
                    span: (d.span.start, d.span.end),
                    message: d.message.to_string(),
                    help: d.help.as_deref().map(str::to_string),
                    fix: d.fix.as_ref().map(|fix| {
                        let edits = fix
                            .edits
                            .iter()
                            .map(|e| (e.span.start, e.span.end, e.replacement.to_string()))
                            .collect();
                        (fix.applicability, edits)
                    }),
                })
                .collect(),
        };
        let Ok(json) = serde_json::to_vec(&entry) else {
            return;
        };
        let Ok(mut temp) = tempfile::NamedTempFile::new_in(&self.dir) else {
            return;
        };
        use std::io::Write;
        if temp.write_all(&json).is_ok() {
            let _ = temp.persist(self.dir.join(format!("{key}.json")));
        }
    }
}

fn fnv1a_bytes(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::engine::{Overrides, Selection};
    use crate::model::{DocType, Level};
    use crate::rules::Settings;

    /// Every setting that can change a file's findings changes its key. The options are taken
    /// apart field by field, so a field added to them does not compile here until it is
    /// varied below too.
    #[test]
    fn every_setting_that_changes_findings_is_in_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let packs = [("pack.yaml".to_string(), "rules: []".to_string())];
        let cache = Cache::new(dir.path(), &packs).unwrap();
        let Options {
            selection: Selection { select, ignore },
            overrides: Overrides { doc_type, date },
            severity,
            settings:
                Settings {
                    numbering,
                    layout,
                    fonts,
                },
        } = Options::default();
        assert!(select.is_empty() && ignore.is_empty() && severity.is_empty());
        assert!(doc_type.is_none() && date.is_none());
        assert!(numbering.is_empty() && layout.is_empty() && fonts.is_empty());
        let changes: Vec<fn(&mut Options)> = vec![
            |o| o.selection.select.push("punct".into()),
            |o| o.selection.ignore.push("punct/halfwidth".into()),
            |o| {
                o.severity.insert("punct/halfwidth".into(), Severity::Error);
            },
            |o| o.overrides.doc_type = Some(DocType::Report),
            |o| o.overrides.date = DocDate::parse("2024-05-01"),
            |o| {
                o.settings.numbering.insert(Level::L1, "．".into());
            },
            |o| {
                o.settings
                    .layout
                    .insert("layout/grid".into(), "22×28".into());
            },
            |o| {
                o.settings
                    .fonts
                    .insert("小标宋".into(), vec!["方正大标宋简体".into()]);
            },
        ];
        let (path, bytes) = (Path::new("a.txt"), "正文。".as_bytes());
        let mut keys = vec![cache.key(path, bytes, &Options::default())];
        for change in changes {
            let mut options = Options::default();
            change(&mut options);
            keys.push(cache.key(path, bytes, &options));
        }
        // And the file, its path and the rule packs.
        keys.push(cache.key(path, "正文".as_bytes(), &Options::default()));
        keys.push(cache.key(Path::new("b.txt"), bytes, &Options::default()));
        let other_packs = [("pack.yaml".to_string(), "rules: [x]".to_string())];
        let other = Cache::new(dir.path(), &other_packs).unwrap();
        keys.push(other.key(path, bytes, &Options::default()));
        let distinct: std::collections::BTreeSet<&String> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len(), "{keys:?}");
        // The same settings, the same key.
        assert_eq!(cache.key(path, bytes, &Options::default()), keys[0]);
    }
}
