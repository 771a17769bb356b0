//! Baselines: record today's findings so that CI reports only new ones. A finding is keyed by
//! path, rule and a fingerprint of the flagged text with its nearby context on the same line,
//! never by line number, so edits elsewhere in a document leave the baseline valid.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::engine::FileResult;

/// Characters of context on each side that go into a fingerprint.
const CONTEXT: usize = 10;
const VERSION: u32 = 1;

#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    path: String,
    rule: String,
    fingerprint: String,
    count: usize,
}

type Key = (String, String, String);

#[derive(Debug, Default)]
pub struct Baseline {
    /// Where the baseline file lives: paths are stored relative to it.
    root: PathBuf,
    counts: BTreeMap<Key, usize>,
}

/// What applying a baseline did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub suppressed: usize,
    /// Baseline findings that no longer occur (fixed, or changed past recognition).
    pub stale: usize,
}

/// FNV-1a, 64-bit: stable across runs, platforms and Rust versions.
pub(crate) fn fnv1a(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The fingerprint of a finding: its rule, the flagged text and up to `CONTEXT` characters
/// either side of it on its line. (Every machine format computes one per finding: the context
/// is sliced from the text, not collected.)
pub fn fingerprint(text: &str, diagnostic: &Diagnostic) -> String {
    let span = diagnostic.span;
    let line_break = |c: char| c == '\n' || c == '\r';
    let start = text[..span.start]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| !line_break(c))
        .take(CONTEXT)
        .last()
        .map_or(span.start, |(i, _)| i);
    let end = text[span.end..]
        .char_indices()
        .take_while(|&(_, c)| !line_break(c))
        .take(CONTEXT)
        .last()
        .map_or(span.end, |(i, c)| span.end + i + c.len_utf8());
    fnv1a(&[
        diagnostic.rule,
        &text[start..span.start],
        span.text(text),
        &text[span.end..end],
    ])
}

