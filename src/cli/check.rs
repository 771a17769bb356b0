//! `gwlint check`: configs → rules → files → check → fix or diff → baseline → report → exit code.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use super::{emit, with_rules, CheckArgs, Format, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::baseline::Baseline;
use crate::config::{options_for, CliSettings, Config, ConfigCache};
use crate::diagnostic::{Applicability, Severity};
use crate::engine::{self, check_source, FileResult, Options};
use crate::fix::{fix_file, unified_diff, write_file};
use crate::report::{self, human::HumanOptions};
use crate::rules::RuleSet;
use crate::source::SourceFile;
use crate::yaml::YamlError;

const STDIN: &str = "-";

fn fail_yaml(error: YamlError) -> i32 {
    eprintln!("{:?}", miette::Report::new(error));
    EXIT_ERROR
}

/// Where each file's config comes from: `--config`, discovery, or nowhere (`--isolated`).
struct Configs {
    cache: ConfigCache,
    explicit: Option<PathBuf>,
    isolated: bool,
}

impl Configs {
    fn new(explicit: Option<&Path>, isolated: bool) -> Result<Self, Box<YamlError>> {
        let mut cache = ConfigCache::default();
        let explicit = match explicit {
            Some(path) => {
                let config = Config::load(path)?;
                let key = config.path.clone();
                cache.insert(config);
                Some(key)
            }
            None => None,
        };
        Ok(Configs {
            cache,
            explicit,
            isolated,
        })
    }

    fn for_file(&mut self, file: &Path) -> Result<Option<&Config>, Box<YamlError>> {
        if self.isolated {
            return Ok(None);
        }
        if let Some(path) = &self.explicit {
            return Ok(self.cache.configs().find(|c| &c.path == path));
        }
        self.cache.for_file(file)
    }
}

/// `gwlint annotate`: check one .docx and write a copy with the findings as Word comments.
pub(super) fn annotate(args: CheckArgs, input: &Path, output: &Path) -> i32 {
    if !crate::source::is_docx_path(input) {
        eprintln!("gwlint: {}: 只能为 .docx 文件加批注", input.display());
        return EXIT_ERROR;
    }
    if args.fix || args.diff {
        eprintln!("gwlint: annotate 不修改文档：--fix/--diff 不适用于 .docx");
        return EXIT_ERROR;
    }
    let mut configs = match Configs::new(args.config.as_deref(), args.isolated) {
        Ok(configs) => configs,
        Err(error) => return fail_yaml(*error),
    };
    let config = match configs.for_file(input) {
        Ok(config) => config.map(|c| c.path.clone()),
        Err(error) => return fail_yaml(*error),
    };
    let cli = cli_settings(&args);
    let config = config.and_then(|p| configs.cache.configs().find(|c| c.path == p));
    let mut rule_dirs = args.rule_dirs.clone();
    rule_dirs.extend(config.map(Config::rule_dirs).unwrap_or_default());
    let options = options_for(config, input, &cli);
    with_rules(&rule_dirs, |rules| {
        let source = match SourceFile::read(input) {
            Ok(source) => source,
            Err(error) => {
                eprintln!("gwlint: {error}");
                return EXIT_ERROR;
            }
        };
        let result = match check_source(rules, &options, source) {
            Ok(result) => result,
            Err(error) => {
                eprintln!("gwlint: {error}");
                return EXIT_ERROR;
            }
        };
        let Some(map) = result.source.docx.as_deref() else {
            eprintln!("gwlint: {}: 只能为 .docx 文件加批注", input.display());
            return EXIT_ERROR;
        };
        match crate::docx::annotate(input, output, map, &result.diagnostics) {
            Ok(count) => {
                let skipped = result.diagnostics.len() - count;
                eprintln!("已写入 {}：{count} 条批注", output.display());
                if skipped > 0 {
                    eprintln!("另有 {skipped} 个问题位于脚注中，Word 不支持在脚注中加批注，未写入");
                }
                EXIT_CLEAN
            }
            Err(error) => {
                eprintln!("gwlint: {}: {error}", input.display());
                EXIT_ERROR
            }
        }
    })
}

