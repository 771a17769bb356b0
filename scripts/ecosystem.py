#!/usr/bin/env python3
"""Ecosystem check: run two gwlint builds over a corpus of real documents and show which
findings a change adds and removes, rule by rule.

  scripts/ecosystem.py                              old = main, new = the working tree
  scripts/ecosystem.py --old HEAD~3 --new HEAD      any two git refs
  scripts/ecosystem.py --old /tmp/gwlint-base       or a prebuilt gwlint executable
  scripts/ecosystem.py --rule punct -- --select punct
                                                    arguments after `--` go to both builds

A git ref is built once in a temporary worktree and the binary kept in
target/ecosystem/<commit>/gwlint, so running again against the same ref does not rebuild.
The script is a report, not a gate: it exits 0 whatever the diff, and 2 when a build or a
gwlint run fails.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "docs"
CACHE_DIR = REPO_ROOT / "target" / "ecosystem"
# One target dir for every ref: the dependencies compile once and only gwlint itself rebuilds.
SHARED_TARGET_DIR = CACHE_DIR / "target"
CONTEXT_CHARS = 10
# Long findings (whole sentences, paragraphs) are cut in the middle to keep one line per finding.
MAX_TEXT_CHARS = 40
SEVERITIES = ("error", "warning", "info")


class EcosystemError(Exception):
    """A build or a gwlint run failed; the diff would be meaningless."""


class Build:
    def __init__(self, label, binary):
        self.label = label
        self.binary = binary


# ---------------------------------------------------------------------------------------------
# Getting the two binaries


def run_or_fail(command, what, **kwargs):
    try:
        result = subprocess.run(command, **kwargs)
    except OSError as error:
        raise EcosystemError(f"{what}: {error}") from error
    if result.returncode != 0:
        raise EcosystemError(f"{what} failed (exit code {result.returncode})")
    return result


def git(*args):
    result = subprocess.run(["git", "-C", str(REPO_ROOT), *args], capture_output=True, text=True)
    return result.returncode, result.stdout.strip(), result.stderr.strip()


def resolve_build(spec):
    """An existing file is a gwlint executable used as-is; anything else must be a git ref."""
    if spec is None:
        return build_working_tree()
    path = Path(spec)
    if path.is_file():
        if not os.access(path, os.X_OK):
            raise EcosystemError(f"{spec} is a file but not executable")
        return Build(spec, path.resolve())
    return build_git_ref(spec)


def build_working_tree():
    print("ecosystem: building the working tree (cargo build --release)", file=sys.stderr)
    run_or_fail(["cargo", "build", "--release"], "cargo build --release in the working tree",
                cwd=REPO_ROOT)
    return Build("working tree", REPO_ROOT / "target" / "release" / "gwlint")


def build_git_ref(ref):
    code, commit, _ = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if code != 0:
        raise EcosystemError(f"{ref!r} is neither an executable file nor a git ref")
    label = f"{ref} ({commit[:10]})"
    cached = CACHE_DIR / commit / "gwlint"
    if cached.is_file():
        return Build(label, cached)
    print(f"ecosystem: building {label} in a temporary worktree", file=sys.stderr)
    scratch = Path(tempfile.mkdtemp(prefix="gwlint-ecosystem-"))
    worktree = scratch / "src"
    try:
        code, _, err = git("worktree", "add", "--detach", "--quiet", str(worktree), commit)
        if code != 0:
            raise EcosystemError(f"git worktree add for {label} failed: {err}")
        env = dict(os.environ, CARGO_TARGET_DIR=str(SHARED_TARGET_DIR))
        run_or_fail(["cargo", "build", "--release"], f"cargo build --release of {label}",
                    cwd=worktree, env=env)
        cache_binary(SHARED_TARGET_DIR / "release" / "gwlint", cached)
    finally:
        git("worktree", "remove", "--force", str(worktree))
        shutil.rmtree(scratch, ignore_errors=True)
    return Build(label, cached)


def cache_binary(built, cached):
    # Copy under a temporary name first so an interrupted copy never looks like a cached build.
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name("gwlint.partial")
    shutil.copy2(built, partial)
    os.replace(partial, cached)


# ---------------------------------------------------------------------------------------------
# Running gwlint and reading its findings


def run_check(build, corpus, extra_args):
    command = [str(build.binary), "check", "--format", "json", *extra_args, str(corpus)]
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except OSError as error:
        raise EcosystemError(f"cannot run {build.label} ({build.binary}): {error}") from error
    # 1 only means error-level findings exist; 2 (or a signal) means gwlint itself failed.
    if result.returncode not in (0, 1):
        raise EcosystemError(f"{build.label}: `{' '.join(command)}` exited with "
                             f"{result.returncode}:\n{result.stderr.strip()}")
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise EcosystemError(f"{build.label}: output of `{' '.join(command)}` is not JSON "
                             f"({error}); did the arguments after -- change --format?") from error


def findings_of(report, corpus):
    """Every diagnostic of the report, flattened, with its file named relative to the corpus."""
    findings = []
    for file in report["files"]:
        name = os.path.relpath(file["path"], corpus)
        for diagnostic in file["diagnostics"]:
            findings.append(dict(diagnostic, file=name, path=file["path"]))
    return findings


def finding_key(finding):
    return (finding["file"], finding["line"], finding["column"], finding["rule"],
            finding["message"])


def location_order(finding):
    return (finding["file"], finding["line"], finding["column"], finding["rule"])


def diff_findings(old, new):
    """Findings only in new (added) and only in old (removed). Keys are compared as multisets
    so that two identical findings on one spot are not collapsed into one."""
    old_by_key, new_by_key = defaultdict(list), defaultdict(list)
    for finding in old:
        old_by_key[finding_key(finding)].append(finding)
    for finding in new:
        new_by_key[finding_key(finding)].append(finding)
    added, removed = [], []
    for key in old_by_key.keys() | new_by_key.keys():
        before, after = old_by_key.get(key, []), new_by_key.get(key, [])
        added += after[len(before):]
        removed += before[len(after):]
    return sorted(added, key=location_order), sorted(removed, key=location_order)


def matches_rule_filter(finding, prefixes):
    return not prefixes or finding["rule"].startswith(tuple(prefixes))


# ---------------------------------------------------------------------------------------------
# Excerpts from the documents


class SourceLines:
    """Each corpus file's lines, decoded once. gwlint's columns count characters of the
    decoded text, so the excerpt is cut from the same text."""

    def __init__(self):
        self.lines_by_path = {}

    def lines(self, path):
        if path not in self.lines_by_path:
            self.lines_by_path[path] = read_lines(path)
        return self.lines_by_path[path]


def read_lines(path):
    try:
        raw = Path(path).read_bytes()
    except OSError:
        return []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    # Split on "\n" only: str.splitlines would also split on form feeds and other separators
    # that gwlint counts as ordinary characters of a line.
    return [line.rstrip("\r") for line in text.split("\n")]


def without_newlines(text):
    return text.replace("\r", "").replace("\n", "")


def shortened(text):
    if len(text) <= MAX_TEXT_CHARS:
        return text
    half = MAX_TEXT_CHARS // 2
    return f"{text[:half]}…{text[-half:]}"


def excerpt(finding, source):
    """The finding's text in ⟦ ⟧ with some characters of its line on either side."""
    text = shortened(without_newlines(finding["text"]))
    lines = source.lines(finding["path"])
    start_line, end_line = finding["line"] - 1, finding["end_line"] - 1
    if not 0 <= start_line <= end_line < len(lines):
        return f"⟦{text}⟧"
    start, end = finding["column"] - 1, finding["end_column"] - 1
    before = lines[start_line][max(0, start - CONTEXT_CHARS):start]
    after = lines[end_line][end:end + CONTEXT_CHARS]
    return f"{before}⟦{text}⟧{after}"


