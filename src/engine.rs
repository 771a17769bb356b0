//! Documents × rules → diagnostics, and nothing else: no file system, no output. One parse per
//! document, then every active rule on the model; one finding per defect; deterministic order
//! (position, rule id). `workspace` finds and reads the files and runs this on each.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::docx::DocxText;
use crate::model::{DocDate, DocType, Document};
use crate::parse::parse;
use crate::rules::{Context, Rule, RuleSet, Settings};
use crate::source::{SourceError, SourceFile};

/// Which rules run: ruff's `--select` / `--ignore`, by id or by category.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

fn matches_code(rule: &str, code: &str) -> bool {
    code == "ALL"
        || rule == code
        || rule
            .strip_prefix(code)
            .is_some_and(|rest| rest.starts_with('/'))
}

impl Selection {
    /// Rules that are off by default run only when selected by their full id.
    pub fn is_active(&self, rule: &Rule) -> bool {
        let id = rule.id();
        if self.ignore.iter().any(|code| matches_code(id, code)) {
            return false;
        }
        if self.select.is_empty() {
            return rule.meta.default_enabled;
        }
        self.select
            .iter()
            .any(|code| code == id || (rule.meta.default_enabled && matches_code(id, code)))
    }

    /// Codes that name no rule and no category: a typo the user should hear about.
    pub fn unknown_codes<'a>(&'a self, rules: &'a RuleSet) -> impl Iterator<Item = &'a str> {
        self.select
            .iter()
            .chain(&self.ignore)
            .map(String::as_str)
            .filter(|code| !rules.rules.iter().any(|r| matches_code(r.id(), code)))
    }
}

/// What the user says of the documents, overriding what the parser infers.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub doc_type: Option<DocType>,
    pub date: Option<DocDate>,
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub selection: Selection,
    pub overrides: Overrides,
    /// Severity per rule id, from gwlint.yaml.
    pub severity: BTreeMap<String, Severity>,
    pub settings: Settings,
}

/// One checked file: its source facts, the parsed document, and what the rules found.
#[derive(Clone, Debug)]
pub struct FileResult {
    pub source: SourceFile,
    pub document: Document,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("{path}: gwlint 内部错误（已跳过此文件，请报告此问题）：{message}")]
    Panic { path: PathBuf, message: String },
}

impl CheckError {
    pub fn path(&self) -> &Path {
        match self {
            CheckError::Source(error) => error.path(),
            CheckError::Panic { path, .. } => path,
        }
    }
}

/// Runs the active rules on one parsed document: their diagnostics in order, with the options'
/// severities, without the suppressed ones, one per defect.
pub fn check_document(
    rules: &RuleSet,
    active: &[&Rule],
    doc: &Document,
    docx: Option<&DocxText>,
    options: &Options,
) -> Vec<Diagnostic> {
    // One context for all the rules, so that the substitution rules share one word search.
    let ctx = Context::new(doc, rules, &options.settings).with_docx(docx);
    // The configured severity is the one a diagnostic is made with.
    let severity = |rule: &Rule| {
        options
            .severity
            .get(rule.meta.id)
            .copied()
            .unwrap_or(rule.meta.severity)
    };
    let run = |rule: &&Rule| rule.run(&ctx, severity(rule));
    // Small documents are faster on one thread; the files around them keep the others busy.
    let mut diagnostics: Vec<Diagnostic> = if doc.text.len() > 256 * 1024 {
        active.par_iter().flat_map_iter(run).collect()
    } else {
        active.iter().flat_map(run).collect()
    };
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
    // No fix touches an aside (a URL, a link target, a source note) or drops an address or a
    // number with separators, not even one whose finding is about text around it
    // (`<b …a@b.cn-->` residue): the finding stays, to be fixed by hand.
    for d in &mut diagnostics {
        if d.fix
            .as_ref()
            .is_some_and(|fix| harms_protected_text(doc, fix))
        {
            d.fix = None;
        }
    }
    let unused = active.iter().find(|r| r.meta.kind == "suppression");
    let report_unused =
        unused.map(|rule| move |span, fix| rule.diagnostic(span, Some(fix), severity(rule)));
    crate::suppression::apply(
        &doc.text,
        &mut diagnostics,
        report_unused
            .as_ref()
            .map(|f| f as &dyn Fn(_, _) -> Diagnostic),
    );
    // After the suppressions, so that a comment that silences one of the two rules is used,
    // with every finding at its configured severity, so that the merged one keeps the higher.
    merge_same_defect(&mut diagnostics);
    diagnostics
}