fn cli_settings(args: &CheckArgs) -> CliSettings {
    CliSettings {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        doc_type: args.doc_type,
        date: args.date,
    }
}

pub(super) fn run(args: CheckArgs) -> i32 {
    let cli = cli_settings(&args);
    let mut configs = match Configs::new(args.config.as_deref(), args.isolated) {
        Ok(configs) => configs,
        Err(error) => return fail_yaml(*error),
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let read_stdin = paths.iter().any(|p| p == Path::new(STDIN));
    let on_disk: Vec<PathBuf> = paths
        .into_iter()
        .filter(|p| p != Path::new(STDIN))
        .collect();
    let mut failed = false;
    let (walked, walk_errors) = if on_disk.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        engine::collect_files(&on_disk)
    };
    for error in walk_errors {
        eprintln!("gwlint: {error}");
        failed = true;
    }
    let stdin_name = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("<stdin>"));
    if args.show_settings {
        let file = walked
            .first()
            .cloned()
            .unwrap_or_else(|| stdin_name.clone());
        return show_settings(
            &file,
            args.config.as_deref(),
            args.isolated,
            &args.rule_dirs,
        );
    }

    // Each file's config; the folders they name for rule packs join the command line's.
    let mut per_file: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let explicit_files: Vec<&PathBuf> = on_disk.iter().filter(|p| p.is_file()).collect();
    for file in walked.iter().chain(read_stdin.then_some(&stdin_name)) {
        match configs.for_file(file) {
            Ok(Some(config)) => {
                if config.is_excluded(file) && !explicit_files.contains(&file) {
                    continue;
                }
                per_file.push((file.clone(), Some(config.path.clone())));
            }
            Ok(None) => per_file.push((file.clone(), None)),
            Err(error) => return fail_yaml(*error),
        }
    }
    let mut rule_dirs = args.rule_dirs.clone();
    for config in configs.cache.configs() {
        for dir in config.rule_dirs() {
            if !rule_dirs.contains(&dir) {
                rule_dirs.push(dir);
            }
        }
    }
    with_rules(&rule_dirs, |rules| {
        for config in configs.cache.configs() {
            if let Err(error) = config.validate(rules) {
                return fail_yaml(*error);
            }
        }
        let unknown: Vec<&String> = cli
            .select
            .iter()
            .flatten()
            .chain(&cli.extend_select)
            .chain(&cli.ignore)
            .filter(|code| !rules.knows(code))
            .collect();
        if !unknown.is_empty() {
            let names: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
            eprintln!(
                "gwlint: 未知的规则或类别：{}（`gwlint rules` 列出全部规则）",
                names.join("、")
            );
            return EXIT_ERROR;
        }
        let options_of = |file: &Path, config: &Option<PathBuf>| -> Options {
            let config = config
                .as_ref()
                .and_then(|p| configs.cache.configs().find(|c| &c.path == p));
            options_for(config, file, &cli)
        };
        let mut jobs = Vec::new();
        let mut stdin_options = None;
        for (file, config) in &per_file {
            if read_stdin && file == &stdin_name && !walked.contains(file) {
                stdin_options = Some(options_of(file, config));
            } else {
                jobs.push((file.clone(), options_of(file, config)));
            }
        }
        let mut results = engine::check_files(rules, &jobs);
        let mut stdin_result = None;
        if let Some(options) = &stdin_options {
            match read_stdin_source(&stdin_name)
                .and_then(|s| check_source(rules, options, s).map_err(|e| e.to_string()))
            {
                Ok(result) => stdin_result = Some(result),
                Err(message) => {
                    eprintln!("gwlint: {message}");
                    failed = true;
                }
            }
        }
        let mut files = Vec::new();
        for result in results.drain(..) {
            match result {
                Ok(file) => files.push(file),
                Err(error) => {
                    eprintln!("gwlint: {error}");
                    failed = true;
                }
            }
        }
        let options_by_path: BTreeMap<PathBuf, Options> = jobs.into_iter().collect();
        let mut outcome = Outcome {
            failed,
            ..Outcome::default()
        };
        if args.fix || args.diff {
            let min = if args.unsafe_fixes {
                Applicability::Suggest
            } else {
                Applicability::Safe
            };
            let options = |path: &Path| {
                options_by_path
                    .get(path)
                    .or(stdin_options.as_ref())
                    .cloned()
                    .unwrap_or_default()
            };
            files = fix_all(rules, files, &options, min, &args, &mut outcome);
            if let Some(result) = stdin_result.take() {
                stdin_result = Some(fix_stdin(
                    rules,
                    result,
                    &options(&stdin_name),
                    min,
                    &args,
                    &mut outcome,
                ));
            }
        }
        files.extend(stdin_result);
        files.sort_by(|a, b| a.source.path.cmp(&b.source.path));
        finish(rules, files, &args, outcome)
    })
}

