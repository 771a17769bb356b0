//! Rules as data: YAML rule packs deserialised (serde) into specs and compiled once into
//! `Rule`s that any number of threads share. A kind is code, one module each; a rule is data.

mod announced;
mod arithmetic;
mod attachments;
mod breakdown;
mod checksum;
mod consistency;
mod figures;
mod fonts;
mod footnotes;
mod growth;
mod layout;
mod literal_scan;
mod literals;
mod load;
mod metric;
mod numbering;
mod pairs;
mod pattern;
mod repeat;
mod require;
mod requires;
mod scope;
mod substitution;
mod suppression;
pub mod template;

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

pub use fonts::is_family as is_font_family;
pub use load::{builtin_packs, LoadError, RuleSet};
pub use scope::Scope;
use template::Template;

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity, Span};
use crate::model::{DocDate, DocType, Document};

/// The compiled form of one kind's fields.
pub trait Check: Send + Sync {
    fn check(&self, ctx: &Context, sink: &mut Sink);

    /// The literal sets the kind tests spans with, for the rule set's shared `LiteralIndex`.
    fn requires(&self) -> Vec<&requires::Requires> {
        Vec::new()
    }

    /// The kind's rule regexes, compiled on first use: a run over many files compiles them all
    /// at its start, on every core (`engine::compile_regexes`).
    fn regexes(&self) -> Vec<&load::LazyRegex> {
        Vec::new()
    }

    /// The `{name}`s the kind fills in the rule's message, help and fix: a template that
    /// names another would render it as empty text, so loading refuses it.
    fn placeholders(&self) -> Vec<&str> {
        Vec::new()
    }

    /// Whether `value` may stand for the rule's expected value in a house style (gwlint.yaml
    /// `layout:`); only layout rules have one.
    fn house_value(&self, _value: &str) -> Result<(), String> {
        Err("不是版式（layout）规则，没有可改的取值".into())
    }
}

/// Per-file settings that change how some rules read a document (gwlint.yaml).
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// House style for heading delimiters per level, e.g. `level3: "、"`.
    pub numbering: std::collections::BTreeMap<crate::model::Level, String>,
    /// House style for layout rules: rule id → expected value (`layout/grid: 28×28`).
    pub layout: std::collections::BTreeMap<String, String>,
    /// More font names per family (`小标宋: [方正大标宋简体]`).
    pub fonts: std::collections::BTreeMap<String, Vec<String>>,
}

/// What a rule sees of one document.
pub struct Context<'a> {
    pub doc: &'a Document,
    pub settings: &'a Settings,
    /// For a .docx: its text map and page layout, which `layout` rules read.
    pub docx: Option<&'a crate::docx::DocxText>,
    words: &'a substitution::WordIndex,
    literals: &'a requires::LiteralIndex,
    /// The document's literals, found in one walk by the first rule that asks (one Context per
    /// document, shared by all its rules and threads).
    literal_hits: OnceLock<LiteralHits>,
    /// The paragraph `literal_hits` last answered for: rules walk their spans in order.
    last_paragraph: std::sync::atomic::AtomicUsize,
    /// Each scope's spans, found the first time a rule asks (most rules read `prose`).
    scope_spans: [OnceLock<Vec<Span>>; Scope::COUNT],
}

impl<'a> Context<'a> {
    pub fn new(doc: &'a Document, rules: &'a RuleSet, settings: &'a Settings) -> Self {
        Context {
            doc,
            settings,
            docx: None,
            words: &rules.words,
            literals: &rules.literals,
            literal_hits: OnceLock::new(),
            last_paragraph: std::sync::atomic::AtomicUsize::new(0),
            scope_spans: Default::default(),
        }
    }

    /// The context of a document read from a .docx.
    pub fn with_docx(self, docx: Option<&'a crate::docx::DocxText>) -> Self {
        Context { docx, ..self }
    }

