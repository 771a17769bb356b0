//! `pattern`: a regex must not match in a scope. Optional cases (each with its own message),
//! a capture group that narrows the reported span, a context guard, and a fix template.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use super::load::LazyRegex;
use super::requires::Requires;
use super::template::Template;
use super::{Check, Context, RuleMeta, Scope, Sink};
use crate::diagnostic::{Fix, Span};
use crate::parse::is_cjk;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default)]
    pattern: Option<LazyRegex>,
    /// Several patterns under one id, each with its own message and fix.
    #[serde(default)]
    cases: Vec<CaseSpec>,
    /// The capture group that is the reported (and fixed) span; the whole match by default.
    #[serde(default)]
    span: Option<String>,
    #[serde(default)]
    guard: Option<Guard>,
    /// `{mapped}` in messages and fixes: the matched text looked up in this table.
    #[serde(default)]
    map: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseSpec {
    pattern: LazyRegex,
    #[serde(default)]
    message: Option<Template>,
    #[serde(default)]
    span: Option<String>,
    /// Replacement for this case; the rule's `fix.replacement` otherwise.
    #[serde(default)]
    replacement: Option<Template>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Guard {
    /// Only where the text on at least one side of the match, up to the nearest space, is
    /// Chinese; never between two digits (`1,000`, `8:00`) or inside a URL.
    ChineseContext,
}

struct Case {
    regex: LazyRegex,
    /// Literals every match contains: a span without them is skipped.
    requires: Requires,
    /// The regex has no named groups: `find_iter` finds all a report needs.
    plain: bool,
    /// Every match lies within a line (`literals::stays_on_one_line`): a span of many lines
    /// can be searched line by line, skipping the lines without the required literals.
    one_line: bool,
    message: Option<Template>,
    span: Option<String>,
    replacement: Option<Template>,
}

pub struct Pattern {
    scope: Scope,
    cases: Vec<Case>,
    guard: Option<Guard>,
    map: BTreeMap<String, String>,
}

impl Pattern {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        let mut cases: Vec<Case> = spec
            .cases
            .into_iter()
            .map(|c| Case {
                requires: Requires::default().or_derived(&c.pattern),
                one_line: c.pattern.one_line,
                plain: c.pattern.names.is_empty(),
                regex: c.pattern,
                message: c.message,
                span: c.span.or_else(|| spec.span.clone()),
                replacement: c.replacement,
            })
            .collect();
        if let Some(pattern) = spec.pattern {
            cases.insert(
                0,
                Case {
                    requires: Requires::default().or_derived(&pattern),
                    one_line: pattern.one_line,
                    plain: pattern.names.is_empty(),
                    regex: pattern,
                    message: None,
                    span: spec.span.clone(),
                    replacement: None,
                },
            );
        }
        if cases.is_empty() {
            return Err(format!(
                "规则 {}：pattern 类规则需要 pattern 或 cases",
                meta.id
            ));
        }
        for case in &cases {
            // The templates this case renders: its own, else the rule's.
            let message = case.message.as_ref().unwrap_or(&meta.message);
            let fix = meta.fix.as_ref().and_then(|fix| fix.replacement.as_ref());
            let templates = [Some(message), case.replacement.as_ref().or(fix)];
            for template in templates.into_iter().flatten().chain(&meta.help) {
                if let Some(name) = template.placeholders().find(|&name| {
                    !(name == "match"
                        || (name == "mapped" && !spec.map.is_empty())
                        || case.regex.names.iter().any(|group| group == name))
                }) {
                    return Err(format!(
                        "规则 {}：“{}”中的占位符“{{{name}}}”无从填写：正则表达式“{}”中没有名为 {name} 的捕获组{}",
                        meta.id,
                        template.source(),
                        case.regex.as_str(),
                        if spec.map.is_empty() { "" } else { "，也不是 {mapped}" },
                    ));
                }
            }
            if let Some(group) = &case.span {
                if !case.regex.names.iter().any(|name| name == group) {
                    return Err(format!(
                        "规则 {}：span 指定的捕获组“{group}”不在正则表达式中",
                        meta.id
                    ));
                }
            }
        }
        Ok(Pattern {
            scope: meta.scope.unwrap_or(Scope::Prose),
            cases,
            guard: spec.guard,
            map: spec.map,
        })
    }

    fn guard_allows(&self, text: &str, start: usize, end: usize) -> bool {
        match self.guard {
            None => true,
            Some(Guard::ChineseContext) => chinese_context(text, start, end),
        }
    }
}

