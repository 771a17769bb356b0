//! Loading rule packs: YAML text → specs (serde, unknown fields rejected) → compiled rules,
//! with every error pointing at its line in the pack.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use serde::de::DeserializeSeed;
use serde::Deserialize;

use super::template::Template;
use super::*;
use crate::diagnostic::Diagnostic;
use crate::io_error::reason as io_reason;
use crate::yaml::YamlError;

include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));

/// The rule packs compiled into the binary, as (file name, YAML text); `BUILTIN_READ` holds
/// each read at build time.
pub fn builtin_packs() -> &'static [(&'static str, &'static str)] {
    BUILTIN_PACKS
}

/// One rule as written. Read by `spec::Pack` without serde's `flatten`, which would buffer the
/// rule and lose where in the file each field was.
#[derive(Debug)]
struct RuleSpec {
    id: String,
    severity: Severity,
    message: Template,
    help: Option<Template>,
    scope: Option<Scope>,
    doc_types: Vec<DocTypeFilter>,
    since: Option<DateSpec>,
    until: Option<DateSpec>,
    fix: Option<FixSpec>,
    explain: String,
    source: Option<Source>,
    examples: Examples,
    enabled: bool,
    kind: KindSpec,
}

mod spec;

/// Every kind once: its variant, the spec it reads and its name in YAML, so that the enum,
/// the names and the reader cannot disagree (a new kind is one line here and one in `compile`).
macro_rules! kinds {
    ($($variant:ident($spec:ty) = $name:literal,)*) => {
        /// The kind and its own fields; each variant rejects fields it does not know.
        #[derive(Debug)]
        enum KindSpec {
            $($variant($spec),)*
        }

        impl KindSpec {
            const NAMES: &'static [&'static str] = &[$($name),*];

            fn name(&self) -> &'static str {
                match self {
                    $(KindSpec::$variant(_) => $name,)*
                }
            }

            /// The fields of kind `name`, read from `deserializer`.
            fn read<'de, D: serde::Deserializer<'de>>(
                name: &str,
                deserializer: D,
            ) -> Result<Self, D::Error> {
                match name {
                    $($name => Ok(KindSpec::$variant(<$spec>::deserialize(deserializer)?)),)*
                    "" => Err(serde::de::Error::missing_field("kind")),
                    other => Err(serde::de::Error::unknown_variant(other, Self::NAMES)),
                }
            }
        }
    };
}

kinds! {
    Pattern(pattern::Spec) = "pattern",
    Substitution(substitution::Spec) = "substitution",
    Consistency(consistency::Spec) = "consistency",
    Require(require::Spec) = "require",
    Pairs(pairs::Spec) = "pairs",
    Numbering(numbering::Spec) = "numbering",
    Footnotes(footnotes::Spec) = "footnotes",
    Arithmetic(arithmetic::Spec) = "arithmetic",
    Growth(growth::Spec) = "growth",
    Metric(metric::Spec) = "metric",
    Layout(layout::Spec) = "layout",
    Suppression(suppression::Spec) = "suppression",
    Attachments(attachments::Spec) = "attachments",
    Breakdown(breakdown::Spec) = "breakdown",
    Announced(announced::Spec) = "announced",
    Repeat(repeat::Spec) = "repeat",
    Checksum(checksum::Spec) = "checksum",
}

#[derive(Debug)]
struct DateSpec(DocDate);

impl<'de> Deserialize<'de> for DateSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// `2021` reads as a number, `2021-03` as text.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Year(u32),
            Text(String),
        }
        let text = match Written::deserialize(deserializer) {
            Ok(Written::Year(year)) => year.to_string(),
            Ok(Written::Text(text)) => text,
            Err(_) => {
                return Err(serde::de::Error::custom(
                    "日期应写成 2021、2021-03 或 2021-03-31",
                ))
            }
        };
        DocDate::parse(&text).map(DateSpec).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "无法识别的日期“{text}”，应写成 2021、2021-03 或 2021-03-31"
            ))
        })
    }
}

/// A rule pack that cannot be loaded, shown with miette on the pack's own text.
pub type LoadError = YamlError;

const WHAT: &str = "规则文件";

/// Every loaded rule, plus the structures several rules share.
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub(super) words: substitution::WordIndex,
    pub(super) literals: requires::LiteralIndex,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.rules.iter().map(|r| r.meta.id))
            .finish()
    }
}