#[derive(Default)]
struct Outcome {
    failed: bool,
    fixed: usize,
    /// Files `--diff` would change.
    would_change: usize,
    /// Text for the end of the report (fix and baseline summaries).
    notes: Vec<String>,
}

fn read_stdin_source(name: &Path) -> Result<SourceFile, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| format!("无法读取标准输入：{e}"))?;
    SourceFile::from_bytes(name, &bytes).map_err(|e| e.to_string())
}

fn fix_all(
    rules: &RuleSet,
    files: Vec<FileResult>,
    options: &dyn Fn(&Path) -> Options,
    min: Applicability,
    args: &CheckArgs,
    outcome: &mut Outcome,
) -> Vec<FileResult> {
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let fixable = file
            .diagnostics
            .iter()
            .any(|d| d.fix.as_ref().is_some_and(|f| f.applicability >= min));
        if fixable && file.source.encoding == crate::source::Encoding::Docx {
            outcome.notes.push(format!(
                "{}：不支持对 .docx 使用 --fix 或 --diff；可用 gwlint annotate 生成带批注的副本",
                file.source.path.display()
            ));
            out.push(file);
            continue;
        }
        if !fixable {
            out.push(file);
            continue;
        }
        let path = file.source.path.clone();
        let fixed = match fix_file(rules, &options(&path), file, min) {
            Ok(fixed) => fixed,
            Err(error) => {
                eprintln!("gwlint: {error}");
                outcome.failed = true;
                continue;
            }
        };
        if let Some(reason) = fixed.stopped_early {
            outcome.notes.push(format!("{}：{reason}", path.display()));
        }
        if fixed.applied > 0 {
            if args.diff {
                outcome.would_change += 1;
                emit(&unified_diff(
                    &path.display().to_string(),
                    &fixed.original,
                    &fixed.result.source.text,
                ));
                outcome.fixed += fixed.applied;
                // --diff writes nothing: report the file as it is on disk.
                out.push(recheck(rules, &options(&path), &fixed));
                continue;
            }
            let bytes = fixed
                .result
                .source
                .encoding
                .encode(&fixed.result.source.text);
            if let Err(error) = write_file(&path, &bytes) {
                eprintln!("gwlint: {error}");
                outcome.failed = true;
            } else {
                outcome.fixed += fixed.applied;
            }
        }
        out.push(fixed.result);
    }
    out
}

/// The unfixed file's own result again (for `--diff`).
fn recheck(rules: &RuleSet, options: &Options, fixed: &crate::fix::Fixed) -> FileResult {
    let source = SourceFile {
        text: fixed.original.clone(),
        ..fixed.result.source.clone()
    };
    check_source(rules, options, source).expect("a file that was checked once checks again")
}

