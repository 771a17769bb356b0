//! `gwlint check`: configs → rules → files → check → fix or diff → baseline → report → exit code.
//!
//! The files stream: `workspace` reads and checks them on every core, a bounded window at a
//! time; the same worker fixes and filters the result (baseline) and renders it for every
//! output, and the result and its renderings are handed to every output's emitter in path order
//! as soon as they are ready, then dropped (the buffers go back to a pool).

use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use super::{emit, with_rules, CheckArgs, Format, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::baseline::Baseline;
use crate::config::{options_for, CliSettings, Config};
use crate::diagnostic::{Applicability, Severity};
use crate::engine::{check_source, FileResult};
use crate::fix::{fix_file, unified_diff, write_file};
use crate::report::{self, human::HumanOptions, Emitter, Failure, FileReport, Render};
use crate::rules::RuleSet;
use crate::source::{LineIndex, SourceFile};
use crate::workspace::{self, Configs, Job};
use crate::yaml::YamlError;

const STDIN: &str = "-";

fn fail_yaml(error: YamlError) -> i32 {
    eprintln!("{:?}", miette::Report::new(error));
    EXIT_ERROR
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
    let config = config.and_then(|p| configs.get(&p));
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
    let mut paths = args.paths.clone();
    if let Some(list) = &args.files_from {
        match workspace::read_list(list) {
            Ok(listed) => paths.extend(listed),
            Err(error) => {
                eprintln!("gwlint: {error}");
                return EXIT_ERROR;
            }
        }
    } else if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let read_stdin = paths.iter().any(|p| p == Path::new(STDIN));
    let on_disk: Vec<PathBuf> = paths
        .into_iter()
        .filter(|p| p != Path::new(STDIN))
        .collect();
    let mut failures = Vec::new();
    let (mut walked, walk_errors) = if on_disk.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        workspace::collect_files(&on_disk)
    };
    for error in walk_errors {
        eprintln!("gwlint: {error}");
        failures.push(Failure {
            path: error.path().to_path_buf(),
            message: error.to_string(),
        });
    }
    if let Some(shard) = args.shard {
        walked.retain(|path| shard.holds(path));
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

    // Each file's config, found once; its options resolved once.
    let explicit_files: Vec<&PathBuf> = on_disk.iter().filter(|p| p.is_file()).collect();
    let mut jobs: Vec<Job> = Vec::with_capacity(walked.len() + 1);
    let stdin_job = read_stdin.then_some(&stdin_name);
    for file in walked.iter().chain(stdin_job) {
        let stdin = read_stdin && file == &stdin_name && !walked.contains(file);
        let config = match configs.for_file(file) {
            Ok(config) => config,
            Err(error) => return fail_yaml(*error),
        };
        if config.is_some_and(|c| c.is_excluded(file)) && !explicit_files.contains(&file) {
            continue;
        }
        let mut job = Job::new(file.clone(), config, &cli);
        job.stdin = stdin;
        jobs.push(job);
    }
    jobs.sort_by(|a, b| a.path.cmp(&b.path));
    let rule_dirs = configs.rule_dirs(&args.rule_dirs);
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
        let cache = match &args.cache_dir {
            Some(dir) => match workspace::Cache::new(dir, &rule_packs(&rule_dirs)) {
                Ok(cache) => Some(cache),
                Err(error) => {
                    eprintln!("gwlint: 无法使用缓存目录 {}：{error}", dir.display());
                    return EXIT_ERROR;
                }
            },
            None => None,
        };
        Run::new(rules, &args, cache).map_or(EXIT_ERROR, |run| run.stream(&jobs, failures))
    })
}

/// Where an output goes.
enum Sink {
    Stdout,
    Stderr,
    File(PathBuf, std::io::BufWriter<std::fs::File>),
}

/// One report of the run: a format's emitter and where it writes (its renderer is the
/// checker's).
struct Output<'r> {
    emitter: Box<dyn Emitter + 'r>,
    sink: Sink,
}

/// What checking one file gave, ready to be reported.
enum Checked {
    File(Box<Done>),
    Failed(Failure),
}

/// The buffer before stdout or a report file. A file's rendering at least this long is written
/// as it is, not copied into the buffer first: a JSON report is mostly such files.
const OUTPUT_BUFFER: usize = 64 << 10;

/// What the results waiting to be written may hold together (text and renderings) before no
/// further file starts: a run of large reports behind one slow file stays within the budget.
const WAITING_BYTES: usize = 4 << 20;