impl RuleSet {
    /// The built-in packs.
    pub fn builtin() -> Result<Self, Box<LoadError>> {
        Self::load(PackText::builtin().collect())
    }

    /// The built-in packs plus every `.yaml`/`.yml` file in `dirs`. User rules must also meet
    /// their own examples, run by `run` (the built-in ones are held to theirs by the test
    /// suite).
    pub fn with_user_packs(
        dirs: &[impl AsRef<Path>],
        run: impl Fn(&RuleSet, &Rule, &str) -> Vec<Diagnostic>,
    ) -> Result<Self, Box<LoadError>> {
        let mut user = Vec::new();
        for dir in dirs {
            user.extend(read_pack_dir(dir.as_ref())?);
        }
        let packs = PackText::builtin().chain(user.iter().map(|(file, yaml)| PackText {
            file: file.clone(),
            yaml: Cow::Borrowed(yaml),
            built: None,
        }));
        let set = Self::load(packs.collect())?;
        for (file, yaml) in &user {
            for rule in set.rules.iter().filter(|r| &r.meta.origin == file) {
                if let Some(reason) = set.example_failure(rule, &run) {
                    return Err(YamlError::new(
                        WHAT,
                        file,
                        yaml,
                        reason,
                        id_offset(yaml, rule.meta.id),
                    ));
                }
            }
        }
        Ok(set)
    }

    /// Why `rule` does not meet its own examples, if it does not. `run` checks a text with one
    /// rule of the set (`engine::check_rule`): it is passed in, since `rules` sits below the
    /// engine and never calls it.
    pub fn example_failure(
        &self,
        rule: &Rule,
        run: impl Fn(&RuleSet, &Rule, &str) -> Vec<Diagnostic>,
    ) -> Option<String> {
        let id = rule.meta.id;
        for example in &rule.meta.examples.invalid {
            let found = run(self, rule, example);
            if found.is_empty() {
                return Some(format!(
                    "规则 {id} 的反例（invalid）没有触发规则：{example:?}"
                ));
            }
            // A fix changes what its finding points at, nothing around it.
            for finding in &found {
                let edits = finding.fix.iter().flat_map(|fix| &fix.edits);
                if let Some(edit) = edits.into_iter().find(|e| !finding.span.contains(e.span)) {
                    return Some(format!(
                        "规则 {id} 的修复改动了它所报告的文字之外的内容：在 {example:?} 中报告“{}”，却改动“{}”",
                        finding.span.text(example),
                        edit.span.text(example)
                    ));
                }
            }
        }
        for example in &rule.meta.examples.valid {
            if let Some(found) = run(self, rule, example).first() {
                return Some(format!(
                    "规则 {id} 的正例（valid）触发了规则：{example:?}（{}）",
                    found.message
                ));
            }
        }
        None
    }

    /// Packs given as (file name, YAML text), read as a user's are.
    pub fn from_packs(
        packs: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, Box<LoadError>> {
        let packs: Vec<(String, String)> = packs.into_iter().collect();
        Self::load(
            packs
                .iter()
                .map(|(file, yaml)| PackText {
                    file: file.clone(),
                    yaml: Cow::Borrowed(yaml),
                    built: None,
                })
                .collect(),
        )
    }

    fn load(packs: Vec<PackText<'_>>) -> Result<Self, Box<LoadError>> {
        // One thread: with the built-in packs and their regexes read at build time, handing
        // packs to rayon's threads cost more than it saved.
        let mut rules: Vec<Rule> = Vec::new();
        let mut seen: HashMap<&'static str, String> = HashMap::new();
        let mut words = substitution::WordIndexBuilder::default();
        for pack in &packs {
            let (file, yaml) = (pack.file.clone(), &*pack.yaml);
            for rule in compile_pack(&file, yaml, pack.read()?, &mut words)? {
                if let Some(first) = seen.insert(rule.meta.id, file.clone()) {
                    let reason =
                        format!("规则 id “{}” 重复（{first} 中已有同名规则）", rule.meta.id);
                    // Within one pack the second definition is the offending one.
                    let offsets = id_offsets(yaml, rule.meta.id);
                    let at = if first == file {
                        offsets.last()
                    } else {
                        offsets.first()
                    };
                    return Err(YamlError::new(WHAT, &file, yaml, reason, at.copied()));
                }
                rules.push(rule);
            }
        }
        rules.sort_by_key(|rule| rule.meta.id);
        let literals = requires::LiteralIndex::build(rules.iter().flat_map(|r| r.check.requires()));
        Ok(RuleSet {
            literals,
            rules,
            words: words.build(),
        })
    }

    /// Whether `code` names a rule, a category, or `ALL`.
    pub fn knows(&self, code: &str) -> bool {
        code == "ALL"
            || self.rules.iter().any(|r| {
                r.meta.id == code
                    || r.meta
                        .id
                        .strip_prefix(code)
                        .is_some_and(|rest| rest.starts_with('/'))
            })
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.meta.id == id)
    }
}