/// Whether a fix edits inside an aside, or removes a URL, an e-mail address or a number with
/// separators (`1,234.5`) that its replacement does not keep.
fn harms_protected_text(doc: &Document, fix: &crate::diagnostic::Fix) -> bool {
    static PROTECTED: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    // Compiled (Unicode `\w` and `\d`: a millisecond) only for removed text that could hold a
    // token: every URL has `://`, every address `@`, every separated number a `,` before a
    // digit (`is_numeric` takes in every `\d`).
    let may_hold = |text: &str| {
        text.contains("://")
            || text.contains('@')
            || text
                .match_indices(',')
                .any(|(at, _)| text[at + 1..].chars().next().is_some_and(char::is_numeric))
    };
    let protected = || {
        PROTECTED.get_or_init(|| {
            regex::Regex::new(
                r"(?i)[a-z][a-z0-9+.-]*://[^\s<>“”]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\d{1,3}(?:,\d{3})+(?:\.\d+)?",
            )
            .expect("built-in regex")
        })
    };
    fix.edits.iter().any(|edit| {
        // Asides are sorted and disjoint: the first that ends after the edit starts is the
        // only one that may overlap it.
        let next_aside = doc
            .asides
            .partition_point(|aside| aside.end <= edit.span.start);
        let inside_aside = doc
            .asides
            .get(next_aside)
            .is_some_and(|aside| aside.start < edit.span.end);
        let removed = doc.text.get(edit.span.start..edit.span.end).unwrap_or("");
        // The shortest protected token, `a@b.c` or `1,000`, has five bytes.
        inside_aside
            || (removed.len() >= 5
                && may_hold(removed)
                && protected()
                    .find_iter(removed)
                    .any(|token| !edit.replacement.contains(token.as_str())))
    })
}

/// Categories whose rules look at one mark and its neighbours wherever it stands. A rule of
/// another category that reports the same mark with the same repair has recognised the
/// construct around it (a salutation, a 签发人 line, a heading token), so its finding says more.
const GENERIC_CATEGORIES: &[&str] = &["punct"];

/// Which of two findings of one defect stays: a rule outside `GENERIC_CATEGORIES` before one
/// inside, then the higher severity; on a tie the first in output order (rule id).
fn specificity(d: &Diagnostic) -> (bool, Severity) {
    let category = d
        .rule
        .split_once('/')
        .map_or(d.rule, |(category, _)| category);
    (!GENERIC_CATEGORIES.contains(&category), d.severity)
}

/// Two diagnostics are one defect when they have the same span and fixes with the same edits.
/// Without a fix there is no repair to compare, and two rules on one span may say different
/// things (a numbering gap and a level reversal on one heading token): both stay.
fn same_defect(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.span == b.span && matches!((&a.fix, &b.fix), (Some(x), Some(y)) if x.edits == y.edits)
}

/// One defect, one finding: of the diagnostics that are one defect (`same_defect`), only the
/// most specific stays (`specificity`). It takes the highest severity and applicability among
/// them, so that merging never changes whether a run fails or what `--fix` applies.
///
/// `diagnostics` is sorted by position, so the candidates are the neighbours with the same
/// span: each diagnostic is compared with the earlier ones of its run only, a few at most.
fn merge_same_defect(diagnostics: &mut Vec<Diagnostic>) {
    if !diagnostics.windows(2).any(|w| w[0].span == w[1].span) {
        return;
    }
    let mut keep = vec![true; diagnostics.len()];
    let mut run = 0;
    for i in 1..diagnostics.len() {
        if diagnostics[i].span != diagnostics[run].span {
            run = i;
            continue;
        }
        let Some(j) = (run..i).find(|&j| keep[j] && same_defect(&diagnostics[j], &diagnostics[i]))
        else {
            continue;
        };
        let (winner, loser) = if specificity(&diagnostics[i]) > specificity(&diagnostics[j]) {
            (i, j)
        } else {
            (j, i)
        };
        keep[loser] = false;
        let severity = diagnostics[loser].severity;
        let applicability = diagnostics[loser].fix.as_ref().map(|f| f.applicability);
        let kept = &mut diagnostics[winner];
        kept.severity = kept.severity.max(severity);
        if let (Some(fix), Some(other)) = (kept.fix.as_mut(), applicability) {
            fix.applicability = fix.applicability.max(other);
        }
    }
    let mut keep = keep.into_iter();
    diagnostics.retain(|_| keep.next().unwrap_or(true));
}