impl Checked {
    /// About the memory the result holds: its text and its renderings.
    fn bytes(&self) -> usize {
        match self {
            Checked::File(done) => {
                let rendered = done
                    .rendered
                    .as_ref()
                    .map_or(0, |r| r.iter().map(Vec::capacity).sum());
                done.result.document.text.len() + rendered
            }
            Checked::Failed(_) => 0,
        }
    }
}

struct Done {
    result: FileResult,
    index: LineIndex,
    /// Fixes applied (or, with `--diff`, that would be).
    fixed: usize,
    /// `--diff`: the file's diff.
    diff: Option<String>,
    /// `--fix` on stdin: the fixed bytes, which go to stdout.
    fixed_stdin: Option<Vec<u8>>,
    /// Findings the baseline held.
    suppressed: usize,
    notes: Vec<String>,
    /// What each output's renderer made of the file.
    rendered: std::io::Result<Vec<Vec<u8>>>,
}

/// Counters of the whole run, for the notes and the exit code.
#[derive(Default)]
struct Tally {
    failed: bool,
    fixed: usize,
    would_change: usize,
    suppressed: usize,
    remaining: usize,
    fails: bool,
    notes: Vec<String>,
}

/// A run: what each file goes through (on any thread), and the outputs (on the calling one).
struct Run<'a> {
    checker: Checker<'a>,
    reports: Reports<'a>,
}

/// Checking, fixing, filtering and rendering one file.
struct Checker<'a> {
    rules: &'a RuleSet,
    args: &'a CheckArgs,
    baseline: Option<Baseline>,
    min: Option<Applicability>,
    cache: Option<workspace::Cache>,
    /// Each output's renderer, in the order of `Reports::outputs`.
    renders: Vec<Option<Box<dyn Render + 'a>>>,
    buffers: Buffers,
}

/// Render buffers, handed back once their bytes are written, so that a buffer grows once to the
/// size of a large file's report rather than for every file. One per thread is kept.
#[derive(Default)]
struct Buffers(std::sync::Mutex<Vec<Vec<u8>>>);

impl Buffers {
    /// A buffer kept above this size is dropped instead, so that one huge file does not hold
    /// its report's memory for the rest of the run.
    const KEEP: usize = 4 << 20;

    fn take(&self) -> Vec<u8> {
        let mut buffers = self.0.lock().unwrap_or_else(|e| e.into_inner());
        buffers.pop().unwrap_or_default()
    }

    fn give(&self, buffers: impl IntoIterator<Item = Vec<u8>>) {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let most = rayon::current_num_threads();
        for mut buffer in buffers {
            if buffer.capacity() <= Self::KEEP && kept.len() < most {
                buffer.clear();
                kept.push(buffer);
            }
        }
    }
}

/// The outputs and what is recorded of every file.
struct Reports<'a> {
    args: &'a CheckArgs,
    outputs: Vec<Output<'a>>,
    recording: Option<Baseline>,
}