# ---------------------------------------------------------------------------------------------
# The report


def rule_rows(old, new, added, removed):
    """Per rule: severity, count before and after, added and removed findings."""
    before, after = Counter(f["rule"] for f in old), Counter(f["rule"] for f in new)
    severities = defaultdict(set)
    for finding in old + new:
        severities[finding["rule"]].add(finding["severity"])
    added_by_rule, removed_by_rule = defaultdict(list), defaultdict(list)
    for finding in added:
        added_by_rule[finding["rule"]].append(finding)
    for finding in removed:
        removed_by_rule[finding["rule"]].append(finding)
    return [{"rule": rule,
             "severity": "/".join(sorted(severities[rule], key=severity_order)),
             "before": before[rule], "after": after[rule],
             "added": added_by_rule[rule], "removed": removed_by_rule[rule]}
            for rule in sorted(before.keys() | after.keys())]


def severity_order(severity):
    # A severity this script does not know yet sorts last instead of failing the report.
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def severity_totals(old, new, added, removed):
    seen = {f["severity"] for f in old + new}
    totals = {}
    for severity in sorted(seen | set(SEVERITIES), key=severity_order):
        counts = [sum(1 for f in findings if f["severity"] == severity)
                  for findings in (old, new, added, removed)]
        totals[severity] = dict(zip(("before", "after", "added", "removed"), counts))
    return totals


def change(added, removed):
    return f"+{added} -{removed}" if added or removed else ""


def print_text_report(header, rows, totals, limit, source):
    for line in header:
        print(line)
    print()
    width = max([len(row["rule"]) for row in rows] + [4])
    print(f"{'rule':<{width}}  {'severity':<8}  {'before':>6} → {'after':<6}  change")
    for row in rows:
        print(f"{row['rule']:<{width}}  {row['severity']:<8}  {row['before']:>6} → "
              f"{row['after']:<6}  {change(len(row['added']), len(row['removed']))}".rstrip())
    for row in rows:
        if row["added"] or row["removed"]:
            print_rule_examples(row, limit, source)
    print_summary(totals)