/// `--fix` on stdin writes the fixed text to stdout; the report goes to stderr.
fn fix_stdin(
    rules: &RuleSet,
    result: FileResult,
    options: &Options,
    min: Applicability,
    args: &CheckArgs,
    outcome: &mut Outcome,
) -> FileResult {
    let fixed = match fix_file(rules, options, result, min) {
        Ok(fixed) => fixed,
        Err(error) => {
            eprintln!("gwlint: {error}");
            outcome.failed = true;
            std::process::exit(EXIT_ERROR);
        }
    };
    outcome.fixed += fixed.applied;
    if let Some(reason) = fixed.stopped_early {
        outcome
            .notes
            .push(format!("{}：{reason}", fixed.result.source.path.display()));
    }
    if args.diff {
        if fixed.applied > 0 {
            outcome.would_change += 1;
            emit(&unified_diff(
                &fixed.result.source.path.display().to_string(),
                &fixed.original,
                &fixed.result.source.text,
            ));
        }
        return recheck(rules, options, &fixed);
    }
    let bytes = fixed
        .result
        .source
        .encoding
        .encode(&fixed.result.source.text);
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(&bytes);
    fixed.result
}

fn finish(
    rules: &RuleSet,
    mut files: Vec<FileResult>,
    args: &CheckArgs,
    mut outcome: Outcome,
) -> i32 {
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::record(path, &files);
        let count: usize = files.iter().map(|f| f.diagnostics.len()).sum();
        return match std::fs::write(path, baseline.to_json()) {
            Ok(()) => {
                eprintln!("已把 {count} 个问题写入基线 {}", path.display());
                if outcome.failed {
                    EXIT_ERROR
                } else {
                    EXIT_CLEAN
                }
            }
            Err(error) => {
                eprintln!("gwlint: 无法写入基线 {}：{error}", path.display());
                EXIT_ERROR
            }
        };
    }
    if let Some(path) = &args.baseline {
        match Baseline::load(path) {
            Ok(baseline) => {
                let applied = baseline.apply(&mut files);
                if applied.suppressed > 0 {
                    outcome.notes.push(format!(
                        "基线中已有 {} 个问题，未再报告",
                        applied.suppressed
                    ));
                }
                if applied.stale > 0 {
                    outcome.notes.push(format!(
                        "基线中有 {} 个问题已不再出现（已修复或已改动），可用 --write-baseline 更新基线",
                        applied.stale
                    ));
                }
            }
            Err(message) => {
                eprintln!("gwlint: {message}");
                return EXIT_ERROR;
            }
        }
    }
    if args.fix || args.diff {
        let remaining: usize = files.iter().map(|f| f.diagnostics.len()).sum();
        let fixable_word = if args.diff { "可修复" } else { "已修复" };
        outcome.notes.push(format!(
            "{fixable_word} {} 处，剩余 {remaining} 处",
            outcome.fixed
        ));
    }
    // With `--fix` on stdin, stdout carries the fixed text and the report moves to stderr.
    let report_to_stderr = args.fix && args.paths.iter().any(|p| p == Path::new(STDIN));
    let output = if args.statistics {
        statistics(&files)
    } else {
        render(
            args.format,
            &files,
            rules,
            args.quiet,
            args.output_file.is_none(),
        )
    };
    let output = if args.quiet || args.format != Format::Human {
        output
    } else {
        let mut output = output;
        for note in &outcome.notes {
            output.push_str(note);
            output.push('\n');
        }
        output
    };
    if args.format != Format::Human && !args.quiet {
        for note in &outcome.notes {
            eprintln!("{note}");
        }
    }
    if let Some(path) = &args.output_file {
        if let Err(error) = std::fs::write(path, &output) {
            eprintln!("gwlint: 无法写入 {}：{error}", path.display());
            return EXIT_ERROR;
        }
    } else if report_to_stderr {
        eprint!("{output}");
    } else {
        emit(&output);
    }
    exit_code(&files, args, &outcome)
}

