//! gwlint.yaml: discovery (walking up from each checked file), parsing with every error at its
//! YAML line, and resolving the settings for one file (config, then overrides, then the CLI).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::engine::{Options, Overrides, Selection};
use crate::io_error::reason as io_reason;
use crate::model::{DocDate, DocType, Level};
use crate::rules::{RuleSet, Settings};
use crate::yaml::{find_value, YamlError};

pub const FILE_NAMES: [&str; 2] = ["gwlint.yaml", ".gwlint.yaml"];
const WHAT: &str = "配置文件";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigSpec {
    #[serde(default)]
    select: Option<Vec<String>>,
    #[serde(default)]
    extend_select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    rules: Vec<PathBuf>,
    #[serde(default)]
    doc_type: Option<PerPath>,
    #[serde(default)]
    date: Option<PerPath>,
    #[serde(default)]
    numbering: BTreeMap<Level, String>,
    #[serde(default)]
    layout: BTreeMap<String, String>,
    #[serde(default)]
    fonts: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    overrides: Vec<OverrideSpec>,
}

/// One value for every file, or a value per path glob.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PerPath {
    All(String),
    ByGlob(BTreeMap<String, String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct OverrideSpec {
    files: Vec<String>,
    #[serde(default)]
    select: Option<Vec<String>>,
    #[serde(default)]
    extend_select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
}

/// What the command line says, applied on top of any config.
#[derive(Clone, Debug, Default)]
pub struct CliSettings {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub doc_type: Option<DocType>,
    pub date: Option<DocDate>,
}

#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    dir: PathBuf,
    yaml: String,
    spec: ConfigSpec,
    exclude: GlobSet,
    overrides: Vec<GlobSet>,
    doc_types: Vec<(GlobSet, DocType)>,
    dates: Vec<(GlobSet, DocDate)>,
}

fn glob_set(
    patterns: &[String],
    error: &dyn Fn(&str, String) -> Box<YamlError>,
) -> Result<GlobSet, Box<YamlError>> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(
            Glob::new(pattern)
                .map_err(|e| error(pattern, format!("路径模式“{pattern}”无效：{e}")))?,
        );
    }
    builder
        .build()
        .map_err(|e| error("", format!("路径模式无效：{e}")))
}

impl Config {
    /// The config that applies to files in `dir`: the nearest gwlint.yaml or .gwlint.yaml in
    /// it or a folder above it.
    pub fn discover(dir: &Path) -> Option<PathBuf> {
        let start = std::fs::canonicalize(dir).ok()?;
        start
            .ancestors()
            .flat_map(|d| FILE_NAMES.iter().map(move |name| d.join(name)))
            .find(|candidate| candidate.is_file())
    }

    pub fn load(path: &Path) -> Result<Config, Box<YamlError>> {
        let file = path.display().to_string();
        let yaml = std::fs::read_to_string(path).map_err(|e| {
            YamlError::new(
                WHAT,
                &file,
                "",
                format!("无法读取：{}", io_reason(&e)),
                None,
            )
        })?;
        // An empty file is an empty config.
        let spec: ConfigSpec = if yaml.trim().is_empty() {
            ConfigSpec::default()
        } else {
            crate::yaml::parse(WHAT, &file, &yaml)?
        };
        let error = |needle: &str, reason: String| {
            YamlError::new(WHAT, &file, &yaml, reason, find_value(&yaml, needle))
        };
        let exclude = glob_set(&spec.exclude, &error)?;
        let overrides = spec
            .overrides
            .iter()
            .map(|o| glob_set(&o.files, &error))
            .collect::<Result<_, _>>()?;
        let per_path = |value: &Option<PerPath>| -> Vec<(String, String)> {
            match value {
                None => Vec::new(),
                Some(PerPath::All(v)) => vec![("**".to_string(), v.clone())],
                Some(PerPath::ByGlob(map)) => {
                    map.iter().map(|(g, v)| (g.clone(), v.clone())).collect()
                }
            }
        };
        let mut doc_types = Vec::new();
        for (pattern, name) in per_path(&spec.doc_type) {
            let doc_type = DocType::from_name(&name).ok_or_else(|| {
                let names: Vec<&str> = DocType::ALL.iter().map(|t| t.name()).collect();
                error(
                    &name,
                    format!("未知文种“{name}”，可选：{}", names.join("、")),
                )
            })?;
            doc_types.push((glob_set(&[pattern], &error)?, doc_type));
        }
        let mut dates = Vec::new();
        for (pattern, text) in per_path(&spec.date) {
            let date = DocDate::parse(&text).ok_or_else(|| {
                error(
                    &text,
                    format!("无法识别的日期“{text}”，应写成 2021、2021-03 或 2021-03-31"),
                )
            })?;
            dates.push((glob_set(&[pattern], &error)?, date));
        }
        let dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok(Config {
            path: path.to_path_buf(),
            dir,
            yaml,
            spec,
            exclude,
            overrides,
            doc_types,
            dates,
        })
    }