impl<'a> Run<'a> {
    fn new(
        rules: &'a RuleSet,
        args: &'a CheckArgs,
        cache: Option<workspace::Cache>,
    ) -> Option<Self> {
        let baseline = match &args.baseline {
            Some(path) => match Baseline::load(path) {
                Ok(baseline) => Some(baseline),
                Err(message) => {
                    eprintln!("gwlint: {message}");
                    return None;
                }
            },
            None => None,
        };
        let recording = args.write_baseline.as_deref().map(Baseline::recording);
        let min = (args.fix || args.diff).then_some(if args.unsafe_fixes {
            Applicability::Suggest
        } else {
            Applicability::Safe
        });
        let mut outputs = Vec::new();
        let mut renders = Vec::new();
        let mut add = |format: report::Format<'a>, sink: Sink| {
            renders.push(format.render);
            outputs.push(Output {
                emitter: format.emitter,
                sink,
            });
        };
        if recording.is_none() {
            // With `--fix` on stdin, stdout carries the fixed text and the report moves to stderr.
            let main_sink = match &args.output_file {
                Some(path) => open(path)?,
                None if args.fix && args.paths.iter().any(|p| p == Path::new(STDIN)) => {
                    Sink::Stderr
                }
                None => Sink::Stdout,
            };
            let terminal = matches!(main_sink, Sink::Stdout);
            add(
                format(rules, args, args.format, args.statistics, terminal)?,
                main_sink,
            );
            for (kind, path) in &args.report_to {
                add(format(rules, args, *kind, false, false)?, open(path)?);
            }
        }
        Some(Run {
            checker: Checker {
                rules,
                args,
                baseline,
                min,
                cache,
                renders,
                buffers: Buffers::default(),
            },
            reports: Reports {
                args,
                outputs,
                recording,
            },
        })
    }

    /// Checks every job, streaming the reports; returns the exit code.
    fn stream(self, jobs: &[Job], failures: Vec<Failure>) -> i32 {
        let Run {
            checker,
            mut reports,
        } = self;
        let mut stdout = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, std::io::stdout().lock());
        let mut tally = Tally::default();
        let mut result = reports.each(&mut stdout, |emitter, out| emitter.begin(out));
        for failure in &failures {
            tally.failed = true;
            result =
                result.and_then(|()| reports.each(&mut stdout, |e, out| e.failure(failure, out)));
        }
        if let Err(error) = result {
            return reports.write_failed(error, &tally);
        }
        let threads = rayon::current_num_threads();
        // A run over many files needs nearly every regex, and compiles them on all threads
        // first; a few files compile only those their text needs.
        if let Some(first) = jobs.first().filter(|_| jobs.len() > 8 * threads) {
            crate::engine::compile_regexes(checker.rules, &first.options);
        }
        let window = workspace::Window {
            jobs: threads * 8,
            running: threads + 1,
            weight: WAITING_BYTES,
        };
        let mut error = None;
        workspace::in_order(
            jobs,
            window,
            |job| checker.check(job),
            Checked::bytes,
            |checked| match reports.take(checked, &mut stdout, &mut tally, &checker.buffers) {
                Ok(()) => ControlFlow::Continue(()),
                Err(e) => {
                    error = Some(e);
                    ControlFlow::Break(())
                }
            },
        );
        if let Some(error) = error {
            return reports.write_failed(error, &tally);
        }
        checker.finish_notes(&mut tally);
        let notes_on_stdout = !reports.args.quiet
            && reports.args.format == Format::Human
            && !reports.args.statistics
            && matches!(reports.outputs.first().map(|o| &o.sink), Some(Sink::Stdout));
        let mut result = reports.each(&mut stdout, |emitter, out| emitter.end(out));
        if result.is_ok() && !reports.args.quiet {
            if notes_on_stdout {
                result = tally
                    .notes
                    .iter()
                    .try_for_each(|note| writeln!(stdout, "{note}"));
            } else {
                for note in &tally.notes {
                    eprintln!("{note}");
                }
            }
        }
        let result = result.and_then(|()| reports.flush(&mut stdout));
        if let Err(error) = result {
            return reports.write_failed(error, &tally);
        }
        if let Some(recording) = &reports.recording {
            let path = reports.args.write_baseline.as_deref().expect("recording");
            let count = recording.total();
            return match std::fs::write(path, recording.to_json()) {
                Ok(()) => {
                    eprintln!("已把 {count} 个问题写入基线 {}", path.display());
                    if tally.failed {
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
        exit_code(reports.args, &tally)
    }
}

impl Checker<'_> {
    /// Reads, checks, fixes and filters one file (on a worker thread).
    fn check(&self, job: &Job) -> Checked {
        let result = if job.stdin {
            read_stdin_source(&job.path).and_then(|source| {
                check_source(self.rules, &job.options, source).map_err(|e| e.to_string())
            })
        } else if let Some(cache) = &self.cache {
            job.check_cached(self.rules, cache)
                .map_err(|e| e.to_string())
        } else {
            job.check(self.rules).map_err(|e| e.to_string())
        };
        let result = match result {
            Ok(result) => result,
            Err(message) => {
                return Checked::Failed(Failure {
                    path: job.path.clone(),
                    message,
                })
            }
        };
        let done = Done {
            result,
            index: LineIndex::new(""),
            fixed: 0,
            diff: None,
            fixed_stdin: None,
            suppressed: 0,
            notes: Vec::new(),
            rendered: Ok(Vec::new()),
        };
        let mut done = match self.min {
            Some(min) => match self.fix(job, done, min) {
                Ok(done) => done,
                Err(failure) => return Checked::Failed(failure),
            },
            None => done,
        };
        if let Some(baseline) = &self.baseline {
            done.suppressed = baseline.apply_file(&mut done.result);
        }
        done.index = LineIndex::new(&done.result.document.text);
        done.rendered = self.render(&done);
        Checked::File(Box::new(done))
    }

    /// Renders the file for every output that renders files.
    fn render(&self, done: &Done) -> std::io::Result<Vec<Vec<u8>>> {
        let report = FileReport {
            result: &done.result,
            index: &done.index,
        };
        let mut rendered = Vec::with_capacity(self.renders.len());
        for render in &self.renders {
            let mut buffer = self.buffers.take();
            if let Some(render) = render {
                render.render(&report, &mut buffer)?;
            }
            rendered.push(buffer);
        }
        Ok(rendered)
    }

    /// `--fix` and `--diff` on one file.
    fn fix(&self, job: &Job, mut done: Done, min: Applicability) -> Result<Done, Failure> {
        let failure = |message: String| Failure {
            path: job.path.clone(),
            message,
        };
        let fixable = done
            .result
            .diagnostics
            .iter()
            .any(|d| d.fix.as_ref().is_some_and(|f| f.applicability >= min));
        if !fixable {
            return Ok(done);
        }
        if done.result.source.encoding == crate::source::Encoding::Docx {
            done.notes.push(format!(
                "{}：不支持对 .docx 使用 --fix 或 --diff；可用 gwlint annotate 生成带批注的副本",
                job.path.display()
            ));
            return Ok(done);
        }
        let fixed = fix_file(self.rules, &job.options, done.result, min)
            .map_err(|e| failure(e.to_string()))?;
        done.fixed = fixed.applied;
        if let Some(reason) = fixed.stopped_early {
            done.notes.push(format!("{}：{reason}", job.path.display()));
        }
        if self.args.diff {
            if fixed.applied > 0 {
                done.diff = Some(unified_diff(
                    &job.path.display().to_string(),
                    &fixed.original,
                    &fixed.result.source.text,
                ));
            }
            // --diff writes nothing: report the file as it is on disk.
            let source = SourceFile {
                text: fixed.original.clone(),
                ..fixed.result.source.clone()
            };
            done.result = check_source(self.rules, &job.options, source)
                .map_err(|e| failure(e.to_string()))?;
            return Ok(done);
        }
        let bytes = fixed
            .result
            .source
            .encoding
            .encode(&fixed.result.source.text);
        if job.stdin {
            done.fixed_stdin = Some(bytes);
        } else if fixed.applied > 0 {
            write_file(&job.path, &bytes).map_err(|error| failure(error.to_string()))?;
        }
        done.result = fixed.result;
        Ok(done)
    }

    fn finish_notes(&self, tally: &mut Tally) {
        if let Some(baseline) = &self.baseline {
            if tally.suppressed > 0 {
                tally
                    .notes
                    .push(format!("基线中已有 {} 个问题，未再报告", tally.suppressed));
            }
            let stale = baseline.total().saturating_sub(tally.suppressed);
            if stale > 0 {
                tally.notes.push(format!(
                    "基线中有 {stale} 个问题已不再出现（已修复或已改动），可用 --write-baseline 更新基线"
                ));
            }
        }
        if self.min.is_some() {
            let fixable_word = if self.args.diff {
                "可修复"
            } else {
                "已修复"
            };
            tally.notes.push(format!(
                "{fixable_word} {} 处，剩余 {} 处",
                tally.fixed, tally.remaining
            ));
        }
    }
}

impl Reports<'_> {
    /// Hands one file's outcome to every output (on the calling thread, in path order).
    fn take(
        &mut self,
        checked: Checked,
        stdout: &mut dyn Write,
        tally: &mut Tally,
        buffers: &Buffers,
    ) -> std::io::Result<()> {
        let done = match checked {
            Checked::Failed(failure) => {
                eprintln!("gwlint: {}", failure.message);
                tally.failed = true;
                return self.each(stdout, |emitter, out| emitter.failure(&failure, out));
            }
            Checked::File(done) => done,
        };
        tally.fixed += done.fixed;
        tally.suppressed += done.suppressed;
        tally.notes.extend(done.notes.iter().cloned());
        tally.remaining += done.result.diagnostics.len();
        let deny = self.args.deny_warnings;
        tally.fails |=
            done.result.diagnostics.iter().any(|d| {
                d.severity == Severity::Error || (deny && d.severity == Severity::Warning)
            });
        if let Some(recording) = &mut self.recording {
            recording.record_file(&done.result);
        }
        if let Some(diff) = &done.diff {
            tally.would_change += 1;
            stdout.write_all(diff.as_bytes())?;
        }
        if let Some(bytes) = &done.fixed_stdin {
            stdout.write_all(bytes)?;
        }
        let report = FileReport {
            result: &done.result,
            index: &done.index,
        };
        let rendered = done.rendered?;
        let mut outputs = rendered.iter();
        let written = self.each(stdout, |emitter, out| {
            let rendered = outputs.next().expect("one rendering per output");
            emitter.file(&report, rendered, out)
        });
        buffers.give(rendered);
        written
    }

    /// Runs `step` on every output with its writer.
    fn each(
        &mut self,
        stdout: &mut dyn Write,
        mut step: impl FnMut(&mut dyn Emitter, &mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        for output in &mut self.outputs {
            let result = match &mut output.sink {
                Sink::Stdout => step(output.emitter.as_mut(), stdout),
                Sink::Stderr => step(output.emitter.as_mut(), &mut std::io::stderr().lock()),
                Sink::File(path, file) => step(output.emitter.as_mut(), file).map_err(|error| {
                    std::io::Error::new(
                        error.kind(),
                        format!("无法写入 {}：{error}", path.display()),
                    )
                }),
            };
            result?;
        }
        Ok(())
    }

    fn flush(&mut self, stdout: &mut dyn Write) -> std::io::Result<()> {
        stdout.flush()?;
        for output in &mut self.outputs {
            if let Sink::File(path, file) = &mut output.sink {
                file.flush().map_err(|error| {
                    std::io::Error::new(
                        error.kind(),
                        format!("无法写入 {}：{error}", path.display()),
                    )
                })?;
            }
        }
        Ok(())
    }

    /// A report could not be written. A closed pipe on stdout (`gwlint check | head`) ends the
    /// run quietly with the exit code the findings so far call for; anything else is an error.
    fn write_failed(&mut self, error: std::io::Error, tally: &Tally) -> i32 {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            let tally = Tally {
                failed: tally.failed,
                fails: tally.fails,
                would_change: tally.would_change,
                ..Tally::default()
            };
            return exit_code(self.args, &tally);
        }
        eprintln!("gwlint: 无法写出结果：{}", crate::io_error::reason(&error));
        EXIT_ERROR
    }
}

