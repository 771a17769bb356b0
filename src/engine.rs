//! Documents × rules → diagnostics. Rayon across files; one read and one parse per file, then
//! every active rule on the model; deterministic order (path, position, rule id).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Severity};
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
#[derive(Debug)]
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

/// Runs the active rules on one parsed document.
pub fn check_document(
    rules: &RuleSet,
    active: &[&Rule],
    doc: &Document,
    settings: &Settings,
) -> Vec<Diagnostic> {
    // One context for all the rules, so that the substitution rules share one word search.
    let ctx = Context::new(doc, rules, settings);
    let run = |rule: &&Rule| rule.run(&ctx);
    // Small documents are faster on one thread; the files around them keep the others busy.
    let mut diagnostics: Vec<Diagnostic> = if doc.text.len() > 256 * 1024 {
        active.par_iter().flat_map_iter(run).collect()
    } else {
        active.iter().flat_map(run).collect()
    };
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
    let unused = active.iter().find(|r| r.meta.kind == "suppression");
    let report_unused = unused.map(|rule| move |span, fix| rule.diagnostic(span, Some(fix)));
    crate::suppression::apply(
        &doc.text,
        &mut diagnostics,
        report_unused
            .as_ref()
            .map(|f| f as &dyn Fn(_, _) -> Diagnostic),
    );
    diagnostics
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
        let mut diagnostics = check_document(rules, &active, &document, &options.settings);
        for d in &mut diagnostics {
            if let Some(severity) = options.severity.get(d.rule) {
                d.severity = *severity;
            }
        }
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

/// Reads, parses and checks every file, in parallel, each with its own options; results come
/// back in path order.
pub fn check_files(
    rules: &RuleSet,
    files: &[(PathBuf, Options)],
) -> Vec<Result<FileResult, CheckError>> {
    let mut results: Vec<_> = files
        .par_iter()
        .map(|(path, options)| {
            let source = SourceFile::read(path)?;
            check_source(rules, options, source)
        })
        .collect();
    results.sort_by(|a, b| result_path(a).cmp(result_path(b)));
    results
}

fn result_path(result: &Result<FileResult, CheckError>) -> &Path {
    match result {
        Ok(file) => &file.source.path,
        Err(error) => error.path(),
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
    check_document(rules, &active, &doc, &Settings::default())
}

/// One rule alone on `text`, whether or not it is on by default: how rule examples run.
pub fn check_rule(rules: &RuleSet, rule: &Rule, text: &str) -> Vec<Diagnostic> {
    let doc = parse(text.to_string());
    if rule.meta.kind != "suppression" {
        return check_document(rules, &[rule], &doc, &Settings::default());
    }
    // Whether a suppression is used depends on what the other rules find.
    let mut active: Vec<&Rule> = rules
        .rules
        .iter()
        .filter(|r| r.meta.default_enabled)
        .collect();
    active.push(rule);
    let mut found = check_document(rules, &active, &doc, &Settings::default());
    found.retain(|d| d.rule == rule.id());
    found
}

/// File extensions gwlint reads when it walks a folder.
pub const EXTENSIONS: &[&str] = &["txt", "md", "docx"];

#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("{0}: 路径不存在")]
    Missing(PathBuf),
    #[error("{0}: 目录中没有可检查的文件（.txt、.md、.docx）")]
    Empty(PathBuf),
    #[error("遍历目录出错：{0}")]
    Walk(#[from] ignore::Error),
}

/// Expands folders (honouring .gitignore) into the files to check, sorted. A file named
/// explicitly is checked whatever its extension.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<WalkError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            errors.push(WalkError::Missing(path.clone()));
            continue;
        }
        let before = files.len();
        for entry in ignore::WalkBuilder::new(path)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build()
        {
            match entry {
                Ok(entry) => {
                    let file = entry.path();
                    let wanted = entry.file_type().is_some_and(|t| t.is_file())
                        && file
                            .extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| EXTENSIONS.contains(&e));
                    if wanted {
                        files.push(file.to_path_buf());
                    }
                }
                Err(error) => errors.push(WalkError::Walk(error)),
            }
        }
        if files.len() == before {
            errors.push(WalkError::Empty(path.clone()));
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}
