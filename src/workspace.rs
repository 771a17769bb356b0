//! The files of a run and their settings: paths on the command line or in a list
//! (`--files-from`), folders walked (honouring .gitignore), a deterministic shard of them
//! (`--shard I/N`), each file's config found once and its options resolved once, and each file
//! read and handed to `engine`. Nothing here renders anything.

mod cache;

use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::config::{options_for, CliSettings, Config, ConfigCache};
use crate::engine::{check_source, CheckError, FileResult, Options};
use crate::rules::RuleSet;
use crate::source::SourceFile;
use crate::yaml::YamlError;

pub use cache::Cache;

/// File extensions gwlint reads when it walks a folder.
pub const EXTENSIONS: &[&str] = &["txt", "md", "docx"];

#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// A named path that is neither a file nor a folder that can be walked, and why.
    #[error("{path}: {reason}")]
    Unreachable { path: PathBuf, reason: String },
    #[error("{0}: 目录中没有可检查的文件（.txt、.md、.docx）")]
    Empty(PathBuf),
    /// An entry inside a folder that could not be read; the reason is in words for the user
    /// (`ignore`'s own are English).
    #[error("遍历目录出错：{reason}")]
    Walk { path: PathBuf, reason: String },
    #[error("{path}: 无法读取文件列表：{}", crate::io_error::reason(.source))]
    List {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
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
            errors.push(unreachable(path));
            continue;
        }
        let before = (files.len(), errors.len());
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
                Err(error) => errors.push(WalkError::Walk {
                    path: path.clone(),
                    reason: walk_reason(&error),
                }),
            }
        }
        // A folder whose entries could not be read is not "empty": its errors say why.
        if (files.len(), errors.len()) == before {
            errors.push(WalkError::Empty(path.clone()));
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

impl WalkError {
    /// The path the error is about, for the reports' file-level errors.
    pub fn path(&self) -> &Path {
        match self {
            WalkError::Unreachable { path, .. }
            | WalkError::Empty(path)
            | WalkError::Walk { path, .. }
            | WalkError::List { path, .. } => path,
        }
    }
}

/// Why a named path can be read neither as a file nor walked as a folder: missing, a dangling
/// or looping symbolic link, a folder above it that cannot be entered.
fn unreachable(path: &Path) -> WalkError {
    let reason = match std::fs::metadata(path) {
        Err(error)
            if error.kind() == std::io::ErrorKind::NotFound
                && std::fs::symlink_metadata(path).is_ok() =>
        {
            "符号链接指向的路径不存在".to_string()
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => "路径不存在".to_string(),
        Err(error) => crate::io_error::reason(&error),
        Ok(_) => "不是普通文件或目录".to_string(),
    };
    WalkError::Unreachable {
        path: path.to_path_buf(),
        reason,
    }
}

/// An error from walking a folder, in words for the user.
fn walk_reason(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { path, err } => {
            format!("{}: {}", path.display(), walk_reason(err))
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_reason(err)
        }
        ignore::Error::Loop { child, .. } => format!("{}: 符号链接形成循环", child.display()),
        ignore::Error::Io(io) => crate::io_error::reason(io),
        ignore::Error::Partial(errors) => errors
            .iter()
            .map(walk_reason)
            .collect::<Vec<_>>()
            .join("；"),
        other => format!("忽略规则无法读取（{other}）"),
    }
}

/// `--files-from`: one path a line (blank lines skipped), from a file or from stdin (`-`).
pub fn read_list(list: &Path) -> Result<Vec<PathBuf>, WalkError> {
    let error = |source| WalkError::List {
        path: list.to_path_buf(),
        source,
    };
    let lines: Vec<String> = if list == Path::new("-") {
        std::io::stdin().lock().lines().collect::<Result<_, _>>()
    } else {
        let file = std::fs::File::open(list).map_err(error)?;
        std::io::BufReader::new(file)
            .lines()
            .collect::<Result<_, _>>()
    }
    .map_err(|source| WalkError::List {
        path: list.to_path_buf(),
        source,
    })?;
    Ok(lines
        .iter()
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| !line.trim().is_empty())
        .map(PathBuf::from)
        .collect())
}