/// The text of every rule pack a run loads, built-in and from `dirs`: what the cache keys share.
fn rule_packs(dirs: &[PathBuf]) -> Vec<(String, String)> {
    let mut packs: Vec<(String, String)> = crate::rules::builtin_packs()
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            packs.push((file.display().to_string(), text));
        }
    }
    packs
}

fn open(path: &Path) -> Option<Sink> {
    match std::fs::File::create(path) {
        Ok(file) => Some(Sink::File(
            path.to_path_buf(),
            std::io::BufWriter::with_capacity(OUTPUT_BUFFER, file),
        )),
        Err(error) => {
            eprintln!("gwlint: 无法写入 {}：{error}", path.display());
            None
        }
    }
}

fn format<'r>(
    rules: &'r RuleSet,
    args: &CheckArgs,
    format: Format,
    statistics: bool,
    terminal: bool,
) -> Option<report::Format<'r>> {
    use report::statistics::Shape;
    if statistics {
        let shape = match format {
            Format::Json => Shape::Json,
            Format::JsonLines => Shape::JsonLines,
            _ => Shape::Table,
        };
        return Some(report::statistics::format(shape));
    }
    let spooled = |made: std::io::Result<report::Format<'r>>| {
        made.map_err(|error| eprintln!("gwlint: 无法创建临时文件：{error}"))
            .ok()
    };
    Some(match format {
        Format::Human => {
            let color = terminal
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            report::human::format(&HumanOptions {
                color,
                width: 100,
                quiet: args.quiet,
            })
        }
        Format::Json => report::json::format(Some(rules)),
        Format::JsonLines => report::json_lines::format(rules),
        Format::Concise => report::Format::stateless(report::concise::Concise),
        Format::Github => report::Format::stateless(report::github::Github),
        Format::Gitlab => report::gitlab::format(),
        Format::Rdjson => report::rdjson::format(),
        Format::Sarif => spooled(report::sarif::format(rules))?,
        Format::Junit => spooled(report::junit::format())?,
        Format::Html => report::html::format(rules),
    })
}

fn read_stdin_source(name: &Path) -> Result<SourceFile, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| format!("无法读取标准输入：{e}"))?;
    SourceFile::from_bytes(name, &bytes).map_err(|e| e.to_string())
}

fn exit_code(args: &CheckArgs, tally: &Tally) -> i32 {
    if tally.failed {
        return EXIT_ERROR;
    }
    if args.exit_zero {
        return EXIT_CLEAN;
    }
    if args.diff {
        return if tally.would_change > 0 {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        };
    }
    if tally.fails {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
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