/// What a case without named groups said of one matched text, for its later matches of the same
/// text: they say the same, and take these texts instead of rendering them again.
struct Said<'p, 't> {
    case: &'p Case,
    matched: &'t str,
    message: Arc<str>,
    help: Option<Arc<str>>,
    replacement: Option<Arc<str>>,
}

/// How many matched texts a rule remembers what it said of, per document: a rule that repeats
/// itself matches a few texts many times (the five half-width marks).
const SAID_KEPT: usize = 16;

impl Pattern {
    /// Reports one match: `target` is the reported span inside `haystack`, which starts at
    /// `offset` in the text.
    #[allow(clippy::too_many_arguments)]
    fn report<'p, 't>(
        &self,
        sink: &mut Sink,
        case: &'p Case,
        haystack: &'t str,
        offset: usize,
        whole: regex::Match<'t>,
        target: regex::Match<'t>,
        captures: Option<&regex::Captures<'t>>,
        said: &mut Vec<Said<'p, 't>>,
    ) {
        if !self.guard_allows(haystack, target.start(), target.end()) {
            return;
        }
        let span = Span::new(target.start(), target.end()).shift(offset);
        let applicability = sink.fix_applicability();
        let fix =
            |replacement: Option<Arc<str>>| Some(Fix::replace(applicability?, span, replacement?));
        // Without named groups, what a match says depends on its text alone.
        if captures.is_none() {
            if let Some(earlier) = said
                .iter()
                .find(|s| std::ptr::eq(s.case, case) && s.matched == whole.as_str())
            {
                let fix = fix(earlier.replacement.clone());
                sink.report_rendered(span, earlier.message.clone(), earlier.help.clone(), fix);
                return;
            }
        }
        let vars = |name: &str| -> Option<Cow<str>> {
            match name {
                "mapped" => self
                    .map
                    .get(whole.as_str())
                    .map(|s| Cow::Borrowed(s.as_str())),
                _ => match captures {
                    Some(captures) => super::capture_vars(captures, name),
                    // No named groups: `{match}` is the match, any other name is empty.
                    None if name == "match" => Some(Cow::Borrowed(whole.as_str())),
                    None => Some(Cow::Borrowed("")),
                },
            }
        };
        let replacement = applicability.and_then(|_| {
            let template = case.replacement.as_ref().or(sink.fix_template())?;
            Some(sink.render(template, vars))
        });
        let message = sink.render(case.message.as_ref().unwrap_or(sink.message()), vars);
        let help = sink.help(vars);
        if captures.is_none() && said.len() < SAID_KEPT {
            said.push(Said {
                case,
                matched: whole.as_str(),
                message: message.clone(),
                help: help.clone(),
                replacement: replacement.clone(),
            });
        }
        sink.report_rendered(span, message, help, fix(replacement));
    }
}

impl Pattern {
    /// `case` over a span of many lines, one line at a time: each line is searched in the span
    /// up to the line's end (so `(?m)^` and `\b` see what comes before it), and a line without
    /// the case's literals is not searched at all. The matches are those of one search over
    /// the span, since none of them crosses a line break.
    fn check_by_line<'p, 't>(
        &self,
        sink: &mut Sink,
        case: &'p Case,
        regex: &regex::Regex,
        haystack: &'t str,
        offset: usize,
        said: &mut Vec<Said<'p, 't>>,
    ) {
        let mut line_start = 0;
        while line_start <= haystack.len() {
            let line_end = haystack[line_start..]
                .find('\n')
                .map_or(haystack.len(), |i| line_start + i);
            if case.requires.admits(&haystack[line_start..line_end]) {
                let upto = &haystack[..line_end];
                let mut at = line_start;
                if case.plain {
                    while let Some(whole) = regex.find_at(upto, at) {
                        at = whole.end();
                        self.report(sink, case, haystack, offset, whole, whole, None, said);
                    }
                } else {
                    while let Some(captures) = case.regex.captures_at(upto, at) {
                        let whole = captures.get(0).expect("group 0");
                        at = whole.end();
                        let target = case
                            .span
                            .as_deref()
                            .and_then(|group| captures.name(group))
                            .unwrap_or(whole);
                        let captures = Some(&captures);
                        self.report(sink, case, haystack, offset, whole, target, captures, said);
                    }
                }
            }
            line_start = line_end + 1;
        }
    }
}