fn relative(root: &Path, path: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    absolute
        .strip_prefix(&root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn key(root: &Path, file: &FileResult, diagnostic: &Diagnostic) -> Key {
    (
        relative(root, &file.source.path),
        diagnostic.rule.to_string(),
        fingerprint(&file.document.text, diagnostic),
    )
}

fn baseline_dir(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

impl Baseline {
    /// Today's findings, as they would be written to `path`.
    pub fn record(path: &Path, files: &[FileResult]) -> Self {
        let mut baseline = Baseline::recording(path);
        for file in files {
            baseline.record_file(file);
        }
        baseline
    }

    /// An empty baseline to be written to `path`, filled a file at a time with `record_file`.
    pub fn recording(path: &Path) -> Self {
        Baseline {
            root: baseline_dir(path),
            counts: BTreeMap::new(),
        }
    }

    /// Adds one file's findings.
    pub fn record_file(&mut self, file: &FileResult) {
        for d in &file.diagnostics {
            *self.counts.entry(key(&self.root, file, d)).or_default() += 1;
        }
    }

    /// How many findings the baseline holds.
    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }

    /// Drops the findings of one file that the baseline holds (each entry as many times as it
    /// was recorded) and says how many. Files are independent (an entry names its file), so
    /// files may be filtered in any order and on any thread; the entries no file used are
    /// `total()` minus the sum of these.
    pub fn apply_file(&self, file: &mut FileResult) -> usize {
        let text = &file.document.text;
        let path = relative(&self.root, &file.source.path);
        let mut used: BTreeMap<Key, usize> = BTreeMap::new();
        let before = file.diagnostics.len();
        file.diagnostics.retain(|d| {
            let key = (path.clone(), d.rule.to_string(), fingerprint(text, d));
            let Some(&recorded) = self.counts.get(&key) else {
                return true;
            };
            let n = used.entry(key).or_insert(0);
            if *n < recorded {
                *n += 1;
                false
            } else {
                true
            }
        });
        before - file.diagnostics.len()
    }

    /// Sorted, pretty JSON: stable across runs and machines, friendly to diffs.
    pub fn to_json(&self) -> String {
        let findings = self
            .counts
            .iter()
            .map(|((path, rule, fingerprint), count)| Entry {
                path: path.clone(),
                rule: rule.clone(),
                fingerprint: fingerprint.clone(),
                count: *count,
            })
            .collect();
        let mut out = serde_json::to_string_pretty(&BaselineFile {
            version: VERSION,
            findings,
        })
        .expect("baseline JSON");
        out.push('\n');
        out
    }

    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: 无法读取基线文件：{e}", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|e| format!("{}: 基线文件格式有误：{e}", path.display()))?;
        if file.version != VERSION {
            return Err(format!(
                "{}: 不支持的基线版本 {}",
                path.display(),
                file.version
            ));
        }
        let counts = file
            .findings
            .into_iter()
            .map(|e| ((e.path, e.rule, e.fingerprint), e.count))
            .collect();
        Ok(Baseline {
            root: baseline_dir(path),
            counts,
        })
    }

    /// Drops the findings the baseline holds (each entry as many times as it was recorded).
    pub fn apply(&self, files: &mut [FileResult]) -> Applied {
        let suppressed = files.iter_mut().map(|file| self.apply_file(file)).sum();
        Applied {
            suppressed,
            stale: self.total() - suppressed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{check_source, Options};
    use crate::rules::RuleSet;
    use crate::source::SourceFile;

    fn check(dir: &Path, text: &str) -> Vec<FileResult> {
        let rules = RuleSet::builtin().unwrap();
        let source = SourceFile::from_bytes(&dir.join("d.txt"), text.as_bytes()).unwrap();
        vec![check_source(&rules, &Options::default(), source).unwrap()]
    }

    #[test]
    fn survives_edits_elsewhere_and_catches_new_and_fixed_findings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let old = "标题\n\n甲,乙。\n\n丙,丁。\n";
        let baseline = Baseline::record(&path, &check(dir.path(), old));
        std::fs::write(&path, baseline.to_json()).unwrap();
        let baseline = Baseline::load(&path).unwrap();

        let mut moved = check(dir.path(), "标题\n\n新增一段。\n\n甲,乙。\n\n丙,丁。\n");
        assert_eq!(
            baseline.apply(&mut moved),
            Applied {
                suppressed: 2,
                stale: 0
            }
        );
        assert!(moved[0].diagnostics.is_empty());

        let mut new_defect = check(
            dir.path(),
            "标题\n\n今天,天气很好。\n\n甲,乙。\n\n丙,丁。\n",
        );
        assert_eq!(baseline.apply(&mut new_defect).stale, 0);
        assert_eq!(new_defect[0].diagnostics.len(), 1);

        let mut fixed = check(dir.path(), "标题\n\n甲，乙。\n\n丙,丁。\n");
        assert_eq!(
            baseline.apply(&mut fixed),
            Applied {
                suppressed: 1,
                stale: 1
            }
        );
    }

    #[test]
    fn json_is_sorted_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        let files = check(dir.path(), "标题\n\n丙,丁;甲,乙。\n");
        let a = Baseline::record(&path, &files).to_json();
        assert_eq!(a, Baseline::record(&path, &files).to_json());
        assert!(a.contains("\"path\": \"d.txt\""), "{a}");
    }

    /// The context as characters collected one by one (how it was first computed): a
    /// fingerprint must never change, or every baseline would go stale.
    fn collected_fingerprint(text: &str, d: &Diagnostic) -> String {
        let span = d.span;
        let mut before: Vec<char> = text[..span.start]
            .chars()
            .rev()
            .take_while(|c| *c != '\n' && *c != '\r')
            .take(CONTEXT)
            .collect();
        before.reverse();
        let before: String = before.into_iter().collect();
        let after: String = text[span.end..]
            .chars()
            .take_while(|c| *c != '\n' && *c != '\r')
            .take(CONTEXT)
            .collect();
        fnv1a(&[d.rule, &before, span.text(text), &after])
    }

    #[test]
    fn fingerprints_slice_the_same_context_they_collected() {
        let texts = [
            "",
            "甲",
            "一二三四五六七八九十壹贰叁四五六七八九十",
            "前\r\n一二三，四五六七八九十壹贰叁。\r后",
            "ab\ncd,ef\n\n",
        ];
        for text in texts {
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for (n, &start) in bounds.iter().enumerate() {
                for &end in &bounds[n..] {
                    let d = Diagnostic {
                        rule: "test/rule",
                        severity: crate::diagnostic::Severity::Warning,
                        span: crate::diagnostic::Span::new(start, end),
                        message: "".into(),
                        help: None,
                        fix: None,
                    };
                    let want = collected_fingerprint(text, &d);
                    assert_eq!(fingerprint(text, &d), want, "{text:?} {start}..{end}");
                }
            }
        }
    }
}