fn read_pack_dir(dir: &Path) -> Result<Vec<(String, String)>, Box<LoadError>> {
    let io_error =
        |reason: String| YamlError::new(WHAT, &dir.display().to_string(), "", reason, None);
    let entries = std::fs::read_dir(dir)
        .map_err(|e| io_error(format!("无法读取规则目录：{}", io_reason(&e))))?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            )
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.display().to_string();
            std::fs::read_to_string(&path)
                .map(|yaml| (name.clone(), yaml))
                .map_err(|e| {
                    YamlError::new(
                        WHAT,
                        &name,
                        "",
                        format!("无法读取：{}", io_reason(&e)),
                        None,
                    )
                })
        })
        .collect()
}

/// A pack to load: its file name and YAML text, and for a built-in pack the same pack as
/// `build.rs` wrote it, JSON and the kind of each rule.
struct PackText<'y> {
    file: String,
    yaml: Cow<'y, str>,
    built: Option<(&'static str, &'static [&'static str])>,
}

impl PackText<'_> {
    fn builtin() -> impl Iterator<Item = Self> {
        BUILTIN_PACKS
            .iter()
            .zip(BUILTIN_READ)
            .map(|(&(file, yaml), &built)| PackText {
                file: file.to_string(),
                yaml: Cow::Borrowed(yaml),
                built: Some(built),
            })
    }

    /// The pack's rules as written. A built-in pack is read from its JSON, through the same
    /// types as YAML; should that fail, the YAML is read to say where the error is.
    fn read(&self) -> Result<Vec<RuleSpec>, Box<LoadError>> {
        match self.read_built() {
            Some(specs) => Ok(specs),
            None => parse_pack(&self.file, &self.yaml),
        }
    }

    fn read_built(&self) -> Option<Vec<RuleSpec>> {
        let (json, kinds) = self.built?;
        let mut reader = serde_json::Deserializer::from_str(json);
        let specs = spec::Pack(kinds).deserialize(&mut reader).ok()?;
        reader.end().ok()?;
        Some(specs)
    }
}

fn parse_pack(file: &str, yaml: &str) -> Result<Vec<RuleSpec>, Box<LoadError>> {
    // First the kinds, which say what fields each rule may have; then the rules, each read
    // straight from the parser so that every error carries its own line and column.
    let kinds: Vec<spec::KindOf> = crate::yaml::parse(WHAT, file, yaml)?;
    let kinds: Vec<&str> = kinds.iter().map(spec::KindOf::name).collect();
    crate::yaml::parse_seed(WHAT, file, yaml, spec::Pack(&kinds))
}

fn compile_pack(
    file: &str,
    yaml: &str,
    specs: Vec<RuleSpec>,
    words: &mut substitution::WordIndexBuilder,
) -> Result<Vec<Rule>, Box<LoadError>> {
    specs
        .into_iter()
        .map(|spec| {
            let id = spec.id.clone();
            compile(spec, file, words)
                .map_err(|reason| YamlError::new(WHAT, file, yaml, reason, id_offset(yaml, &id)))
        })
        .collect()
}

/// Where `id: <id>` stands in the pack, so that errors found after parsing point at the rule.
fn id_offset(yaml: &str, id: &str) -> Option<usize> {
    id_offsets(yaml, id).first().copied()
}

fn id_offsets(yaml: &str, id: &str) -> Vec<usize> {
    yaml.match_indices(id)
        .map(|(at, _)| at)
        .filter(|&at| {
            let line_start = yaml[..at].rfind('\n').map_or(0, |n| n + 1);
            yaml[line_start..at]
                .trim_start_matches([' ', '-'])
                .trim_end()
                .trim_end_matches(['\'', '"'])
                .trim_end()
                == "id:"
        })
        .collect()
}

fn valid_id(id: &str) -> bool {
    let mut parts = id.split('/');
    let kebab = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
    };
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None) if kebab(a) && kebab(b))
}