    /// Extra rule pack folders, relative to the config file.
    pub fn rule_dirs(&self) -> Vec<PathBuf> {
        self.spec.rules.iter().map(|d| self.dir.join(d)).collect()
    }

    /// Every rule id or category the config names must exist.
    pub fn validate(&self, rules: &RuleSet) -> Result<(), Box<YamlError>> {
        let spec = &self.spec;
        let mut codes: Vec<&String> = spec
            .select
            .iter()
            .flatten()
            .chain(&spec.extend_select)
            .chain(&spec.ignore)
            .collect();
        codes.extend(spec.severity.keys());
        for o in &spec.overrides {
            codes.extend(
                o.select
                    .iter()
                    .flatten()
                    .chain(&o.extend_select)
                    .chain(&o.ignore)
                    .chain(o.severity.keys()),
            );
        }
        for family in spec.fonts.keys() {
            if !crate::rules::is_font_family(family) {
                let reason = format!("未知的字体族“{family}”：应为仿宋、小标宋、黑体、楷体或宋体");
                return Err(YamlError::new(
                    WHAT,
                    &self.path.display().to_string(),
                    &self.yaml,
                    reason,
                    find_value(&self.yaml, family),
                ));
            }
        }
        for (id, value) in &spec.layout {
            let reason = match rules.get(id) {
                None => Some(format!("未知的规则“{id}”（`gwlint rules` 列出全部规则）")),
                Some(rule) => rule.house_value(value).err(),
            };
            if let Some(reason) = reason {
                return Err(YamlError::new(
                    WHAT,
                    &self.path.display().to_string(),
                    &self.yaml,
                    reason,
                    find_value(&self.yaml, id),
                ));
            }
        }
        for code in codes {
            if !rules.knows(code) {
                let reason = format!("未知的规则或类别“{code}”（`gwlint rules` 列出全部规则）");
                return Err(YamlError::new(
                    WHAT,
                    &self.path.display().to_string(),
                    &self.yaml,
                    reason,
                    find_value(&self.yaml, code),
                ));
            }
        }
        Ok(())
    }

    /// `file` as the config's globs see it: relative to the config's folder.
    fn relative(&self, file: &Path) -> PathBuf {
        let absolute = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        let dir = std::fs::canonicalize(&self.dir).unwrap_or_else(|_| self.dir.clone());
        absolute
            .strip_prefix(&dir)
            .map(Path::to_path_buf)
            .unwrap_or(absolute)
    }

    pub fn is_excluded(&self, file: &Path) -> bool {
        self.exclude.is_match(self.relative(file))
    }
}