/// Parses and checks `source` with the options' rules.
pub fn check_source(
    rules: &RuleSet,
    options: &Options,
    source: SourceFile,
) -> Result<FileResult, CheckError> {
    let path = source.path.clone();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut document = parse(source.text.clone());
        if let Some(doc_type) = options.overrides.doc_type {
            document.meta.doc_type = Some(doc_type);
        }
        if let Some(date) = options.overrides.date {
            document.meta.date = Some(date);
        }
        let active: Vec<&Rule> = rules
            .rules
            .iter()
            .filter(|r| options.selection.is_active(r))
            .collect();
        let diagnostics =
            check_document(rules, &active, &document, source.docx.as_deref(), options);
        (document, diagnostics)
    }));
    match outcome {
        Ok((document, diagnostics)) => Ok(FileResult {
            source,
            document,
            diagnostics,
        }),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(CheckError::Panic { path, message })
        }
    }
}

/// Every default rule on `text`: the short way in for tests and examples.
pub fn check_text(rules: &RuleSet, text: &str) -> Vec<Diagnostic> {
    let doc = parse(text.to_string());
    let active: Vec<&Rule> = rules
        .rules
        .iter()
        .filter(|r| r.meta.default_enabled)
        .collect();
    check_document(rules, &active, &doc, None, &Options::default())
}