fn exit_code(files: &[FileResult], args: &CheckArgs, outcome: &Outcome) -> i32 {
    if outcome.failed {
        return EXIT_ERROR;
    }
    if args.exit_zero {
        return EXIT_CLEAN;
    }
    if args.diff {
        return if outcome.would_change > 0 {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        };
    }
    let fails =
        |s: Severity| s == Severity::Error || (args.deny_warnings && s == Severity::Warning);
    if files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .any(|d| fails(d.severity))
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn render(
    format: Format,
    files: &[FileResult],
    rules: &RuleSet,
    quiet: bool,
    terminal: bool,
) -> String {
    match format {
        Format::Human => {
            let color = terminal
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            report::human::render(
                files,
                &HumanOptions {
                    color,
                    width: 100,
                    quiet,
                },
            )
        }
        Format::Json => report::json::render(files),
        Format::Concise => report::concise::render(files, rules),
        Format::Sarif => report::sarif::render(files, rules),
        Format::Github => report::github::render(files, rules),
        Format::Junit => report::junit::render(files, rules),
        Format::Html => report::html::render(files, rules),
    }
}

/// `--statistics`: a count per rule, most frequent first.
fn statistics(files: &[FileResult]) -> String {
    let mut counts: BTreeMap<&str, (usize, usize, Severity)> = BTreeMap::new();
    for d in files.iter().flat_map(|f| &f.diagnostics) {
        let entry = counts.entry(d.rule).or_insert((0, 0, d.severity));
        entry.0 += 1;
        entry.1 += usize::from(d.fix.is_some());
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    let width = rows.iter().map(|(id, _)| id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (id, (count, fixable, severity)) in rows {
        let fixable = if fixable > 0 {
            format!("  [{fixable} 处附修复]")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{count:>6}  {id:<width$}  {}{fixable}\n",
            severity.label_zh()
        ));
    }
    out
}

/// `gwlint config` and `check --show-settings`: the settings that apply to one file.
pub(super) fn show_settings(
    file: &Path,
    config: Option<&Path>,
    isolated: bool,
    rule_dirs: &[PathBuf],
) -> i32 {
    let mut configs = match Configs::new(config, isolated) {
        Ok(configs) => configs,
        Err(error) => return fail_yaml(*error),
    };
    // A folder stands for any file in it.
    let probe = if file.is_dir() {
        file.join("_")
    } else {
        file.to_path_buf()
    };
    let found = match configs.for_file(&probe) {
        Ok(found) => found,
        Err(error) => return fail_yaml(*error),
    };
    let mut dirs = rule_dirs.to_vec();
    if let Some(config) = found {
        dirs.extend(config.rule_dirs());
    }
    let config_path = found.map(|c| c.path.display().to_string());
    let options = options_for(found, &probe, &CliSettings::default());
    with_rules(&dirs, |rules| {
        let mut out = format!("文件：{}\n", file.display());
        out.push_str(&format!(
            "配置文件：{}\n",
            config_path.as_deref().unwrap_or("（无）")
        ));
        let active: Vec<&str> = rules
            .rules
            .iter()
            .filter(|r| options.selection.is_active(r))
            .map(|r| r.id())
            .collect();
        out.push_str(&format!("启用的规则（{} 条）：\n", active.len()));
        for id in &active {
            let rule = rules.get(id).expect("listed rule");
            let severity = options
                .severity
                .get(*id)
                .copied()
                .unwrap_or(rule.meta.severity);
            out.push_str(&format!("  {id}  {}\n", severity.as_str()));
        }
        if let Some(doc_type) = options.overrides.doc_type {
            out.push_str(&format!("文种：{}\n", doc_type.name()));
        }
        if let Some(date) = options.overrides.date {
            out.push_str(&format!("日期：{date}\n"));
        }
        for (level, delimiter) in &options.settings.numbering {
            out.push_str(&format!("序号写法：{} 用“{delimiter}”\n", level.name()));
        }
        emit(&out);
        EXIT_CLEAN
    })
}
