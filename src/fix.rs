//! Applying fixes: non-overlapping edits in passes until nothing changes (bounded), atomic
//! writes that keep the file's encoding, BOM and line endings, and unified diffs for `--diff`.

use std::io::Write;
use std::path::Path;

use crate::diagnostic::{Applicability, Diagnostic};
use crate::engine::{check_source, CheckError, FileResult, Options};
use crate::rules::RuleSet;
use crate::source::SourceFile;

/// Passes before giving up on fixes that keep producing new fixes.
const MAX_PASSES: usize = 10;

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
}

/// Fixes `result`'s document in passes, re-checking after each, until no fix at or above
/// `min` applies or `MAX_PASSES` is reached.
pub fn fix_file(
    rules: &RuleSet,
    options: &Options,
    result: FileResult,
    min: Applicability,
) -> Result<Fixed, CheckError> {
    let original = result.source.text.clone();
    let mut current = result;
    let mut applied = 0;
    for _ in 0..MAX_PASSES {
        let (text, count) = apply(&current.source.text, &current.diagnostics, min);
        if count == 0 || text == current.source.text {
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
    })
}

/// Replaces `path` with `bytes` atomically: a temporary file in the same folder, synced, with
/// the original's permissions, renamed over it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    if let Ok(metadata) = std::fs::metadata(path) {
        std::fs::set_permissions(temp.path(), metadata.permissions())?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
            message: String::new(),
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
    fn atomic_write_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomic(&path, "new".as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o640
            );
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn diff_has_headers_and_hunks() {
        let diff = unified_diff("a.txt", "一\n甲,乙\n三\n", "一\n甲，乙\n三\n");
        assert!(diff.starts_with("--- a.txt\n+++ a.txt\n@@"), "{diff}");
        assert!(diff.contains("-甲,乙\n+甲，乙\n"));
    }
}