def print_rule_examples(row, limit, source):
    print()
    print(f"── {row['rule']}: {row['before']} → {row['after']} "
          f"({change(len(row['added']), len(row['removed']))})")
    for sign, findings, direction in (("+", row["added"], "added"), ("-", row["removed"], "removed")):
        shown = findings if limit == 0 else findings[:limit]
        for finding in shown:
            print(f"{sign} {finding['file']}:{finding['line']}:{finding['column']} "
                  f"{finding['message']}  «{excerpt(finding, source)}»")
        if len(shown) < len(findings):
            print(f"  … {len(findings) - len(shown)} more {direction} (--limit 0 shows all)")


def print_summary(totals):
    before = sum(t["before"] for t in totals.values())
    after = sum(t["after"] for t in totals.values())
    added = sum(t["added"] for t in totals.values())
    removed = sum(t["removed"] for t in totals.values())
    print()
    print(f"Summary: {before} → {after} findings, {added} added, {removed} removed")
    for severity, t in totals.items():
        print(f"  {severity:<8} {t['before']:>6} → {t['after']:<6}  "
              f"{change(t['added'], t['removed'])}".rstrip())


def json_report(header_fields, rows, totals, source):
    def described(finding):
        entry = {key: value for key, value in finding.items() if key != "path"}
        entry["excerpt"] = excerpt(finding, source)
        return entry
    return dict(header_fields,
                rules=[dict(row, added=[described(f) for f in row["added"]],
                            removed=[described(f) for f in row["removed"]]) for row in rows],
                summary={"before": sum(t["before"] for t in totals.values()),
                         "after": sum(t["after"] for t in totals.values()),
                         "added": sum(t["added"] for t in totals.values()),
                         "removed": sum(t["removed"] for t in totals.values()),
                         "severities": totals})


# ---------------------------------------------------------------------------------------------
# Command line


def parse_args(argv):
    # Split at `--` by hand: everything after it belongs to gwlint, including options that
    # argparse would otherwise try to interpret.
    if "--" in argv:
        split = argv.index("--")
        own, gwlint_args = argv[:split], argv[split + 1:]
    else:
        own, gwlint_args = argv, []
    parser = argparse.ArgumentParser(
        prog="scripts/ecosystem.py",
        description="Compare the findings of two gwlint builds over a corpus of documents.",
        epilog="Arguments after `--` are passed to `gwlint check` of both builds.")
    parser.add_argument("--old", default="main", metavar="PATH_OR_GITREF",
                        help="baseline build: a gwlint executable or a git ref (default: main)")
    parser.add_argument("--new", default=None, metavar="PATH_OR_GITREF",
                        help="build under test (default: the working tree, built with "
                             "cargo build --release)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, metavar="DIR",
                        help=f"documents to check (default: {DEFAULT_CORPUS})")
    parser.add_argument("--rule", action="append", default=[], metavar="PREFIX",
                        help="only report rules whose id starts with PREFIX (repeatable)")
    parser.add_argument("--limit", type=int, default=20, metavar="N",
                        help="examples per rule and direction (default: 20; 0 = all)")
    parser.add_argument("--json", metavar="FILE",
                        help="also write the whole diff as JSON to FILE (`-`: stdout, "
                             "instead of the text report); --limit does not apply")
    args = parser.parse_args(own)
    if args.limit < 0:
        parser.error("--limit must be 0 or more")
    args.gwlint_args = gwlint_args
    return args


def describe_build(build):
    return build.label if build.label == str(build.binary) else f"{build.label}  {build.binary}"


def main(argv):
    args = parse_args(argv)
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        raise EcosystemError(f"corpus {args.corpus} is not a directory (use --corpus DIR)")
    old_build, new_build = resolve_build(args.old), resolve_build(args.new)
    old_report = run_check(old_build, corpus, args.gwlint_args)
    new_report = run_check(new_build, corpus, args.gwlint_args)
    old = [f for f in findings_of(old_report, corpus) if matches_rule_filter(f, args.rule)]
    new = [f for f in findings_of(new_report, corpus) if matches_rule_filter(f, args.rule)]
    added, removed = diff_findings(old, new)
    rows = rule_rows(old, new, added, removed)
    totals = severity_totals(old, new, added, removed)
    source = SourceLines()

    header = [f"old: {describe_build(old_build)}", f"new: {describe_build(new_build)}",
              f"corpus: {corpus} ({len(old_report['files'])} → {len(new_report['files'])} files)"]
    if args.gwlint_args:
        header.append(f"gwlint check arguments: {' '.join(args.gwlint_args)}")
    if args.rule:
        header.append(f"rules: only {', '.join(p + '*' for p in args.rule)}")

    if args.json:
        report = json_report({"old": {"build": old_build.label, "binary": str(old_build.binary)},
                              "new": {"build": new_build.label, "binary": str(new_build.binary)},
                              "corpus": str(corpus), "gwlint_args": args.gwlint_args,
                              "rule_filter": args.rule}, rows, totals, source)
        text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
            return 0
        Path(args.json).write_text(text, encoding="utf-8")
    print_text_report(header, rows, totals, args.limit, source)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except EcosystemError as error:
        print(f"ecosystem: error: {error}", file=sys.stderr)
        sys.exit(2)