/// `--shard I/N`: the I-th of N disjoint parts of the files (1-based). A file's part depends
/// on its path alone, so every machine of a matrix agrees on it without talking to the others,
/// and the parts of one file list add up to the whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = || format!("无法识别的分片“{text}”，应写成 I/N，如 1/4（1 ≤ I ≤ N）");
        let (index, count) = text.split_once('/').ok_or_else(invalid)?;
        let index: u64 = index.trim().parse().map_err(|_| invalid())?;
        let count: u64 = count.trim().parse().map_err(|_| invalid())?;
        if count == 0 || index == 0 || index > count {
            return Err(invalid());
        }
        Ok(Shard { index, count })
    }

    pub fn holds(self, path: &Path) -> bool {
        let hash = crate::baseline::fnv1a(&[&path.to_string_lossy()]);
        let hash = u64::from_str_radix(&hash, 16).expect("a hex hash");
        hash % self.count == self.index - 1
    }
}

/// Where each file's config comes from: `--config`, discovery, or nowhere (`--isolated`).
pub struct Configs {
    pub cache: ConfigCache,
    explicit: Option<PathBuf>,
    isolated: bool,
}

impl Configs {
    pub fn new(explicit: Option<&Path>, isolated: bool) -> Result<Self, Box<YamlError>> {
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

    pub fn for_file(&mut self, file: &Path) -> Result<Option<&Config>, Box<YamlError>> {
        if self.isolated {
            return Ok(None);
        }
        if let Some(path) = &self.explicit {
            return Ok(self.cache.configs().find(|c| &c.path == path));
        }
        self.cache.for_file(file)
    }

    /// The config loaded from `path`.
    pub fn get(&self, path: &Path) -> Option<&Config> {
        self.cache.configs().find(|c| c.path == path)
    }

    /// The rule-pack folders the configs name, after `first`, each once.
    pub fn rule_dirs(&self, first: &[PathBuf]) -> Vec<PathBuf> {
        let mut dirs = first.to_vec();
        for config in self.cache.configs() {
            for dir in config.rule_dirs() {
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
            }
        }
        dirs
    }
}

/// One file to check and the options that apply to it, resolved once.
pub struct Job {
    pub path: PathBuf,
    pub options: Options,
    /// The text comes from stdin; `path` is the name it is reported under.
    pub stdin: bool,
}

impl Job {
    /// The job for `path` under `config` and the command line.
    pub fn new(path: PathBuf, config: Option<&Config>, cli: &CliSettings) -> Self {
        let options = options_for(config, &path, cli);
        Job {
            path,
            options,
            stdin: false,
        }
    }

    /// Reads the file and checks it.
    pub fn check(&self, rules: &RuleSet) -> Result<FileResult, CheckError> {
        let source = SourceFile::read(&self.path)?;
        check_source(rules, &self.options, source)
    }

    /// Reads the file and takes its result from `cache`, or checks it and keeps the result.
    pub fn check_cached(&self, rules: &RuleSet, cache: &Cache) -> Result<FileResult, CheckError> {
        let bytes = std::fs::read(&self.path).map_err(|source| {
            CheckError::Source(crate::source::SourceError::Io {
                path: self.path.clone(),
                source,
            })
        })?;
        let key = cache.key(&self.path, &bytes, &self.options);
        let source = SourceFile::from_bytes(&self.path, &bytes)?;
        if let Some(result) = cache.load(&key, &source, rules) {
            return Ok(result);
        }
        let result = check_source(rules, &self.options, source)?;
        cache.store(&key, &result);
        Ok(result)
    }
}

/// How many results of `in_order` may be in memory at once.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    /// Jobs started and not yet taken.
    pub jobs: usize,
    /// Jobs running at once: a few per thread, so that no thread waits for work.
    pub running: usize,
    /// What the results waiting for an earlier job may weigh together (see `in_order`'s
    /// `weight`) before no further job starts.
    pub weight: usize,
}

