//! Applying fixes: non-overlapping edits in passes until nothing changes (bounded, and saying
//! so when it stops early), writing the result back into the file (`write`), and unified diffs
//! for `--diff`.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use crate::diagnostic::{Applicability, Diagnostic};
use crate::engine::{check_source, CheckError, FileResult, Options};
use crate::rules::RuleSet;
use crate::source::SourceFile;

mod write;
pub use write::{write_file, WriteError};

/// Passes before giving up on fixes that keep producing new fixes. A pass applies every fix
/// that does not overlap another, so a run of N marks that each fix joins with its neighbour
/// takes about log N passes; this is far above what text needs and bounds a rule that loops.
const MAX_PASSES: usize = 100;

/// Applies every fix at or above `min` that does not overlap one already taken, in text order.
/// Returns the new text and how many fixes went in.
pub fn apply(text: &str, diagnostics: &[Diagnostic], min: Applicability) -> (String, usize) {
    let mut fixes: Vec<_> = diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| f.applicability >= min && !f.edits.is_empty())
        .collect();
    fixes.sort_by_key(|f| (f.edits[0].span.start, f.edits[0].span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut applied = 0;
    for fix in fixes {
        // A fix goes in whole or not at all; an insertion at the end of the previous edit is fine.
        if fix.edits.first().is_some_and(|e| e.span.start < at) {
            continue;
        }
        for edit in &fix.edits {
            out.push_str(&text[at..edit.span.start]);
            out.push_str(&edit.replacement);
            at = edit.span.end;
        }
        applied += 1;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// What fixing one file did.
pub struct Fixed {
    /// The file after fixing, re-checked: its text and remaining diagnostics.
    pub result: FileResult,
    /// The text before fixing.
    pub original: String,
    pub applied: usize,
    /// Why fixing stopped while fixes still applied; `None` when it ran until nothing changed.
    pub stopped_early: Option<StoppedEarly>,
}

/// Why `fix_file` stopped before the text stopped changing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoppedEarly {
    #[error("修复进行了 {0} 轮仍有新的修复，已停止；请再运行一次 --fix，并报告此问题")]
    PassLimit(usize),
    #[error("修复结果回到了此前某一轮的文本（规则的修复互相抵消），已停止；请报告此问题")]
    Cycle,
}

/// Fixes `result`'s document in passes, re-checking after each, until no fix at or above
/// `min` changes the text; stops early, and says why, after `MAX_PASSES` or when a pass
/// brings back the text of an earlier one.
pub fn fix_file(
    rules: &RuleSet,
    options: &Options,
    result: FileResult,
    min: Applicability,
) -> Result<Fixed, CheckError> {
    let original = result.source.text.clone();
    let mut seen = HashSet::from([hash(&original)]);
    let mut current = result;
    let mut applied = 0;
    let mut stopped_early = Some(StoppedEarly::PassLimit(MAX_PASSES));
    for _ in 0..MAX_PASSES {
        let (text, count) = apply(&current.source.text, &current.diagnostics, min);
        if count == 0 || text == current.source.text {
            stopped_early = None;
            break;
        }
        if !seen.insert(hash(&text)) {
            stopped_early = Some(StoppedEarly::Cycle);
            break;
        }
        applied += count;
        let source = SourceFile {
            text,
            ..current.source.clone()
        };
        current = check_source(rules, options, source)?;
    }
    Ok(Fixed {
        result: current,
        original,
        applied,
        stopped_early,
    })
}

fn hash(text: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// A unified diff from `old` to `new`, with `path` on both header lines.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(1)
        .header(path, path)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Fix, Severity, Span};

    fn diagnostic(
        start: usize,
        end: usize,
        replacement: &str,
        applicability: Applicability,
    ) -> Diagnostic {
        Diagnostic {
            rule: "test/fix",
            severity: Severity::Warning,
            span: Span::new(start, end),
            message: "".into(),
            help: None,
            fix: Some(Fix::replace(
                applicability,
                Span::new(start, end),
                replacement.to_string(),
            )),
        }
    }

    #[test]
    fn applies_in_order_and_skips_overlaps() {
        let text = "甲,乙,丙";
        let diagnostics = [
            diagnostic(7, 8, "，", Applicability::Safe),
            diagnostic(3, 4, "，", Applicability::Safe),
            diagnostic(3, 7, "X", Applicability::Safe),
        ];
        assert_eq!(
            apply(text, &diagnostics, Applicability::Safe),
            ("甲，乙，丙".to_string(), 2)
        );
    }

    #[test]
    fn suggestions_need_the_lower_threshold() {
        let diagnostics = [diagnostic(0, 1, "b", Applicability::Suggest)];
        assert_eq!(apply("a", &diagnostics, Applicability::Safe).1, 0);
        assert_eq!(
            apply("a", &diagnostics, Applicability::Suggest),
            ("b".to_string(), 1)
        );
    }

    #[test]
    fn diff_has_headers_and_hunks() {
        let diff = unified_diff("a.txt", "一\n甲,乙\n三\n", "一\n甲，乙\n三\n");
        assert!(diff.starts_with("--- a.txt\n+++ a.txt\n@@"), "{diff}");
        assert!(diff.contains("-甲,乙\n+甲，乙\n"));
    }
}