/// Resolves the options for one file: the config's settings, its matching overrides in order,
/// then the command line.
pub fn options_for(config: Option<&Config>, file: &Path, cli: &CliSettings) -> Options {
    let mut select: Option<Vec<String>> = None;
    let mut ignore: Vec<String> = Vec::new();
    let mut severity: BTreeMap<String, Severity> = BTreeMap::new();
    let mut settings = Settings::default();
    let mut overrides = Overrides::default();
    if let Some(config) = config {
        let spec = &config.spec;
        let relative = config.relative(file);
        let mut apply = |s: &Option<Vec<String>>,
                         extend: &[String],
                         ig: &[String],
                         sev: &BTreeMap<String, Severity>| {
            if let Some(s) = s {
                select = Some(s.clone());
            }
            if !extend.is_empty() {
                select
                    .get_or_insert_with(default_selection)
                    .extend(extend.iter().cloned());
            }
            ignore.extend(ig.iter().cloned());
            severity.extend(sev.iter().map(|(k, v)| (k.clone(), *v)));
        };
        apply(
            &spec.select,
            &spec.extend_select,
            &spec.ignore,
            &spec.severity,
        );
        for (globs, o) in config.overrides.iter().zip(&spec.overrides) {
            if globs.is_match(&relative) {
                apply(&o.select, &o.extend_select, &o.ignore, &o.severity);
            }
        }
        settings.numbering = spec.numbering.clone();
        settings.layout = spec.layout.clone();
        settings.fonts = spec.fonts.clone();
        overrides.doc_type = config
            .doc_types
            .iter()
            .find(|(g, _)| g.is_match(&relative))
            .map(|(_, t)| *t);
        overrides.date = config
            .dates
            .iter()
            .find(|(g, _)| g.is_match(&relative))
            .map(|(_, d)| *d);
    }
    if let Some(s) = &cli.select {
        select = Some(s.clone());
    }
    if !cli.extend_select.is_empty() {
        select
            .get_or_insert_with(default_selection)
            .extend(cli.extend_select.iter().cloned());
    }
    ignore.extend(cli.ignore.iter().cloned());
    overrides.doc_type = cli.doc_type.or(overrides.doc_type);
    overrides.date = cli.date.or(overrides.date);
    Options {
        selection: Selection {
            select: select.unwrap_or_default(),
            ignore,
        },
        overrides,
        severity,
        settings,
    }
}

/// `extend-select` adds to the default rules: `ALL` selects every rule on by default.
fn default_selection() -> Vec<String> {
    vec!["ALL".to_string()]
}

/// Loads configs once per folder.
#[derive(Default)]
pub struct ConfigCache {
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
    loaded: HashMap<PathBuf, Config>,
}

impl ConfigCache {
    /// The config for `file`, loading it the first time it is seen.
    pub fn for_file(&mut self, file: &Path) -> Result<Option<&Config>, Box<YamlError>> {
        let dir = file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let found = match self.by_dir.get(&dir) {
            Some(found) => found.clone(),
            None => {
                let found = Config::discover(&dir);
                self.by_dir.insert(dir, found.clone());
                found
            }
        };
        let Some(path) = found else { return Ok(None) };
        if !self.loaded.contains_key(&path) {
            let config = Config::load(&path)?;
            self.loaded.insert(path.clone(), config);
        }
        Ok(self.loaded.get(&path))
    }

    pub fn insert(&mut self, config: Config) {
        self.loaded.insert(config.path.clone(), config);
    }

    pub fn configs(&self) -> impl Iterator<Item = &Config> {
        self.loaded.values()
    }
}

/// The commented gwlint.yaml that `gwlint init` writes.
pub const TEMPLATE: &str = r#"# gwlint 配置文件。gwlint 从被检查的文件所在目录向上查找 gwlint.yaml 或 .gwlint.yaml；
# --config FILE 指定配置文件，--isolated 忽略配置文件。命令行参数优先于这里的设置。

# 只运行这些规则或类别（默认：全部默认启用的规则）。
# select: [punct, numbering, footnote]

# 在默认规则之外再启用（如默认关闭的 style/sentence-length）。
# extend-select: [style/sentence-length]

# 不运行这些规则或类别。
# ignore: [number/spacing]

# 改变规则的级别：error、warning 或 info。
# severity:
#   numbering/delimiter: info

# 不检查的路径（相对于本文件所在目录的 glob）。
# exclude: ["archive/**"]

# 额外的规则包目录（相对于本文件所在目录）。
# rules: [gwlint-rules]

# 文种和日期：对所有文件，或按路径 glob 分别指定。
# doc-type: workplan
# date:
#   "2021/**": "2021"

# 本单位的标题序号写法，如三级标题惯用“1、”。
# numbering:
#   level3: "、"