impl Check for Pattern {
    /// Checked case by case in `compile`; here every name some case fills.
    fn placeholders(&self) -> Vec<&str> {
        let groups = self
            .cases
            .iter()
            .flat_map(|c| c.regex.names.iter().map(String::as_str));
        let mapped = (!self.map.is_empty()).then_some("mapped");
        groups.chain(["match"]).chain(mapped).collect()
    }

    fn regexes(&self) -> Vec<&LazyRegex> {
        self.cases.iter().map(|c| &c.regex).collect()
    }

    fn requires(&self) -> Vec<&Requires> {
        self.cases.iter().map(|c| &c.requires).collect()
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let text = ctx.text();
        let mut said = Vec::new();
        let indexed = self.cases.iter().any(|case| case.requires.is_indexed());
        for &scope_span in ctx.spans(self.scope) {
            let haystack = scope_span.text(text);
            // The paragraph's literal sets, looked up once for all the cases.
            let sets = if indexed {
                ctx.paragraph_sets(scope_span)
            } else {
                None
            };
            for case in &self.cases {
                if !case.requires.admits_in(ctx, scope_span, sets) {
                    continue;
                }
                let Some(regex) = case.regex.get() else {
                    continue;
                };
                if case.one_line && haystack.contains('\n') {
                    self.check_by_line(sink, case, regex, haystack, scope_span.start, &mut said);
                    continue;
                }
                if case.plain {
                    for whole in regex.find_iter(haystack) {
                        let offset = scope_span.start;
                        self.report(sink, case, haystack, offset, whole, whole, None, &mut said);
                    }
                    continue;
                }
                for captures in case.regex.captures_iter(haystack) {
                    let whole = captures.get(0).expect("group 0");
                    let target = case
                        .span
                        .as_deref()
                        .and_then(|group| captures.name(group))
                        .unwrap_or(whole);
                    let offset = scope_span.start;
                    let captures = Some(&captures);
                    self.report(
                        sink, case, haystack, offset, whole, target, captures, &mut said,
                    );
                }
            }
        }
    }
}

/// How far the guard looks to each side for Chinese text.
const CONTEXT_REACH: usize = 32;