/// One rule alone on `text`, whether or not it is on by default: how rule examples run. A
/// layout rule's example is a sample page (`docx::generate::from_sample`), made into a .docx
/// and read back as any .docx is.
pub fn check_rule(rules: &RuleSet, rule: &Rule, text: &str) -> Vec<Diagnostic> {
    if rule.meta.kind == "layout" {
        let bytes = crate::docx::generate::from_sample(text);
        let Ok(docx) = crate::docx::extract(&bytes) else {
            return Vec::new();
        };
        let doc = parse(docx.text.clone());
        return check_document(rules, &[rule], &doc, Some(&docx), &Options::default());
    }
    let doc = parse(text.to_string());
    if rule.meta.kind != "suppression" {
        return check_document(rules, &[rule], &doc, None, &Options::default());
    }
    // Whether a suppression is used depends on what the other rules find.
    let mut active: Vec<&Rule> = rules
        .rules
        .iter()
        .filter(|r| r.meta.default_enabled)
        .collect();
    active.push(rule);
    let mut found = check_document(rules, &active, &doc, None, &Options::default());
    found.retain(|d| d.rule == rule.id());
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Applicability, Fix, Span};

    fn diagnostic(
        rule: &'static str,
        severity: Severity,
        fix: Option<(&str, Applicability)>,
    ) -> Diagnostic {
        let span = Span::new(10, 11);
        Diagnostic {
            rule,
            severity,
            span,
            message: rule.into(),
            help: None,
            fix: fix.map(|(replacement, a)| Fix::replace(a, span, replacement.to_string())),
        }
    }

    fn merged(mut diagnostics: Vec<Diagnostic>) -> Vec<(&'static str, Severity)> {
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        merge_same_defect(&mut diagnostics);
        diagnostics.iter().map(|d| (d.rule, d.severity)).collect()
    }

    #[test]
    fn one_defect_one_finding_from_the_more_specific_rule() {
        use Applicability::{Safe, Suggest};
        use Severity::{Error, Info, Warning};
        // The salutation rule knows more than the half-width rule and stays, as an error.
        assert_eq!(
            merged(vec![
                diagnostic("punct/halfwidth", Error, Some(("：", Safe))),
                diagnostic("header/salutation", Warning, Some(("：", Safe))),
            ]),
            [("header/salutation", Error)]
        );
        // A different repair, or no repair, is a different finding.
        assert_eq!(
            merged(vec![
                diagnostic("punct/halfwidth", Error, Some(("：", Safe))),
                diagnostic("header/salutation", Warning, Some(("，", Safe))),
                diagnostic("numbering/gap", Error, None),
                diagnostic("numbering/hierarchy", Error, None),
            ])
            .len(),
            4
        );
        // Past a finding of the same span that is not a duplicate; the strongest
        // applicability stays with the kept fix.
        let mut diagnostics = vec![
            diagnostic("header/signer", Info, Some(("：", Suggest))),
            diagnostic("numbering/gap", Error, None),
            diagnostic("punct/halfwidth", Error, Some(("：", Safe))),
            diagnostic("punct/space", Warning, Some(("：", Safe))),
        ];
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        merge_same_defect(&mut diagnostics);
        let kept: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.rule, d.severity, d.fix.as_ref().map(|f| f.applicability)))
            .collect();
        assert_eq!(
            kept,
            [
                ("header/signer", Error, Some(Safe)),
                ("numbering/gap", Error, None),
            ]
        );
    }

    #[test]
    fn a_salutation_with_a_half_width_colon_is_one_finding() {
        let rules = RuleSet::builtin().unwrap();
        let text = "2023年政府工作报告\n\n各位代表、同志们:\n\n现在，我代表镇人民政府报告工作。";
        let colon = text.find(':').unwrap();
        let found: Vec<_> = check_text(&rules, text)
            .into_iter()
            .filter(|d| d.span.start == colon)
            .map(|d| (d.rule, d.severity))
            .collect();
        // Both rules report the colon with the same fix; punct/halfwidth's severity stays.
        assert_eq!(found, [("header/salutation", Severity::Error)]);

        // A comment that silences one of the two is used, and the other stays as it is.
        let text = text.replace(
            "各位代表",
            "<!-- gwlint-disable-next-line punct/halfwidth -->\n各位代表",
        );
        let colon = text.find(':').unwrap();
        let found: Vec<_> = check_text(&rules, &text)
            .into_iter()
            .filter(|d| d.span.start == colon || d.rule == "suppression/unused")
            .map(|d| (d.rule, d.severity))
            .collect();
        assert_eq!(found, [("header/salutation", Severity::Warning)]);
    }

    /// A configured severity is the one a finding is made with, for every rule, the finding of
    /// an unused suppression comment included (it is made after the other rules have run).
    #[test]
    fn configured_severity_holds_for_every_finding() {
        let rules = RuleSet::builtin().unwrap();
        let active: Vec<&Rule> = rules
            .rules
            .iter()
            .filter(|r| r.meta.default_enabled)
            .collect();
        let text = "关于开展检查的通知\n\n<!-- gwlint-disable-next-line term/duplicate-word -->\n一、要继续努力,做好工作。\n";
        let doc = parse(text.to_string());
        let mut options = Options::default();
        for id in ["suppression/unused", "punct/halfwidth"] {
            options.severity.insert(id.to_string(), Severity::Info);
        }
        let found: Vec<_> = check_document(&rules, &active, &doc, None, &options)
            .into_iter()
            .filter(|d| options.severity.contains_key(d.rule))
            .map(|d| (d.rule, d.severity))
            .collect();
        assert_eq!(
            found,
            [
                ("suppression/unused", Severity::Info),
                ("punct/halfwidth", Severity::Info)
            ]
        );
    }

    /// A fix that drops a URL, an address or a separated number is withheld, one that keeps
    /// it or drops other text is not (whether or not the text has `:`, `@` or `,`).
    #[test]
    fn fixes_keep_protected_tokens() {
        let text =
            "访问https://www.gov.cn，来信a@b.cn，共1,000元，共１,０００元，会议:十点，如下内容。";
        let doc = crate::parse::parse(text.to_string());
        let harms = |token: &str, replacement: &str| {
            let start = text.find(token).unwrap();
            let span = Span::new(start, start + token.len());
            let fix = Fix::replace(Applicability::Safe, span, replacement.to_string());
            harms_protected_text(&doc, &fix)
        };
        assert!(harms("https://www.gov.cn", ""));
        assert!(harms("a@b.cn", "a"));
        assert!(harms("1,000元", "1000元"));
        assert!(!harms("1,000元", "1,000 元"));
        assert!(
            harms("１,０００元", "１０００元"),
            "full-width digits are `\\d`"
        );
        assert!(!harms("会议:十点", "会议十点"));
        assert!(!harms("如下内容", "如下"));
    }
}