fn compile(
    spec: RuleSpec,
    file: &str,
    words: &mut substitution::WordIndexBuilder,
) -> Result<Rule, String> {
    if !valid_id(&spec.id) {
        return Err(format!(
            "规则 id “{}” 不合法：应为 category/name，小写字母、数字和连字符",
            spec.id
        ));
    }
    let id: &'static str = Box::leak(spec.id.into_boxed_str());
    let meta = RuleMeta {
        id,
        kind: spec.kind.name(),
        severity: spec.severity,
        message: spec.message,
        help: spec.help,
        scope: spec.scope,
        doc_types: spec.doc_types,
        since: spec.since.map(|d| d.0),
        until: spec.until.map(|d| d.0),
        fix: spec.fix,
        explain: spec.explain,
        source: spec.source,
        examples: spec.examples,
        default_enabled: spec.enabled,
        origin: file.to_string(),
    };
    let check: Box<dyn Check> = match spec.kind {
        KindSpec::Pattern(s) => Box::new(pattern::Pattern::compile(s, &meta)?),
        KindSpec::Substitution(s) => {
            Box::new(substitution::Substitution::compile(s, &meta, words)?)
        }
        KindSpec::Consistency(s) => Box::new(consistency::Consistency::compile(s, &meta)?),
        KindSpec::Require(s) => Box::new(require::Require::compile(s, &meta)?),
        KindSpec::Pairs(s) => Box::new(pairs::Pairs::compile(s, &meta)?),
        KindSpec::Numbering(s) => Box::new(numbering::Numbering::compile(s, &meta)?),
        KindSpec::Footnotes(s) => Box::new(footnotes::Footnotes::compile(s, &meta)?),
        KindSpec::Arithmetic(s) => Box::new(arithmetic::Arithmetic::compile(s, &meta)?),
        KindSpec::Growth(s) => Box::new(growth::Growth::compile(s, &meta)?),
        KindSpec::Metric(s) => Box::new(metric::Metric::compile(s, &meta)?),
        KindSpec::Layout(s) => Box::new(layout::LayoutRule::compile(s, &meta)?),
        KindSpec::Suppression(s) => Box::new(suppression::Suppressions::compile(s, &meta)?),
        KindSpec::Attachments(s) => Box::new(attachments::Attachments::compile(s, &meta)?),
        KindSpec::Breakdown(s) => Box::new(breakdown::Breakdown::compile(s, &meta)?),
        KindSpec::Announced(s) => Box::new(announced::Announced::compile(s, &meta)?),
        KindSpec::Repeat(s) => Box::new(repeat::Repeat::compile(s, &meta)?),
        KindSpec::Checksum(s) => Box::new(checksum::Checksum::compile(s, &meta)?),
    };
    if meta.message.source().trim().is_empty() {
        return Err(format!("规则 {id} 的 message 是空的：请写明发现了什么问题"));
    }
    if meta
        .help
        .as_ref()
        .is_some_and(|help| help.source().trim().is_empty())
    {
        return Err(format!(
            "规则 {id} 的 help 是空的：请写明怎样改，或删去 help"
        ));
    }
    let known = check.placeholders();
    let templates = [
        ("message", Some(&meta.message)),
        ("help", meta.help.as_ref()),
        (
            "fix.replacement",
            meta.fix.as_ref().and_then(|f| f.replacement.as_ref()),
        ),
    ];
    for (field, template) in templates {
        let Some(template) = template else { continue };
        if let Some(name) = template.placeholders().find(|name| !known.contains(name)) {
            let offer = if known.is_empty() {
                "不提供占位符".to_string()
            } else {
                format!(
                    "可用的有 {}",
                    known
                        .iter()
                        .map(|n| format!("{{{n}}}"))
                        .collect::<Vec<_>>()
                        .join("、")
                )
            };
            return Err(format!(
                "规则 {id} 的 {field} 中的占位符“{{{name}}}”无从填写（会变成空白）：{} 类规则{offer}",
                meta.kind
            ));
        }
    }
    if meta.examples.invalid.is_empty() || meta.examples.valid.is_empty() {
        return Err(format!(
            "规则 {id} 缺少 examples：invalid 和 valid 至少各一条"
        ));
    }
    Ok(Rule { meta, check })
}

