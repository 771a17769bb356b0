//! Throughput of parsing alone and of a full check over a generated corpus of about 100
//! documents (see `corpus/mod.rs`; `examples/gen_corpus.rs` writes the same kind of corpus to
//! disk). `cargo bench` runs both in well under two minutes.

mod corpus;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use gwlint::engine::{check_source, Options};
use gwlint::rules::RuleSet;
use gwlint::source::SourceFile;

/// Same seed as `examples/gen_corpus.rs`.
const SEED: u64 = 0x6777_6c69_6e74;
const DOCS: usize = 100;

fn bench(c: &mut Criterion) {
    let files: Vec<(PathBuf, Vec<u8>)> = corpus::generate(DOCS, SEED)
        .into_iter()
        .map(|(name, bytes)| (PathBuf::from(name), bytes))
        .collect();
    let bytes: u64 = files.iter().map(|(_, b)| b.len() as u64).sum();
    let texts: Vec<String> = files
        .iter()
        .map(|(path, b)| SourceFile::from_bytes(path, b).expect("decodes").text)
        .collect();
    let text_bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    let rules = RuleSet::builtin().expect("built-in rules load");
    let options = Options::default();

    let mut group = c.benchmark_group("corpus");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
        .sampling_mode(SamplingMode::Flat);

    // Parse alone, over the decoded text (UTF-8 bytes, so GB18030 files count a little more).
    group.throughput(Throughput::Bytes(text_bytes));
    group.bench_function("parse", |b| {
        b.iter_batched(
            || texts.clone(),
            |texts| {
                for text in texts {
                    black_box(gwlint::parse::parse(text));
                }
            },
            BatchSize::LargeInput,
        )
    });

    // Decode, parse and run every default rule, as `gwlint check` does per file.
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("check", |b| {
        b.iter(|| {
            for (path, bytes) in &files {
                let source = SourceFile::from_bytes(path, bytes).expect("decodes");
                black_box(check_source(&rules, &options, source).expect("no panic"));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