# 本单位的版式（只对 .docx 检查）：版式规则的取值，写法与规则的 expected 相同
# （`gwlint explain layout/grid` 等）。有的单位每页排 28 行，有的标题用方正小标宋。
# layout:
#   layout/grid: "28×28"
#   layout/margins: "37 26 35 28"
#   layout/body-font: 仿宋
#   layout/title-size: 二号
# 字体族的别名：本单位装的字体名，算作哪一族（仿宋、小标宋、黑体、楷体、宋体）。
# fonts:
#   小标宋: [方正大标宋简体]

# 按路径覆盖：files 为 glob 列表，其余键与上面相同。
# overrides:
#   - files: ["drafts/**"]
#     ignore: [artifact]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn discovers_the_nearest_config() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "gwlint.yaml", "ignore: [punct]\n");
        write(dir.path(), "a/b/.gwlint.yaml", "ignore: [numbering]\n");
        let deep = dir.path().join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        assert!(Config::discover(&deep)
            .unwrap()
            .ends_with("a/b/.gwlint.yaml"));
        assert!(Config::discover(&dir.path().join("a"))
            .unwrap()
            .ends_with("gwlint.yaml"));
    }

    #[test]
    fn unknown_keys_and_bad_values_point_at_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "gwlint.yaml",
            "ignore: [punct]\nno-such-key: 1\n",
        );
        let error = Config::load(&path).unwrap_err();
        assert!(error.reason.contains("no-such-key"), "{}", error.reason);
        assert_eq!(error.line(), Some(2));
        let path = write(
            dir.path(),
            "gwlint.yaml",
            "ignore: [punct]\nexclude: ['a/[']\n",
        );
        let error = Config::load(&path).unwrap_err();
        assert!(error.reason.contains("路径模式"), "{}", error.reason);
        assert_eq!(error.line(), Some(2));
        let path = write(dir.path(), "gwlint.yaml", "doc-type: memo\n");
        assert!(Config::load(&path).unwrap_err().reason.contains("memo"));
    }

    #[test]
    fn unknown_rule_ids_point_at_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "gwlint.yaml",
            "ignore:\n  - punct\n  - punct/half-width\n",
        );
        let config = Config::load(&path).unwrap();
        let error = config.validate(&RuleSet::builtin().unwrap()).unwrap_err();
        assert!(
            error.reason.contains("punct/half-width"),
            "{}",
            error.reason
        );
        assert_eq!(error.line(), Some(3));
    }

    #[test]
    fn overrides_apply_by_glob_and_the_cli_comes_last() {
        let dir = tempfile::tempdir().unwrap();
        let yaml = "ignore: [punct/halfwidth]\nseverity: { numbering/delimiter: info }\ndoc-type: { 'plans/**': plan }\nnumbering: { level3: '、' }\noverrides:\n  - files: ['drafts/**']\n    ignore: [artifact]\n";
        let path = write(dir.path(), "gwlint.yaml", yaml);
        let config = Config::load(&path).unwrap();
        let draft = write(dir.path(), "drafts/a.txt", "");
        let plan = write(dir.path(), "plans/b.txt", "");
        let options = options_for(Some(&config), &draft, &CliSettings::default());
        assert_eq!(options.selection.ignore, ["punct/halfwidth", "artifact"]);
        assert_eq!(
            options.severity.get("numbering/delimiter"),
            Some(&Severity::Info)
        );
        assert_eq!(options.overrides.doc_type, None);
        assert_eq!(
            options
                .settings
                .numbering
                .get(&Level::L3)
                .map(String::as_str),
            Some("、")
        );
        let options = options_for(Some(&config), &plan, &CliSettings::default());
        assert_eq!(options.selection.ignore, ["punct/halfwidth"]);
        assert_eq!(options.overrides.doc_type, Some(DocType::Plan));
        let cli = CliSettings {
            select: Some(vec!["numbering".into()]),
            doc_type: Some(DocType::Notice),
            ..Default::default()
        };
        let options = options_for(Some(&config), &plan, &cli);
        assert_eq!(options.selection.select, ["numbering"]);
        assert_eq!(options.overrides.doc_type, Some(DocType::Notice));
    }

    #[test]
    fn the_template_is_a_valid_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "gwlint.yaml", TEMPLATE);
        Config::load(&path).unwrap();
    }
}