/// Runs `work` on every job on the rayon pool and hands each result to `take` in job order as
/// soon as it and every job before it are done. `take` runs on the calling thread, so it may
/// hold the output. Memory holds at most `window.jobs` results, and a job starts only while the
/// results waiting for an earlier one weigh at most `window.weight` (by `weight`, e.g. their
/// bytes): a run of large results behind one slow job does not pile up. When `take` says stop,
/// no job starts any more (those under way finish and are dropped).
pub fn in_order<J: Sync, R: Send>(
    jobs: &[J],
    window: Window,
    work: impl Fn(&J) -> R + Sync,
    weight: impl Fn(&R) -> usize,
    mut take: impl FnMut(R) -> std::ops::ControlFlow<()>,
) {
    use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
    let work = &work;
    let (sender, receiver) = std::sync::mpsc::channel();
    rayon::in_place_scope(|scope| {
        let start = |i: usize| {
            let sender = sender.clone();
            scope.spawn(move |_| {
                let result = catch_unwind(AssertUnwindSafe(|| work(&jobs[i])));
                // The receiver is gone only when the run stopped early.
                let _ = sender.send((i, result));
            });
        };
        let (mut started, mut running, mut next) = (0, 0, 0);
        let mut waiting = std::collections::BTreeMap::new();
        let mut waiting_weight = 0;
        while next < jobs.len() {
            // The job `next` has always started, so waiting for a result always ends.
            while started < jobs.len()
                && started - next < window.jobs.max(1)
                && running < window.running.max(1)
                && (waiting_weight <= window.weight || started == next)
            {
                start(started);
                started += 1;
                running += 1;
            }
            let Ok((i, result)) = receiver.recv() else {
                break;
            };
            running -= 1;
            let result = result.unwrap_or_else(|panic| resume_unwind(panic));
            let w = weight(&result);
            waiting_weight += w;
            waiting.insert(i, (result, w));
            while let Some((result, w)) = waiting.remove(&next) {
                waiting_weight -= w;
                next += 1;
                if take(result).is_break() {
                    return;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_path_that_cannot_be_checked_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let looped = dir.path().join("a.txt");
        std::os::unix::fs::symlink(dir.path().join("b.txt"), &looped).unwrap();
        std::os::unix::fs::symlink(&looped, dir.path().join("b.txt")).unwrap();
        let dangling = dir.path().join("c.txt");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        let missing = dir.path().join("d.txt");
        let (files, errors) = collect_files(&[looped.clone(), dangling.clone(), missing.clone()]);
        assert!(files.is_empty());
        let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                format!("{}: 符号链接形成循环", looped.display()),
                format!("{}: 符号链接指向的路径不存在", dangling.display()),
                format!("{}: 路径不存在", missing.display()),
            ]
        );
        assert_eq!(errors[1].path(), dangling);
    }

    #[test]
    fn results_come_in_order_and_stop_when_asked() {
        let jobs: Vec<u64> = (0..200).collect();
        let window = Window {
            jobs: 7,
            running: 4,
            weight: usize::MAX,
        };
        let mut seen = Vec::new();
        in_order(
            &jobs,
            window,
            |&n| {
                // Later jobs finish first.
                std::thread::sleep(std::time::Duration::from_micros(200 - n));
                n * 2
            },
            |_| 1,
            |r| {
                seen.push(r);
                std::ops::ControlFlow::Continue(())
            },
        );
        assert_eq!(seen, (0..200).map(|n| n * 2).collect::<Vec<_>>());
        let mut taken = 0;
        in_order(
            &jobs,
            window,
            |&n| n,
            |_| 1,
            |_| {
                taken += 1;
                if taken == 10 {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            },
        );
        assert_eq!(taken, 10);
    }

    /// Behind a slow first job, results pile up only to the weight allowed, however wide the
    /// window of jobs.
    #[test]
    fn waiting_results_are_bounded_by_weight() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let jobs: Vec<u64> = (0..100).collect();
        let (started, taken, most) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        let window = Window {
            jobs: 100,
            running: 2,
            weight: 5,
        };
        let mut seen = Vec::new();
        in_order(
            &jobs,
            window,
            |&n| {
                let ahead =
                    started.fetch_add(1, Ordering::SeqCst) + 1 - taken.load(Ordering::SeqCst);
                most.fetch_max(ahead, Ordering::SeqCst);
                if n % 25 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                n
            },
            |_| 1,
            |n| {
                taken.fetch_add(1, Ordering::SeqCst);
                seen.push(n);
                std::ops::ControlFlow::Continue(())
            },
        );
        assert_eq!(seen, jobs);
        // Waiting: at most the weight allowed and the one that went over it; then those running.
        let most = most.into_inner();
        assert!(most <= 5 + 1 + 2, "{most} results ahead of the writer");
        assert!(most > 2, "{most}: the slow job let others run ahead");
    }

    #[test]
    fn shards_partition_the_files() {
        assert!(Shard::parse("0/3").is_err());
        assert!(Shard::parse("4/3").is_err());
        assert!(Shard::parse("1/0").is_err());
        assert!(Shard::parse("x").is_err());
        let paths: Vec<PathBuf> = (0..300)
            .map(|i| PathBuf::from(format!("d/{i}.txt")))
            .collect();
        let shards: Vec<Shard> = (1..=3)
            .map(|i| Shard::parse(&format!("{i}/3")).unwrap())
            .collect();
        for path in &paths {
            assert_eq!(
                shards.iter().filter(|s| s.holds(path)).count(),
                1,
                "{path:?}"
            );
        }
        // Roughly even.
        for shard in &shards {
            let n = paths.iter().filter(|p| shard.holds(p)).count();
            assert!((60..=140).contains(&n), "{n}");
        }
    }
}
