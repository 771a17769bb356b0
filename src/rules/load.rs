//! Loading rule packs: YAML text → specs (serde, unknown fields rejected) → compiled rules,
//! with every error pointing at its line in the pack.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::template::Template;
use super::*;
use crate::source::io_reason;
use crate::yaml::YamlError;

include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));

/// The rule packs compiled into the binary, as (file name, YAML text).
pub fn builtin_packs() -> &'static [(&'static str, &'static str)] {
    BUILTIN_PACKS
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
struct RuleSpec {
    id: String,
    severity: Severity,
    message: Template,
    #[serde(default)]
    help: Option<Template>,
    #[serde(default)]
    scope: Option<Scope>,
    #[serde(default)]
    doc_types: Vec<DocTypeFilter>,
    #[serde(default)]
    since: Option<DateSpec>,
    #[serde(default)]
    until: Option<DateSpec>,
    #[serde(default)]
    fix: Option<FixSpec>,
    explain: String,
    #[serde(default)]
    source: Option<Source>,
    examples: Examples,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(flatten)]
    kind: KindSpec,
}

fn yes() -> bool {
    true
}

/// The kind and its own fields; each variant rejects fields it does not know.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum KindSpec {
    Pattern(pattern::Spec),
    Substitution(substitution::Spec),
    Consistency(consistency::Spec),
    Require(require::Spec),
    Pairs(pairs::Spec),
    Numbering(numbering::Spec),
    Footnotes(footnotes::Spec),
    Arithmetic(arithmetic::Spec),
    Growth(growth::Spec),
    Metric(metric::Spec),
    Layout(layout::Spec),
    Suppression(suppression::Spec),
    Attachments(attachments::Spec),
    Breakdown(breakdown::Spec),
    Announced(announced::Spec),
    Repeat(repeat::Spec),
    Checksum(checksum::Spec),
}

impl KindSpec {
    fn name(&self) -> &'static str {
        match self {
            KindSpec::Pattern(_) => "pattern",
            KindSpec::Substitution(_) => "substitution",
            KindSpec::Consistency(_) => "consistency",
            KindSpec::Require(_) => "require",
            KindSpec::Pairs(_) => "pairs",
            KindSpec::Numbering(_) => "numbering",
            KindSpec::Footnotes(_) => "footnotes",
            KindSpec::Arithmetic(_) => "arithmetic",
            KindSpec::Growth(_) => "growth",
            KindSpec::Metric(_) => "metric",
            KindSpec::Layout(_) => "layout",
            KindSpec::Suppression(_) => "suppression",
            KindSpec::Attachments(_) => "attachments",
            KindSpec::Breakdown(_) => "breakdown",
            KindSpec::Announced(_) => "announced",
            KindSpec::Repeat(_) => "repeat",
            KindSpec::Checksum(_) => "checksum",
        }
    }
}

#[derive(Debug)]
struct DateSpec(DocDate);

impl<'de> Deserialize<'de> for DateSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = serde_yaml::Value::deserialize(deserializer)?;
        let text = match text {
            serde_yaml::Value::String(s) => s,
            serde_yaml::Value::Number(n) => n.to_string(),
            _ => {
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
        Self::from_packs(
            builtin_packs()
                .iter()
                .map(|(name, yaml)| (name.to_string(), yaml.to_string())),
        )
    }

    /// The built-in packs plus every `.yaml`/`.yml` file in `dirs`. User rules must also meet
    /// their own examples (the built-in ones are held to theirs by the test suite).
    pub fn with_user_packs(dirs: &[impl AsRef<Path>]) -> Result<Self, Box<LoadError>> {
        let mut packs: Vec<(String, String)> = builtin_packs()
            .iter()
            .map(|(name, yaml)| (name.to_string(), yaml.to_string()))
            .collect();
        let mut user = Vec::new();
        for dir in dirs {
            user.extend(read_pack_dir(dir.as_ref())?);
        }
        packs.extend(user.iter().cloned());
        let set = Self::from_packs(packs)?;
        for (file, yaml) in &user {
            for rule in set.rules.iter().filter(|r| &r.meta.origin == file) {
                if let Some(reason) = set.example_failure(rule) {
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

    /// Why `rule` does not meet its own examples, if it does not.
    pub fn example_failure(&self, rule: &Rule) -> Option<String> {
        let id = rule.meta.id;
        for example in &rule.meta.examples.invalid {
            if crate::engine::check_rule(self, rule, example).is_empty() {
                return Some(format!(
                    "规则 {id} 的反例（invalid）没有触发规则：{example:?}"
                ));
            }
        }
        for example in &rule.meta.examples.valid {
            if let Some(found) = crate::engine::check_rule(self, rule, example).first() {
                return Some(format!(
                    "规则 {id} 的正例（valid）触发了规则：{example:?}（{}）",
                    found.message
                ));
            }
        }
        None
    }

    pub fn from_packs(
        packs: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, Box<LoadError>> {
        use rayon::prelude::*;

        let packs: Vec<(String, String)> = packs.into_iter().collect();
        // Reading the YAML compiles every regex, the bulk of loading: all packs at once, on
        // all cores. Compiling the rules stays in pack order, and so do the errors.
        let parsed: Vec<Result<Vec<RuleSpec>, Box<LoadError>>> = packs
            .par_iter()
            .map(|(file, yaml)| parse_pack(file, yaml))
            .collect();
        let mut rules: Vec<Rule> = Vec::new();
        let mut seen: HashMap<&'static str, String> = HashMap::new();
        let mut words = substitution::WordIndexBuilder::default();
        for ((file, yaml), specs) in packs.iter().zip(parsed) {
            let (file, yaml) = (file.clone(), yaml.as_str());
            for rule in compile_pack(&file, yaml, specs?, &mut words)? {
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

fn parse_pack(file: &str, yaml: &str) -> Result<Vec<RuleSpec>, Box<LoadError>> {
    serde_yaml::from_str(yaml).map_err(|error| YamlError::from_serde(WHAT, file, yaml, &error))
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
    if meta.examples.invalid.is_empty() || meta.examples.valid.is_empty() {
        return Err(format!(
            "规则 {id} 缺少 examples：invalid 和 valid 至少各一条"
        ));
    }
    Ok(Rule { meta, check })
}

/// A regex field, compiled when the YAML is read so that a bad one is reported at its line.
#[derive(Clone, Debug)]
pub struct RegexSpec(pub regex::Regex);

impl<'de> Deserialize<'de> for RegexSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let source = String::deserialize(deserializer)?;
        regex::Regex::new(&source)
            .map(RegexSpec)
            .map_err(|e| serde::de::Error::custom(format!("正则表达式“{source}”无法编译：{e}")))
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
    fn ids_are_category_slash_name() {
        assert!(valid_id("numbering/gap"));
        assert!(valid_id("punct/halfwidth-bracket"));
        assert!(!valid_id("Numbering/gap"));
        assert!(!valid_id("gap"));
        assert!(!valid_id("a/b/c"));
        assert!(!valid_id("a/-b"));
    }
}