    pub fn text(&self) -> &'a str {
        &self.doc.text
    }

    /// `scope`'s spans in this document, sorted and disjoint (`Scope::spans`), found once and
    /// shared by every rule that reads the scope.
    pub fn spans(&self, scope: Scope) -> &[Span] {
        self.scope_spans[scope as usize].get_or_init(|| scope.spans(self.doc))
    }

    /// Whether `span` holds a literal of the `LiteralIndex` set `set`, when the document's
    /// literal hits (found for all sets in one walk on first use) can tell: yes or no for a
    /// paragraph (most scopes are made of them), no for a part of a paragraph or any other
    /// span when the paragraph or the document has none; `None` when only a search can tell.
    #[inline]
    pub fn literal_presence(&self, set: usize, span: Span) -> Option<bool> {
        if self.literals.is_empty() {
            return None;
        }
        let hits = self.literal_hits();
        let words = self.literals.words();
        let has = |at: usize| hits.sets[at * words + set / 64] & (1 << (set % 64)) != 0;
        match self.paragraph_of(span) {
            Some(at) => {
                let found = has(at);
                (!found || hits.paragraphs[at] == span).then_some(found)
            }
            None => (!has(hits.paragraphs.len())).then_some(false),
        }
    }

    /// The `LiteralIndex` sets `span` holds a literal of, `words()` words of bits, when it is a
    /// whole paragraph: a rule that tests several sets on a span looks the paragraph up once
    /// (`Requires::admits_in`).
    pub fn paragraph_sets(&self, span: Span) -> Option<&[u64]> {
        if self.literals.is_empty() {
            return None;
        }
        let hits = self.literal_hits();
        let at = self.paragraph_of(span)?;
        let words = self.literals.words();
        (hits.paragraphs[at] == span).then(|| &hits.sets[at * words..(at + 1) * words])
    }

    /// The paragraph that holds `span`, if one does: rules walk their spans in order, so it is
    /// most often the one asked for last or the next.
    #[inline]
    fn paragraph_of(&self, span: Span) -> Option<usize> {
        use std::sync::atomic::Ordering::Relaxed;
        let paragraphs = &self.literal_hits().paragraphs;
        let holds = |i: usize| paragraphs.get(i).is_some_and(|p| p.contains(span));
        let last = self.last_paragraph.load(Relaxed);
        let at = if holds(last) {
            Some(last)
        } else if holds(last + 1) {
            Some(last + 1)
        } else {
            paragraphs
                .partition_point(|p| p.start <= span.start)
                .checked_sub(1)
                .filter(|&at| holds(at))
        };
        if let Some(at) = at {
            self.last_paragraph.store(at, Relaxed);
        }
        at
    }

    /// The substitution words' hits in the document, in order (`LiteralScan::scan`).
    pub fn word_hits(&self) -> &[substitution::WordHit] {
        &self.literal_hits().words
    }

    fn literal_hits(&self) -> &LiteralHits {
        self.literal_hits.get_or_init(|| {
            let paragraphs = &self.doc.paragraphs;
            let spans: Vec<Span> = paragraphs.iter().map(|p| p.span).collect();
            let words = self.literals.words();
            let mut sets = vec![0; (paragraphs.len() + 1) * words];
            let (per_paragraph, document) = sets.split_at_mut(paragraphs.len() * words);
            let scan = self.literals.scan(self.words);
            let words = scan.scan(&self.doc.text, &spans, per_paragraph, document);
            LiteralHits {
                paragraphs: spans,
                sets,
                words,
            }
        })
    }
}

/// What the walk of `LiteralScan` found in a document.
struct LiteralHits {
    /// The spans of the document's paragraphs, side by side: what `literal_presence` looks up.
    paragraphs: Vec<Span>,
    /// Per paragraph and then for the whole text, `LiteralIndex::words()` words of bits: the
    /// `LiteralIndex` sets it holds a literal of.
    sets: Vec<u64>,
    /// The substitution words' hits.
    words: Vec<substitution::WordHit>,
}

/// Collects one rule's diagnostics on one document.
pub struct Sink<'r> {
    rule: &'r RuleMeta,
    /// The rule's severity in this run: its own, or the one the configuration gives it.
    severity: Severity,
    pub diagnostics: Vec<Diagnostic>,
    /// Texts rendered for this rule's findings so far, for later findings that say the same.
    rendered: Vec<Arc<str>>,
    /// Where each text is rendered before it is looked up in `rendered`.
    scratch: String,
}

/// How many rendered texts a sink keeps to share. A rule that repeats itself in a document says
/// a few things many times (one message per half-width mark); one whose every finding says
/// something new only pays for comparing with these few.
const RENDERED_KEPT: usize = 16;

impl<'r> Sink<'r> {
    pub fn new(rule: &'r RuleMeta, severity: Severity) -> Self {
        Sink {
            rule,
            severity,
            diagnostics: Vec::new(),
            rendered: Vec::new(),
            scratch: String::new(),
        }
    }

