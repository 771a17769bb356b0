//! The command line (clap): `check`, `rules`, `explain`, `parse`. Maps every outcome to an exit
//! code in one place: 0 clean, 1 findings that fail the run, 2 usage, I/O, encoding or
//! configuration errors. Reports go to stdout, errors to stderr.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::Severity;
use crate::engine::{self, Options, Overrides, Selection};
use crate::model::{DocDate, DocType};
use crate::parse::parse;
use crate::report::{self, human::HumanOptions};
use crate::rules::RuleSet;
use crate::source::SourceFile;

#[derive(Debug, Parser)]
#[command(
    name = "gwlint",
    version,
    about = "公文与政府工作报告的格式和规范检查工具"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 检查文件或目录（目录递归，遵循 .gitignore；`-` 读标准输入）
    Check(CheckArgs),
    /// 列出全部规则
    Rules {
        /// 额外的规则包目录
        #[arg(long = "rules", value_name = "DIR")]
        rule_dirs: Vec<PathBuf>,
    },
    /// 说明一条规则：检查什么、依据哪条标准、正反示例
    Explain {
        rule: String,
        #[arg(long = "rules", value_name = "DIR")]
        rule_dirs: Vec<PathBuf>,
    },
    /// 显示解析器对文档结构的理解
    Parse {
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = ParseFormat::Tree)]
        format: ParseFormat,
    },
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// 要检查的文件或目录，默认当前目录
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// 只启用这些规则或类别（逗号分隔，如 punct,numbering/gap）
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    select: Vec<String>,
    /// 停用这些规则或类别
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    ignore: Vec<String>,
    /// 额外的规则包目录（YAML）
    #[arg(long = "rules", value_name = "DIR")]
    rule_dirs: Vec<PathBuf>,
    /// 指定文种，不自动判断
    #[arg(long, value_name = "TYPE", value_parser = parse_doc_type)]
    doc_type: Option<DocType>,
    /// 指定文档日期（2021、2021-03 或 2021-03-31）
    #[arg(long, value_parser = parse_date)]
    date: Option<DocDate>,
    /// 有警告时也以退出码 1 结束
    #[arg(long)]
    deny_warnings: bool,
    /// 从标准输入读取时使用的文件名
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ParseFormat {
    Tree,
    Json,
}

fn parse_doc_type(text: &str) -> Result<DocType, String> {
    DocType::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = DocType::ALL.iter().map(|t| t.name()).collect();
        format!("未知文种“{text}”，可选：{}", names.join("、"))
    })
}

fn parse_date(text: &str) -> Result<DocDate, String> {
    DocDate::parse(text)
        .ok_or_else(|| format!("无法识别的日期“{text}”，应写成 2021、2021-03 或 2021-03-31"))
}

/// Exit codes of DESIGN.md.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { rule_dirs } => with_rules(&rule_dirs, |rules| {
            emit(&rules_table(rules));
            EXIT_CLEAN
        }),
        Command::Explain { rule, rule_dirs } => {
            with_rules(&rule_dirs, |rules| match rules.get(&rule) {
                Some(found) => {
                    emit(&explain(found));
                    EXIT_CLEAN
                }
                None => {
                    eprintln!("gwlint: 没有名为“{rule}”的规则；`gwlint rules` 列出全部规则");
                    EXIT_ERROR
                }
            })
        }
        Command::Parse { path, format } => match read_source(&path, None) {
            Ok(source) => {
                let doc = parse(source.text.clone());
                emit(&match format {
                    ParseFormat::Tree => report::outline::tree(&source, &doc),
                    ParseFormat::Json => report::outline::json(&source, &doc),
                });
                EXIT_CLEAN
            }
            Err(message) => {
                eprintln!("gwlint: {message}");
                EXIT_ERROR
            }
        },
    }
}

fn with_rules(dirs: &[PathBuf], body: impl FnOnce(&RuleSet) -> i32) -> i32 {
    match RuleSet::with_user_packs(dirs) {
        Ok(rules) => body(&rules),
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(*error));
            EXIT_ERROR
        }
    }
}

fn read_source(path: &Path, stdin_name: Option<&Path>) -> Result<SourceFile, String> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("无法读取标准输入：{e}"))?;
        let name = stdin_name.unwrap_or(Path::new("<stdin>"));
        return SourceFile::from_bytes(name, &bytes).map_err(|e| e.to_string());
    }
    SourceFile::read(path).map_err(|e| e.to_string())
}