/// Runs on every match of the half-width rules, so it reads each character of the context once
/// and allocates nothing: where no `@ / .` is in reach, the left side is read back to its first
/// Chinese character only; otherwise it is walked back over its characters and the exclusions
/// (a URL, an address) are read off it on the way. The right side is read only when the left
/// has no Chinese.
fn chinese_context(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let digit_before = start > 0 && bytes[start - 1].is_ascii_digit();
    let digit_after = bytes.get(end).is_some_and(u8::is_ascii_digit);
    if digit_before && digit_after {
        return false;
    }
    let right_has_cjk = || {
        text[end..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .take(CONTEXT_REACH)
            .any(is_cjk)
    };
    // Without `@`, `/` or `.` in reach on the left nothing there excludes the match, and the
    // left side only needs its nearest Chinese character: the usual case, read in a few steps.
    let reach = &bytes[start.saturating_sub(CONTEXT_REACH * 4)..start];
    if &text[start..end] != ";" && memchr::memchr3(b'@', b'/', b'.', reach).is_none() {
        let left_has_cjk = text[..start]
            .chars()
            .rev()
            .take(CONTEXT_REACH)
            .take_while(|c| !c.is_whitespace())
            .any(is_cjk);
        return left_has_cjk || right_has_cjk();
    }
    // Up to CONTEXT_REACH characters before the match, back to the nearest space; the three
    // characters after the one at hand (already walked) spot `//` and `.www`.
    let mut left_start = start;
    let mut left_has_cjk = false;
    let mut following = ['\0'; 3];
    for c in text[..start].chars().rev().take(CONTEXT_REACH) {
        if is_cjk(c) {
            left_has_cjk = true;
        } else if c.is_whitespace() {
            break;
        }
        // `.www` reads `www.` backwards, as the guard has always looked for it.
        let excluded = match c {
            '@' => true,
            '/' => following[0] == '/',
            '.' => following == ['w'; 3],
            _ => false,
        };
        if excluded {
            return false;
        }
        following = [c, following[0], following[1]];
        left_start -= c.len_utf8();
    }
    // `&nbsp;` ends an HTML entity, which artifact/conversion reports.
    if &text[start..end] == ";" {
        let left = &text[left_start..start];
        let entity = left.rfind('&').is_some_and(|amp| {
            amp + 1 < left.len()
                && left[amp + 1..]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '#')
        });
        if entity {
            return false;
        }
    }
    left_has_cjk || right_has_cjk()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regexes compile lazily, so a built-in one too big to compile would only show as a rule
    /// that never fires: each must compile.
    #[test]
    fn every_built_in_pattern_compiles() {
        let mut count = 0;
        for (pack, yaml) in crate::rules::builtin_packs() {
            for line in yaml.lines() {
                let line = line.trim_start().trim_start_matches("- ");
                if let Some(rest) = line.strip_prefix("pattern: '") {
                    let pattern = rest.trim_end().trim_end_matches('\'').replace("''", "'");
                    let lazy = LazyRegex::new(&pattern).unwrap();
                    assert!(lazy.get().is_some(), "{pack}: {pattern}");
                    count += 1;
                }
            }
        }
        assert!(count > 20);
        assert!(LazyRegex::new("(").is_err());
        let named = LazyRegex::new(r"(?P<a>x)(y)(?P<b>z)").unwrap();
        assert_eq!(named.names, ["a", "b"]);
        assert!(named.one_line);
    }

    fn chinese(text: &str) -> bool {
        let at = text.find([',', ':', ';', '?', '!']).unwrap();
        chinese_context(text, at, at + 1)
    }

    #[test]
    fn guard_reads_the_sentence_not_just_the_neighbours() {
        assert!(chinese("期间,面对"));
        assert!(chinese("iPhone,好开心"));
        assert!(chinese("共3个?请核实"));
        assert!(chinese("是: “你好”"));
        assert!(chinese("“你好\",她说"));
    }

    #[test]
    fn guard_skips_numbers_urls_and_english() {
        assert!(!chinese("共1,000元"));
        assert!(!chinese("上午8:00开始"));
        assert!(!chinese("见 https://example.gov.cn/a,b 页面"));
        assert!(!chinese("He said, hello"));
        assert!(!chinese("E-SPORTS JOY, 2021"));
        assert!(!chinese("加强&nbsp;基层治理"));
        assert!(chinese("加强&nbsp ;基层治理"));
        assert!(chinese("加强&;基层治理"));
        assert!(!chinese("见.www,中文"));
        assert!(chinese("见www.a,中文"));
    }

    /// The guard as it read its context before it walked the bytes once (d8dd996): the
    /// one-pass walk must agree with it everywhere.
    fn chinese_context_by_slices(text: &str, start: usize, end: usize) -> bool {
        let before = &text[..start];
        let after = &text[end..];
        let digit_before = before
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit());
        let digit_after = after.chars().next().is_some_and(|c| c.is_ascii_digit());
        if digit_before && digit_after {
            return false;
        }
        let left_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| !c.is_whitespace())
            .take(CONTEXT_REACH)
            .last()
            .map_or(start, |(i, _)| i);
        let left = &before[left_start..];
        if left.contains("//") || left.contains('@') || left.contains(".www") {
            return false;
        }
        let entity = left.rfind('&').is_some_and(|amp| {
            amp + 1 < left.len()
                && left[amp + 1..]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '#')
        });
        if &text[start..end] == ";" && entity {
            return false;
        }
        let right_has_cjk = after
            .chars()
            .take_while(|c| !c.is_whitespace())
            .take(CONTEXT_REACH)
            .any(is_cjk);
        left.chars().any(is_cjk) || right_has_cjk
    }

    #[test]
    fn guard_agrees_with_reading_the_context_by_slices() {
        // Characters that each matter to the guard: spaces of every kind, digits, the marks
        // of URLs, addresses and entities, Chinese of both planes and its neighbours (the
        // hexagrams after extension A, CJK punctuation), and plain letters.
        let alphabet = [
            "中", "文", "𠀀", "㐀", "䷀", "豈", "、", "，", "a", "1", "9", " ", "\u{3000}",
            "\u{a0}", "\u{2028}", "\t", "\n", "/", "//", "@", ".", "w", ".www", "&", "&nbsp", "#",
            ";", ",", ":", "é", "—",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        let mut disagreements = Vec::new();
        for _ in 0..20_000 {
            let text: String = (0..next(40))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            let mark = [",", ";", ":"][next(3)];
            let at = text
                .char_indices()
                .nth(next(text.chars().count() + 1))
                .map_or(text.len(), |(i, _)| i);
            let text = format!("{}{mark}{}", &text[..at], &text[at..]);
            let (start, end) = (at, at + 1);
            if chinese_context(&text, start, end) != chinese_context_by_slices(&text, start, end) {
                disagreements.push(text);
            }
        }
        assert!(disagreements.is_empty(), "{disagreements:?}");
    }
}