    /// `template` filled in: the template's own text when it has no placeholder, else the text
    /// of an earlier finding that rendered the same, else a new one.
    pub fn render<'v>(
        &mut self,
        template: &Template,
        vars: impl Fn(&str) -> Option<Cow<'v, str>>,
    ) -> Arc<str> {
        if let Some(text) = template.constant() {
            return text.clone();
        }
        self.scratch.clear();
        template.render_into(vars, &mut self.scratch);
        if let Some(text) = self
            .rendered
            .iter()
            .find(|text| text.as_ref() == self.scratch.as_str())
        {
            return text.clone();
        }
        let text = Arc::<str>::from(self.scratch.as_str());
        if self.rendered.len() < RENDERED_KEPT {
            self.rendered.push(text.clone());
        }
        text
    }

    /// Reports `span` with the rule's own message.
    pub fn report<'v>(
        &mut self,
        span: Span,
        vars: impl Fn(&str) -> Option<Cow<'v, str>>,
        fix: Option<Fix>,
    ) {
        let rule = self.rule;
        let message = self.render(&rule.message, &vars);
        self.report_message(span, message, vars, fix);
    }

    /// Reports `span` with a message of the kind's own (e.g. one per situation).
    pub fn report_with<'v>(
        &mut self,
        span: Span,
        message: &Template,
        vars: impl Fn(&str) -> Option<Cow<'v, str>>,
        fix: Option<Fix>,
    ) {
        let message = self.render(message, &vars);
        self.report_message(span, message, vars, fix);
    }

    fn report_message<'v>(
        &mut self,
        span: Span,
        message: Arc<str>,
        vars: impl Fn(&str) -> Option<Cow<'v, str>>,
        fix: Option<Fix>,
    ) {
        let help = self.help(vars);
        self.report_rendered(span, message, help, fix);
    }

    /// Reports `span` with its texts already rendered (`render`, `help`).
    pub fn report_rendered(
        &mut self,
        span: Span,
        message: Arc<str>,
        help: Option<Arc<str>>,
        fix: Option<Fix>,
    ) {
        let rule = self.rule;
        self.diagnostics.push(Diagnostic {
            rule: rule.id,
            severity: self.severity,
            span,
            message,
            help,
            fix: fix.filter(|_| rule.fix.is_some()),
        });
    }

    /// The rule's help, filled in.
    pub fn help<'v>(&mut self, vars: impl Fn(&str) -> Option<Cow<'v, str>>) -> Option<Arc<str>> {
        let rule = self.rule;
        rule.help.as_ref().map(|help| self.render(help, vars))
    }

    /// The rule's own message.
    pub fn message(&self) -> &'r Template {
        &self.rule.message
    }

    /// The applicability the rule's YAML gives its fixes; `None` when it has none.
    pub fn fix_applicability(&self) -> Option<Applicability> {
        self.rule.fix.as_ref().map(|fix| fix.applicability)
    }

    pub fn fix_template(&self) -> Option<&'r Template> {
        self.rule
            .fix
            .as_ref()
            .and_then(|fix| fix.replacement.as_ref())
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixSpec {
    pub applicability: Applicability,
    #[serde(default)]
    pub replacement: Option<Template>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default)]
    pub invalid: Vec<String>,
    #[serde(default)]
    pub valid: Vec<String>,
}

/// How binding a rule's source is, from a statute down to common practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum SourceLevel {
    /// 《党政机关公文处理工作条例》 and other regulations.
    #[serde(rename = "条例")]
    Regulation,
    /// GB/T 9704-2012, GB/T 15834-2011, GB/T 15835-2011 …
    #[serde(rename = "国家标准")]
    NationalStandard,
    /// Sector rules: statistics practice, dictionaries, the State Council's short names.
    #[serde(rename = "行业规范")]
    SectorRule,
    /// What careful 公文 editors do, with no written clause behind it.
    #[serde(rename = "通行做法")]
    CommonPractice,
}

impl SourceLevel {
    pub fn label(self) -> &'static str {
        match self {
            SourceLevel::Regulation => "条例",
            SourceLevel::NationalStandard => "国家标准",
            SourceLevel::SectorRule => "行业规范",
            SourceLevel::CommonPractice => "通行做法",
        }
    }
}

/// A rule's source: its level and the clause (`GB/T 9704-2012 7.3.4`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub level: SourceLevel,
    pub clause: String,
}

/// Which documents a rule applies to: `report`, `workplan`, …, and `annual-report` /
/// `midyear-report` to tell the two kinds of report apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocTypeFilter {
    Report,
    AnnualReport,
    MidyearReport,
    Workplan,
    Plan,
    Notice,
    Opinion,
    Request,
    Other,
}

impl DocTypeFilter {
    fn accepts(self, doc_type: DocType, midyear: bool) -> bool {
        match self {
            DocTypeFilter::AnnualReport => doc_type == DocType::Report && !midyear,
            DocTypeFilter::MidyearReport => doc_type == DocType::Report && midyear,
            DocTypeFilter::Report => doc_type == DocType::Report,
            DocTypeFilter::Workplan => doc_type == DocType::Workplan,
            DocTypeFilter::Plan => doc_type == DocType::Plan,
            DocTypeFilter::Notice => doc_type == DocType::Notice,
            DocTypeFilter::Opinion => doc_type == DocType::Opinion,
            DocTypeFilter::Request => doc_type == DocType::Request,
            DocTypeFilter::Other => doc_type == DocType::Other,
        }
    }
}

