//! The one vocabulary that rules, fixes and reports share: spans, severities, diagnostics, fixes.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

/// A half-open byte range into a document's decoded text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The same span moved `offset` bytes to the right.
    pub fn shift(self, offset: usize) -> Self {
        Span::new(self.start + offset, self.end + offset)
    }

    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn text(self, source: &str) -> &str {
        &source[self.start..self.end]
    }
}

/// `info` never fails a run; `warning` fails it under `--deny-warnings`; `error` always does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Info => "提示",
            Severity::Warning => "警告",
            Severity::Error => "错误",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Ordered so that "may `--fix` apply it?" is one comparison: `fix.applicability >= wanted`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Suggest,
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Suggest => "suggest",
            Applicability::Safe => "safe",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: Arc<str>,
}

/// Sorted, non-overlapping edits that together repair one diagnostic. Most fixes are one edit,
/// which needs no allocation of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub edits: SmallVec<[Edit; 1]>,
}

impl Fix {
    pub fn replace(
        applicability: Applicability,
        span: Span,
        replacement: impl Into<Arc<str>>,
    ) -> Self {
        Fix {
            applicability,
            edits: smallvec::smallvec![Edit {
                span,
                replacement: replacement.into(),
            }],
        }
    }
}

/// A finding. Its texts are `Arc<str>`: a message, help or replacement that many findings
/// share (a rule's constant help, the few messages of a half-width mark) is one allocation,
/// counted, not copied, per finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable public id, `category/name`.
    pub rule: &'static str,
    pub severity: Severity,
    pub span: Span,
    pub message: Arc<str>,
    pub help: Option<Arc<str>>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// The order every output uses: position, then rule id.
    pub fn sort_key(&self) -> (usize, usize, &'static str) {
        (self.span.start, self.span.end, self.rule)
    }
}