/// What `LazyRegex` reads from the parse of a built-in pattern, found by `build.rs`.
struct RegexFacts {
    source: &'static str,
    names: &'static [&'static str],
    one_line: bool,
    looks_only_behind: bool,
    required: Option<&'static [&'static [u8]]>,
}

/// A rule's regex, checked when the rule loads (so a bad one is reported at its YAML line) and
/// compiled the first time a span holds its required literals: most of a run's start-up was
/// compiling regexes that an empty or short document never needs.
#[derive(Debug)]
pub struct LazyRegex {
    source: String,
    /// Named capture groups, read from the parsed pattern.
    pub(super) names: Vec<String>,
    /// Every match stays on one line (`literals::stays_on_one_line`).
    pub(super) one_line: bool,
    /// Every assertion reads only what comes before it (`literals::hir_looks_only_behind`):
    /// a match's groups can be resolved on the text cut at its end (`captures_iter`).
    looks_only_behind: bool,
    /// Literals every match contains (`literals::required`), read from the same parse.
    pub(super) required: Option<Vec<Vec<u8>>>,
    compiled: std::sync::OnceLock<Option<regex::Regex>>,
}

impl LazyRegex {
    /// The regex `source`, checked and read: from `REGEX_FACTS` when `build.rs` read it already
    /// (every built-in pattern), else parsed now.
    pub fn new(source: &str) -> Result<Self, String> {
        let Ok(at) = REGEX_FACTS.binary_search_by(|facts| facts.source.cmp(source)) else {
            return Self::parse(source);
        };
        let facts = &REGEX_FACTS[at];
        Ok(LazyRegex {
            source: source.to_string(),
            names: facts.names.iter().map(|name| name.to_string()).collect(),
            one_line: facts.one_line,
            looks_only_behind: facts.looks_only_behind,
            required: facts
                .required
                .map(|set| set.iter().map(|literal| literal.to_vec()).collect()),
            compiled: std::sync::OnceLock::new(),
        })
    }

    fn parse(source: &str) -> Result<Self, String> {
        let hir = regex_syntax::Parser::new()
            .parse(source)
            .map_err(|e| format!("正则表达式“{source}”无法编译：{e}"))?;
        Ok(LazyRegex {
            source: source.to_string(),
            names: super::literals::capture_names(&hir),
            one_line: super::literals::hir_stays_on_one_line(&hir),
            looks_only_behind: super::literals::hir_looks_only_behind(&hir),
            required: super::literals::required_of(&hir),
            compiled: std::sync::OnceLock::new(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The named capture groups, in pattern order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// The compiled regex; `None` only for a pattern that parses but is too big to compile,
    /// which then matches nothing (`rule_examples` compiles every built-in one).
    pub fn get(&self) -> Option<&regex::Regex> {
        self.compiled
            .get_or_init(|| regex::Regex::new(&self.source).ok())
            .as_ref()
    }

    /// `Regex::captures_iter`, with the same matches and groups. Where the pattern allows,
    /// each match is found first and its groups resolved on the text cut at its end: the
    /// regex crate resolves them on the whole text after the match's start when it searched
    /// backwards from a literal suffix, clearing a table of NFA states × that length for each
    /// match (`[^()（）\r\n]{1,120}\)` in a long paragraph).
    pub fn captures_iter<'r, 't>(&'r self, haystack: &'t str) -> CapturesIter<'r, 't> {
        match self.get() {
            None => CapturesIter::None,
            Some(regex) if self.looks_only_behind => {
                CapturesIter::Cut(regex, haystack, regex.find_iter(haystack))
            }
            Some(regex) => CapturesIter::Whole(regex.captures_iter(haystack)),
        }
    }

    /// `Regex::captures_at`, with groups resolved as `captures_iter` does.
    pub fn captures_at<'t>(&self, haystack: &'t str, start: usize) -> Option<regex::Captures<'t>> {
        let regex = self.get()?;
        if !self.looks_only_behind {
            return regex.captures_at(haystack, start);
        }
        let found = regex.find_at(haystack, start)?;
        captures_of(regex, haystack, found)
    }
}

/// The groups of `found`, a match of `regex` in `haystack`, resolved on the text cut at its
/// end (`LazyRegex::looks_only_behind`); on the whole text should that ever find nothing.
fn captures_of<'t>(
    regex: &regex::Regex,
    haystack: &'t str,
    found: regex::Match<'t>,
) -> Option<regex::Captures<'t>> {
    regex
        .captures_at(&haystack[..found.end()], found.start())
        .or_else(|| regex.captures_at(haystack, found.start()))
}