fn check(args: CheckArgs) -> i32 {
    with_rules(&args.rule_dirs, |rules| {
        let selection = Selection {
            select: args.select.clone(),
            ignore: args.ignore.clone(),
        };
        let unknown: Vec<&str> = selection.unknown_codes(rules).collect();
        if !unknown.is_empty() {
            eprintln!(
                "gwlint: 未知的规则或类别：{}（`gwlint rules` 列出全部规则）",
                unknown.join("、")
            );
            return EXIT_ERROR;
        }
        let options = Options {
            selection,
            overrides: Overrides {
                doc_type: args.doc_type,
                date: args.date,
            },
        };
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        let mut failed = false;
        let mut results = Vec::new();
        let (stdin, on_disk): (Vec<PathBuf>, Vec<PathBuf>) =
            paths.into_iter().partition(|p| p == Path::new("-"));
        if !stdin.is_empty() {
            match read_source(Path::new("-"), args.stdin_filename.as_deref()) {
                Ok(source) => results.push(engine::check_source(rules, &options, source)),
                Err(message) => {
                    eprintln!("gwlint: {message}");
                    failed = true;
                }
            }
        }
        if !on_disk.is_empty() {
            let (files, walk_errors) = engine::collect_files(&on_disk);
            for error in walk_errors {
                eprintln!("gwlint: {error}");
                failed = true;
            }
            results.extend(engine::check_files(rules, &options, &files));
        }
        let mut files = Vec::new();
        for result in results {
            match result {
                Ok(file) => files.push(file),
                Err(error) => {
                    eprintln!("gwlint: {error}");
                    failed = true;
                }
            }
        }
        let output = match args.format {
            Format::Json => report::json::render(&files),
            Format::Human => {
                let color =
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                report::human::render(&files, &HumanOptions { color, width: 100 })
            }
        };
        emit(&output);
        let fails =
            |s: Severity| s == Severity::Error || (args.deny_warnings && s == Severity::Warning);
        if failed {
            EXIT_ERROR
        } else if files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .any(|d| fails(d.severity))
        {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        }
    })
}

/// Writes to stdout; a closed pipe (`gwlint … | head`) is not an error.
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(EXIT_CLEAN);
        }
        eprintln!("gwlint: 无法写出结果：{error}");
        std::process::exit(EXIT_ERROR);
    }
}

fn rules_table(rules: &RuleSet) -> String {
    let width = rules.rules.iter().map(|r| r.id().len()).max().unwrap_or(0);
    let row = |cells: [&str; 5]| {
        let [id, kind, severity, fix, summary] = cells;
        format!("{}  {}  {}  {}  {summary}\n", pad(id, width), pad(kind, 12), pad(severity, 7), pad(fix, 7))
    };
    let mut out = row(["规则", "类型", "级别", "修复", "说明"]);
    for rule in &rules.rules {
        let meta = &rule.meta;
        let fixable = meta.fix.as_ref().map_or("-", |f| f.applicability.as_str());
        let first_sentence: String = meta
            .explain
            .split_inclusive('。')
            .next()
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .collect();
        let first_sentence = match first_sentence.char_indices().nth(48) {
            Some((cut, _)) => format!("{}…", &first_sentence[..cut]),
            None => first_sentence,
        };
        let summary = if meta.default_enabled {
            first_sentence.to_string()
        } else {
            format!("{first_sentence}（默认关闭）")
        };
        out.push_str(&row([meta.id, meta.kind, meta.severity.as_str(), fixable, &summary]));
    }
    out.push_str(&format!("共 {} 条规则\n", rules.rules.len()));
    out
}

/// Pads to `width` terminal columns, counting CJK characters as two.
fn pad(text: &str, width: usize) -> String {
    let columns: usize = text.chars().map(|c| if c as u32 >= 0x1100 { 2 } else { 1 }).sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(columns)))
}

fn explain(rule: &crate::rules::Rule) -> String {
    let meta = &rule.meta;
    let mut out = format!(
        "{}（{}，{}）\n\n",
        meta.id,
        meta.kind,
        meta.severity.label_zh()
    );
    out.push_str(meta.explain.trim_end());
    out.push_str("\n\n");
    out.push_str(&format!("提示信息：{}\n", meta.message.source()));
    if let Some(help) = &meta.help {
        out.push_str(&format!("修改建议：{}\n", help.source()));
    }
    match &meta.fix {
        Some(fix) if fix.applicability == crate::diagnostic::Applicability::Safe => {
            out.push_str("自动修复：安全（--fix 直接修复）\n")
        }
        Some(_) => out.push_str("自动修复：建议（需 --fix --unsafe-fixes）\n"),
        None => out.push_str("自动修复：无\n"),
    }
    if !meta.doc_types.is_empty() {
        out.push_str(&format!("适用文种：{:?}\n", meta.doc_types).to_lowercase());
    }
    if !meta.default_enabled {
        out.push_str(&format!("默认关闭：用 --select {} 启用\n", meta.id));
    }
    out.push_str("\n违规示例：\n");
    for example in &meta.examples.invalid {
        out.push_str(&format!("  ✗ {}\n", example.replace('\n', "⏎")));
    }
    out.push_str("正确示例：\n");
    for example in &meta.examples.valid {
        out.push_str(&format!("  ✓ {}\n", example.replace('\n', "⏎")));
    }
    out
}