/// Everything about a rule except what its kind checks.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub kind: &'static str,
    pub severity: Severity,
    pub message: Template,
    pub help: Option<Template>,
    pub scope: Option<Scope>,
    pub doc_types: Vec<DocTypeFilter>,
    pub since: Option<DocDate>,
    pub until: Option<DocDate>,
    pub fix: Option<FixSpec>,
    pub explain: String,
    /// Where the rule comes from and how binding it is; shown by `explain` and carried in
    /// the machine formats.
    pub source: Option<Source>,
    pub examples: Examples,
    /// Off unless selected by id (noisy or heuristic rules).
    pub default_enabled: bool,
    /// The pack the rule came from, for messages.
    pub origin: String,
}

pub struct Rule {
    pub meta: RuleMeta,
    check: Box<dyn Check>,
}

impl Rule {
    pub fn id(&self) -> &'static str {
        self.meta.id
    }

    /// The rule's regexes, compiled now rather than when a document first needs them.
    pub fn compile_regexes(&self) {
        for regex in self.check.regexes() {
            regex.get();
        }
    }

    /// Whether the rule applies to a document of this type and date. Date-bound rules are
    /// skipped, not guessed, when the date is unknown (RULES A.7).
    pub fn applies_to(&self, doc: &Document) -> bool {
        if !self.meta.doc_types.is_empty() {
            let Some(doc_type) = doc.meta.doc_type else {
                return false;
            };
            if !self
                .meta
                .doc_types
                .iter()
                .any(|f| f.accepts(doc_type, doc.meta.midyear))
            {
                return false;
            }
        }
        if self.meta.since.is_some() || self.meta.until.is_some() {
            let Some(date) = doc.meta.date else {
                return false;
            };
            if self.meta.since.is_some_and(|since| date < since) {
                return false;
            }
            if self.meta.until.is_some_and(|until| date > until) {
                return false;
            }
        }
        true
    }

    /// A diagnostic of this rule at `severity` with its own message and help (no placeholders
    /// filled).
    pub fn diagnostic(&self, span: Span, fix: Option<Fix>, severity: Severity) -> Diagnostic {
        let mut sink = Sink::new(&self.meta, severity);
        sink.report(span, |_| None, fix);
        sink.diagnostics.pop().expect("one diagnostic")
    }

    /// See `Check::house_value`.
    pub fn house_value(&self, value: &str) -> Result<(), String> {
        self.check.house_value(value)
    }

    /// This rule's diagnostics on the context's document, made at `severity`.
    pub fn run(&self, ctx: &Context, severity: Severity) -> Vec<Diagnostic> {
        let mut sink = Sink::new(&self.meta, severity);
        if self.applies_to(ctx.doc) {
            self.check.check(ctx, &mut sink);
        }
        sink.diagnostics
    }
}

/// The placeholder values of a regex match: its named groups, `match`, and any extras.
pub fn capture_vars<'t>(captures: &'t regex::Captures<'t>, name: &str) -> Option<Cow<'t, str>> {
    if name == "match" {
        return captures.get(0).map(|m| Cow::Borrowed(m.as_str()));
    }
    Some(Cow::Borrowed(
        captures.name(name).map_or("", |m| m.as_str()),
    ))
}

/// A kind's per-situation messages (`messages: {name: template}`), each situation the kind
/// reports present and no other.
fn situation_messages(
    messages: std::collections::BTreeMap<String, Template>,
    situations: &[&str],
    meta: &RuleMeta,
) -> Result<std::collections::BTreeMap<String, Template>, String> {
    if let Some(missing) = situations.iter().find(|s| !messages.contains_key(**s)) {
        return Err(format!("规则 {}：messages 缺少“{missing}”", meta.id));
    }
    if let Some(unknown) = messages.keys().find(|k| !situations.contains(&k.as_str())) {
        return Err(format!(
            "规则 {}：messages 中的“{unknown}”不是本类规则报告的情形（{}）",
            meta.id,
            situations.join("、")
        ));
    }
    Ok(messages)
}

/// The messages that a one-pack rule set gives on a text: how the kinds' unit tests read their
/// own rules.
#[cfg(test)]
pub(crate) fn test_messages(pack: &str, text: &str) -> Vec<String> {
    let rules = RuleSet::from_packs([("t.yaml".into(), pack.into())]).unwrap();
    crate::engine::check_text(&rules, text)
        .into_iter()
        .map(|d| d.message.to_string())
        .collect()
}