/// The matches of a `LazyRegex` with their groups (`LazyRegex::captures_iter`).
pub enum CapturesIter<'r, 't> {
    /// The pattern is too big to compile: no match.
    None,
    Whole(regex::CaptureMatches<'r, 't>),
    Cut(&'r regex::Regex, &'t str, regex::Matches<'r, 't>),
}

impl<'t> Iterator for CapturesIter<'_, 't> {
    type Item = regex::Captures<'t>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            CapturesIter::None => None,
            CapturesIter::Whole(captures) => captures.next(),
            CapturesIter::Cut(regex, haystack, matches) => {
                let found = matches.next()?;
                captures_of(regex, haystack, found)
            }
        }
    }
}

impl<'de> Deserialize<'de> for LazyRegex {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let source = String::deserialize(deserializer)?;
        LazyRegex::new(&source).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(yaml: &str) -> Result<RuleSet, Box<LoadError>> {
        RuleSet::from_packs([("test.yaml".to_string(), yaml.to_string())])
    }

    const GOOD: &str = "
- id: test/comma
  kind: pattern
  severity: warning
  message: 半角逗号
  pattern: ','
  explain: 测试
  examples:
    invalid: ['甲,乙']
    valid: ['甲，乙']
";

    #[test]
    fn loads_a_good_pack() {
        let set = load(GOOD).unwrap();
        assert_eq!(set.rules[0].meta.id, "test/comma");
        assert_eq!(set.rules[0].meta.kind, "pattern");
    }

    #[test]
    fn bad_regex_points_at_its_line() {
        let error = load(&GOOD.replace("pattern: ','", "pattern: '(['")).unwrap_err();
        assert!(error.reason.contains("正则表达式"), "{}", error.reason);
        assert_eq!(error.line(), Some(6));
    }

    #[test]
    fn unknown_field_is_rejected() {
        let error = load(&GOOD.replace("  explain:", "  colour: red\n  explain:")).unwrap_err();
        assert!(error.reason.contains("colour"), "{}", error.reason);
        assert!(!error.reason.contains("at line"), "{}", error.reason);
        assert_eq!(error.line(), Some(7));
    }

    #[test]
    fn duplicate_id_points_at_the_second() {
        let twice = format!("{GOOD}{}", GOOD.trim_start_matches('\n'));
        let error = load(&twice).unwrap_err();
        assert!(error.reason.contains("重复"), "{}", error.reason);
        assert_eq!(error.line(), Some(11));
    }

    #[test]
    fn placeholders_that_nothing_fills_are_refused() {
        let error = load(&GOOD.replace("message: 半角逗号", "message: '半角{y}'")).unwrap_err();
        assert!(error.reason.contains("{y}"), "{}", error.reason);
        assert_eq!(error.line(), Some(2));
        let fix = GOOD.replace(
            "  explain:",
            "  fix: {applicability: safe, replacement: '{z}'}\n  explain:",
        );
        let error = load(&fix).unwrap_err();
        assert!(error.reason.contains("{z}"), "{}", error.reason);
        let named = GOOD
            .replace("pattern: ','", "pattern: '(?P<mark>,)'")
            .replace("message: 半角逗号", "message: '半角{mark}'");
        assert!(load(&named).is_ok());
        // Kinds other than pattern fill a fixed set of names.
        let metric = "
- id: test/metric
  kind: metric
  severity: info
  measure: sentence-length
  max: 3
  message: '句子长{len}字'
  explain: 测试
  examples: {invalid: ['甲乙丙丁。'], valid: ['甲。']}
";
        let error = load(metric).unwrap_err();
        assert!(error.reason.contains("{length}、{max}"), "{}", error.reason);
    }

    #[test]
    fn syntax_errors_are_in_chinese_where_the_parser_stopped() {
        let error = load(&GOOD.replace("invalid: ['甲,乙']", "invalid: ['甲,乙'")).unwrap_err();
        assert!(
            error.reason.starts_with("YAML 语法错误："),
            "{}",
            error.reason
        );
        assert!(
            !error.reason.is_ascii() && !error.reason.contains("expected"),
            "{}",
            error.reason
        );
        assert_eq!(error.line(), Some(10), "{}", error.reason);
        // A field of the kind, read without flatten, points at its own line.
        let error =
            load(&GOOD.replace("  pattern: ','", "  pattern: ','\n  span: [1]")).unwrap_err();
        assert!(error.reason.contains("应为文字"), "{}", error.reason);
        assert_eq!(error.line(), Some(7), "{}", error.reason);
        let error = load(&GOOD.replace("kind: pattern", "kind: patern")).unwrap_err();
        assert!(error.reason.contains("未知取值 patern"), "{}", error.reason);
    }

