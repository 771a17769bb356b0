//! The command line (clap): `check`, `rules`, `explain`, `parse`. Maps every outcome to an exit
//! code in one place: 0 clean, 1 findings that fail the run, 2 usage, I/O, encoding or
//! configuration errors. Reports go to stdout, errors to stderr.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::model::{DocDate, DocType};
use crate::parse::parse;
use crate::report;
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
    /// 生成审核用的 HTML 报告：原文上标出每个问题，可按级别和规则筛选
    Report {
        /// 报告写到这个文件
        #[arg(long, value_name = "OUT.html")]
        html: PathBuf,
        #[command(flatten)]
        check: CheckArgs,
    },
    /// 把检查结果作为 Word 批注写入 .docx 的副本（原文件不变）
    Annotate {
        /// 要检查的 .docx
        input: PathBuf,
        /// 加了批注的副本写到这里
        #[arg(short, long, value_name = "OUT.docx")]
        output: PathBuf,
        #[command(flatten)]
        check: CheckArgs,
    },
    /// 在当前目录写一个带注释的 gwlint.yaml
    Init,
    /// 显示某个文件的生效设置（配置文件、启用的规则、级别调整、文种和日期）
    Config {
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
        config: Option<PathBuf>,
        #[arg(long)]
        isolated: bool,
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
    /// 要检查的文件或目录，默认当前目录；`-` 读标准输入
    paths: Vec<PathBuf>,
    /// 报告格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// 另外把某种格式的报告写到文件，可重复，如 --report-to sarif=gwlint.sarif
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_report_to)]
    report_to: Vec<(Format, PathBuf)>,
    /// 从文件读取要检查的路径，每行一个；`-` 从标准输入读取
    #[arg(long, value_name = "FILE")]
    files_from: Option<PathBuf>,
    /// 只检查第 I 份（共 N 份）文件：按路径确定地分片，供多台机器或 CI 矩阵分担
    #[arg(long, value_name = "I/N", value_parser = crate::workspace::Shard::parse)]
    shard: Option<crate::workspace::Shard>,
    /// 缓存目录：文件内容、规则和设置都未变时，直接取用上次的检查结果
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// 只启用这些规则或类别（逗号分隔，如 punct,numbering/gap），取代配置文件中的 select
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    select: Option<Vec<String>>,
    /// 在已选规则之外再启用这些规则或类别
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    extend_select: Vec<String>,
    /// 停用这些规则或类别
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    ignore: Vec<String>,
    /// 额外的规则包目录（YAML）
    #[arg(long = "rules", value_name = "DIR")]
    rule_dirs: Vec<PathBuf>,
    /// 使用这个配置文件，不再查找 gwlint.yaml
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// 忽略所有配置文件
    #[arg(long)]
    isolated: bool,
    /// 指定文种，不自动判断
    #[arg(long, value_name = "TYPE", value_parser = parse_doc_type)]
    doc_type: Option<DocType>,
    /// 指定文档日期（2021、2021-03 或 2021-03-31）
    #[arg(long, value_parser = parse_date)]
    date: Option<DocDate>,
    /// 应用安全的自动修复（就地改写文件；读标准输入时把修复后的文本写到标准输出）
    #[arg(long)]
    fix: bool,
    /// 与 --fix 或 --diff 一起使用：也应用“建议”级的修复
    #[arg(long)]
    unsafe_fixes: bool,
    /// 只显示修复会带来的改动（统一 diff 格式），不写文件；有可修复的内容时退出码为 1
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// 只报告基线文件中没有的问题
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// 把当前全部问题写入基线文件
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// 按规则统计问题数，不逐条列出
    #[arg(long)]
    statistics: bool,
    /// 有警告时也以退出码 1 结束
    #[arg(long)]
    deny_warnings: bool,
    /// 有问题时也以退出码 0 结束（出错时仍为 2）
    #[arg(long)]
    exit_zero: bool,
    /// 只输出问题本身，不输出汇总
    #[arg(long, short)]
    quiet: bool,
    /// 把报告写到文件而不是标准输出
    #[arg(long, value_name = "FILE")]
    output_file: Option<PathBuf>,
    /// 显示某个文件的生效设置后退出
    #[arg(long)]
    show_settings: bool,
    /// 从标准输入读取时使用的文件名（用于匹配配置和显示）
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    JsonLines,
    Concise,
    Sarif,
    Github,
    Gitlab,
    Rdjson,
    Junit,
    Html,
}

fn parse_report_to(text: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = text
        .split_once('=')
        .filter(|(_, path)| !path.is_empty())
        .ok_or_else(|| format!("“{text}”应写成 格式=文件，如 sarif=gwlint.sarif"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!("未知的报告格式“{format}”，可选：{}", names.join("、"))
    })?;
    Ok((format, PathBuf::from(path)))
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

mod check;

fn init() -> i32 {
    let path = Path::new(crate::config::FILE_NAMES[0]);
    if path.exists() {
        eprintln!("gwlint: {} 已存在，未改动", path.display());
        return EXIT_ERROR;
    }
    match std::fs::write(path, crate::config::TEMPLATE) {
        Ok(()) => {
            println!("已写入 {}（全部设置均为注释，按需启用）", path.display());
            EXIT_CLEAN
        }
        Err(error) => {
            eprintln!("gwlint: 无法写入 {}：{error}", path.display());
            EXIT_ERROR
        }
    }
}

pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Report { html, mut check } => {
            check.format = Format::Html;
            check.output_file = Some(html);
            check::run(check)
        }
        Command::Annotate {
            input,
            output,
            mut check,
        } => {
            check.paths = vec![input.clone()];
            check::annotate(check, &input, &output)
        }
        Command::Init => init(),
        Command::Config {
            path,
            config,
            isolated,
        } => check::show_settings(&path, config.as_deref(), isolated, &[]),
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
    match RuleSet::with_user_packs(dirs, crate::engine::check_rule) {
        // The process ends with the command: freeing every compiled rule first would be a
        // tenth of a run over an empty file.
        Ok(rules) => body(&std::mem::ManuallyDrop::new(rules)),
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
        eprintln!("gwlint: 无法写出结果：{}", crate::io_error::reason(&error));
        std::process::exit(EXIT_ERROR);
    }
}

fn rules_table(rules: &RuleSet) -> String {
    let width = rules.rules.iter().map(|r| r.id().len()).max().unwrap_or(0);
    let row = |cells: [&str; 5]| {
        let [id, kind, severity, fix, summary] = cells;
        format!(
            "{}  {}  {}  {}  {summary}\n",
            pad(id, width),
            pad(kind, 12),
            pad(severity, 7),
            pad(fix, 7)
        )
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
        out.push_str(&row([
            meta.id,
            meta.kind,
            meta.severity.as_str(),
            fixable,
            &summary,
        ]));
    }
    out.push_str(&format!("共 {} 条规则\n", rules.rules.len()));
    out
}

/// Pads to `width` terminal columns, counting CJK characters as two.
fn pad(text: &str, width: usize) -> String {
    let columns: usize = text
        .chars()
        .map(|c| if c as u32 >= 0x1100 { 2 } else { 1 })
        .sum();
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
    if let Some(source) = &meta.source {
        out.push_str(&format!(
            "来源：{}（{}）\n",
            source.clause,
            source.level.label()
        ));
    }
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
