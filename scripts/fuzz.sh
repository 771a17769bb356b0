#!/usr/bin/env bash
# Coverage-guided fuzzing on stable Rust: libFuzzer (the libfuzzer-sys crate builds it from its
# C++ source) with LLVM's SanitizerCoverage switched on by stable codegen flags, debug assertions
# and overflow checks on, so every parse also checks its spans (src/parse/spans.rs).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     # targets: parse check docx (default: all three)
#
# Each target runs SECONDS (default 60) on one core. Corpora start from seeds/, tests/fixtures/
# and ../shared/corpus/docs when present (docx: small packages made from the seeds), and grow in
# fuzz/corpus/TARGET. A crash is saved in fuzz/artifacts/TARGET/ and the script fails; replay one
# with `fuzz/target/x86_64-unknown-linux-gnu/release/TARGET FILE`, then pin it as a test in
# tests/hostile.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse check docx)

triple=$(rustc -vV | sed -n 's/^host: //p')
# --target keeps these flags off build scripts and proc macros, which run on the host unlinked
# to libFuzzer.
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
cargo build --release --manifest-path fuzz/Cargo.toml --target "$triple" --bins

seed_texts() {
    local dir=$1
    mkdir -p "$dir"
    find seeds tests/fixtures ../shared/corpus/docs -type f \( -name '*.txt' -o -name '*.md' \) \
        2>/dev/null | while read -r file; do
        cp "$file" "$dir/$(cksum < "$file" | cut -d' ' -f1).txt"
    done
}

seed_docx() {
    local dir=$1
    mkdir -p "$dir"
    python3 - "$dir" seeds/*.txt <<'PY'
import sys, zipfile, html
out, files = sys.argv[1], sys.argv[2:]
for i, name in enumerate(files):
    lines = open(name, encoding="utf-8").read().splitlines()[:60]
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{html.escape(l)}</w:t></w:r></w:p>" for l in lines)
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(f"{out}/seed{i}.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {ns}><w:body>{body}</w:body></w:document>')
PY
}

status=0
for target in "${targets[@]}"; do
    corpus=fuzz/corpus/$target
    if [ "$target" = docx ]; then seed_docx "$corpus"; else seed_texts "$corpus"; fi
    mkdir -p "fuzz/artifacts/$target"
    echo "== fuzz $target: ${seconds}s" >&2
    "fuzz/target/$triple/release/$target" "$corpus" -max_total_time="$seconds" -max_len=262144 \
        -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="fuzz/artifacts/$target/" || status=1
done
exit $status