    #[test]
    fn empty_messages_are_refused() {
        let error = load(&GOOD.replace("message: 半角逗号", "message: ''")).unwrap_err();
        assert!(error.reason.contains("message 是空的"), "{}", error.reason);
    }

    #[test]
    fn builtin_packs_read_from_json_as_from_yaml() {
        let packs: Vec<_> = PackText::builtin().collect();
        assert_eq!(packs.len(), builtin_packs().len());
        for pack in packs {
            let built = pack.read_built();
            assert!(built.is_some(), "{}: its JSON does not read", pack.file);
            let from_yaml = parse_pack(&pack.file, &pack.yaml).unwrap();
            assert!(!from_yaml.is_empty(), "{}", pack.file);
            assert_eq!(
                format!("{built:?}"),
                format!("{:?}", Some(from_yaml)),
                "{}",
                pack.file
            );
        }
    }

    /// `LazyRegex::captures_iter` and `captures_at` give `Regex`'s matches and groups, whether
    /// groups are resolved on the cut text (assertions only behind) or on the whole.
    #[test]
    fn captures_are_those_of_the_regex() {
        let cases = [
            (r"[\p{Han}，](?P<b>\((?P<inner>[^()\r\n]{1,20})\))", true),
            (r"(?m)^(?P<a>\d+)(?P<b>\d)?", true),
            (r"(?P<x>ab)\b|ab", false),
            (r"(?:^|[^\d])(?P<d>\d{2})(?:[^\d]|$)", false),
        ];
        let haystacks = [
            "推动绿地(原公园)开放，又见(甲)(乙)。",
            "12\n345\nab abc",
            "abc ab ab1 12 345 1x22y",
            "",
        ];
        let groups = |c: regex::Captures| -> Vec<Option<(usize, usize)>> {
            c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect()
        };
        for (pattern, only_behind) in cases {
            let lazy = LazyRegex::new(pattern).unwrap();
            assert_eq!(lazy.looks_only_behind, only_behind, "{pattern}");
            let regex = regex::Regex::new(pattern).unwrap();
            for haystack in haystacks {
                let want: Vec<_> = regex.captures_iter(haystack).map(groups).collect();
                let got: Vec<_> = lazy.captures_iter(haystack).map(groups).collect();
                assert_eq!(got, want, "{pattern} in {haystack:?}");
                for start in (0..=haystack.len()).filter(|&at| haystack.is_char_boundary(at)) {
                    let want = regex.captures_at(haystack, start).map(groups);
                    assert_eq!(lazy.captures_at(haystack, start).map(groups), want);
                }
            }
        }
    }

    #[test]
    fn regex_facts_of_the_build_are_those_of_a_parse() {
        assert!(REGEX_FACTS.len() > 100, "{}", REGEX_FACTS.len());
        let sorted = REGEX_FACTS.windows(2).all(|w| w[0].source < w[1].source);
        assert!(sorted, "REGEX_FACTS is sorted");
        for facts in REGEX_FACTS {
            let source = facts.source;
            let (known, parsed) = (LazyRegex::new(source), LazyRegex::parse(source));
            assert_eq!(format!("{known:?}"), format!("{parsed:?}"), "{source}");
        }
        // Every built-in rule's pattern is there.
        for (_, yaml) in builtin_packs() {
            for line in yaml.lines() {
                let Some(rest) = line
                    .trim_start_matches([' ', '-'])
                    .strip_prefix("pattern: ")
                else {
                    continue;
                };
                let source: String = crate::yaml::parse(WHAT, "t.yaml", rest).unwrap();
                assert!(
                    REGEX_FACTS.iter().any(|facts| facts.source == source),
                    "{source}"
                );
            }
        }
    }

    #[test]
    fn ids_are_category_slash_name() {
        assert!(valid_id("numbering/gap"));
        assert!(valid_id("punct/halfwidth-bracket"));
        assert!(!valid_id("Numbering/gap"));
        assert!(!valid_id("gap"));
        assert!(!valid_id("a/b/c"));
        assert!(!valid_id("a/-b"));
    }
}
