//! Suppression comments in Markdown: `<!-- gwlint-disable RULE -->` … `<!-- gwlint-enable RULE -->`
//! and `<!-- gwlint-disable-next-line RULE -->` (no RULE: every rule). A suppression that
//! suppresses nothing is reported by the rule of kind `suppression` (like ruff's unused-noqa).

use std::sync::OnceLock;

use regex::Regex;

use crate::diagnostic::{Applicability, Diagnostic, Fix, Span};

fn comment_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"<!--\s*gwlint-(disable-next-line|disable|enable)\b([^>]*?)\s*-->")
            .expect("built-in regex")
    })
}

#[derive(Debug)]
struct Suppression {
    /// The comment itself.
    comment: Span,
    /// The text it covers.
    covers: Span,
    /// Rule ids or categories; empty means every rule.
    codes: Vec<String>,
    used: bool,
}

fn matches(codes: &[String], rule: &str) -> bool {
    codes.is_empty()
        || codes.iter().any(|c| {
            rule == c
                || rule
                    .strip_prefix(c.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        })
}

fn line_end(text: &str, from: usize) -> usize {
    text[from..].find('\n').map_or(text.len(), |e| from + e + 1)
}

fn parse(text: &str) -> Vec<Suppression> {
    if !text.contains("gwlint-") {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for captures in comment_re().captures_iter(text) {
        let whole = captures.get(0).expect("group 0");
        let comment = Span::new(whole.start(), whole.end());
        let codes: Vec<String> = captures[2]
            .split([',', ' ', '\t'])
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        match &captures[1] {
            "disable-next-line" => {
                let next = line_end(text, comment.end);
                found.push(Suppression {
                    comment,
                    covers: Span::new(next, line_end(text, next)),
                    codes,
                    used: false,
                });
            }
            "disable" => {
                open.push(found.len());
                found.push(Suppression {
                    comment,
                    covers: Span::new(comment.end, text.len()),
                    codes,
                    used: false,
                });
            }
            _ => {
                // `enable` closes the disables it names (all of them when it names none).
                open.retain(|&i| {
                    let closes =
                        codes.is_empty() || found[i].codes.iter().any(|c| codes.contains(c));
                    if closes {
                        found[i].covers.end = comment.start;
                    }
                    !closes
                });
            }
        }
    }
    found
}

/// Drops the diagnostics that a suppression covers; `unused` is the rule (id, severity,
/// message, help) that reports suppressions that covered nothing, when it is active.
pub fn apply(
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
    unused: Option<&dyn Fn(Span, Fix) -> Diagnostic>,
) {
    let mut suppressions = parse(text);
    if suppressions.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        let covering = suppressions.iter_mut().find(|s| {
            s.covers.start <= d.span.start
                && d.span.start < s.covers.end
                && matches(&s.codes, d.rule)
        });
        match covering {
            Some(s) => {
                s.used = true;
                false
            }
            None => true,
        }
    });
    if let Some(report) = unused {
        for s in suppressions.iter().filter(|s| !s.used) {
            let fix = Fix::replace(Applicability::Safe, s.comment, String::new());
            diagnostics.push(report(s.comment, fix));
        }
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    fn diagnostic(text: &str, needle: &str, rule: &'static str) -> Diagnostic {
        let at = text.find(needle).unwrap();
        Diagnostic {
            rule,
            severity: Severity::Error,
            span: Span::new(at, at + needle.len()),
            message: "".into(),
            help: None,
            fix: None,
        }
    }

    fn run(text: &str, found: &[(&str, &'static str)]) -> Vec<(&'static str, String)> {
        let mut diagnostics: Vec<Diagnostic> =
            found.iter().map(|(n, r)| diagnostic(text, n, r)).collect();
        let report = |span: Span, fix: Fix| Diagnostic {
            rule: "suppression/unused",
            severity: Severity::Warning,
            span,
            message: "".into(),
            help: None,
            fix: Some(fix),
        };
        apply(text, &mut diagnostics, Some(&report));
        diagnostics
            .into_iter()
            .map(|d| (d.rule, d.span.text(text).to_string()))
            .collect()
    }

    #[test]
    fn next_line_and_ranges() {
        let text = "甲,乙\n<!-- gwlint-disable-next-line punct/halfwidth -->\n丙,丁\n<!-- gwlint-disable punct -->\n戊,己\n<!-- gwlint-enable punct -->\n庚,辛\n";
        let found = [
            ("甲,", "punct/halfwidth"),
            ("丙,", "punct/halfwidth"),
            ("戊,", "punct/unpaired"),
            ("庚,", "punct/halfwidth"),
        ];
        assert_eq!(
            run(text, &found),
            [
                ("punct/halfwidth", "甲,".to_string()),
                ("punct/halfwidth", "庚,".to_string())
            ]
        );
    }

    #[test]
    fn a_suppression_that_suppresses_nothing_is_reported() {
        let text = "<!-- gwlint-disable-next-line numbering/gap -->\n甲,乙\n";
        let found = run(text, &[("甲,", "punct/halfwidth")]);
        assert_eq!(found[0].0, "suppression/unused");
        assert_eq!(found[1].0, "punct/halfwidth");
    }

    #[test]
    fn no_codes_means_every_rule() {
        let text = "<!-- gwlint-disable -->\n甲,乙\n";
        assert!(run(text, &[("甲,", "punct/halfwidth")]).is_empty());
    }
}
