//! Literals a regex cannot match without: read from the regex's syntax tree when a rule loads,
//! they let a kind skip a span (a paragraph) in which the regex cannot match, with one
//! Aho-Corasick test instead of a regex scan. Rule regexes that open with a character class
//! (`[\p{Han}”’》](?P<dot>[•・‧∙])…`, `(?:^|[^。])。。`) give the regex engine no prefix to
//! look for, so without this every such case is a full scan of every paragraph.
//!
//! `required` is sound by construction: every match of the regex contains one of the strings
//! it returns, so a span containing none of them cannot hold a match and skipping it changes
//! nothing. When no small set is known it returns `None` and the regex always runs.
//!
//! `build.rs` compiles this file as well, to read every built-in pattern at build time
//! (`REGEX_FACTS`), so it uses nothing but regex-syntax.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The most strings a set may hold; a larger one is not worth searching for.
const MAX_STRINGS: usize = 64;

type Set = Vec<Vec<u8>>;

/// Byte strings one of which every match of `pattern` contains, none empty; `None` when no
/// small set is known (a pattern of big classes like `\d\p{Han}`). Rules read it from the parse
/// `LazyRegex` makes anyway (`required_of`).
#[cfg(test)]
pub fn required(pattern: &str) -> Option<Set> {
    // The parser's defaults are the `regex` crate's: Unicode on, no flags.
    required_of(&regex_syntax::Parser::new().parse(pattern).ok()?)
}

/// `required` of a pattern already parsed.
pub fn required_of(hir: &Hir) -> Option<Set> {
    let mut set = required_in(hir)?;
    set.sort();
    debug_assert!(set.iter().all(|s| !s.is_empty()));
    Some(set)
}

/// The names of `hir`'s named capture groups, in order.
pub fn capture_names(hir: &Hir) -> Vec<String> {
    fn walk(hir: &Hir, names: &mut Vec<String>) {
        match hir.kind() {
            HirKind::Capture(capture) => {
                if let Some(name) = &capture.name {
                    names.push(name.to_string());
                }
                walk(&capture.sub, names);
            }
            HirKind::Repetition(rep) => walk(&rep.sub, names),
            HirKind::Concat(subs) | HirKind::Alternation(subs) => {
                subs.iter().for_each(|sub| walk(sub, names))
            }
            _ => {}
        }
    }
    let mut names = Vec::new();
    walk(hir, &mut names);
    names
}

/// Whether every match of `pattern` lies within one line and is not empty, and the pattern
/// reads its surroundings only through `(?m)^`, `(?m)$`, `\A` and word boundaries: then its
/// matches in a text are its matches in each line, each searched with the text before it as
/// context and the line's end as the end (`$` and `\b` read the end of text as they read a
/// line break; `\z` would not, and excludes a pattern).
#[cfg(test)]
pub fn stays_on_one_line(pattern: &str) -> bool {
    regex_syntax::Parser::new()
        .parse(pattern)
        .is_ok_and(|hir| hir_stays_on_one_line(&hir))
}

/// Whether every assertion of the pattern reads only the text before its position (`^`,
/// `(?m)^`, `\A`; no `$`, `\z` or word boundary). Then a match found in a text is found again,
/// with the same groups, in the text cut at the match's end: the paths that end there succeed
/// or fail alike in both, so the first that succeeds is the same.
pub fn hir_looks_only_behind(hir: &Hir) -> bool {
    use regex_syntax::hir::Look;
    hir.properties()
        .look_set()
        .iter()
        .all(|look| matches!(look, Look::Start | Look::StartLF | Look::StartCRLF))
}

/// `stays_on_one_line` for a pattern already parsed.
pub fn hir_stays_on_one_line(hir: &Hir) -> bool {
    use regex_syntax::hir::Look;

    fn no_newline(hir: &Hir) -> bool {
        match hir.kind() {
            HirKind::Empty => true,
            HirKind::Literal(literal) => !literal.0.contains(&b'\n'),
            HirKind::Class(Class::Unicode(class)) => class
                .ranges()
                .iter()
                .all(|r| !(r.start()..=r.end()).contains(&'\n')),
            HirKind::Class(Class::Bytes(class)) => class
                .ranges()
                .iter()
                .all(|r| !(r.start()..=r.end()).contains(&b'\n')),
            HirKind::Look(look) => !matches!(look, Look::End | Look::StartCRLF | Look::EndCRLF),
            HirKind::Repetition(rep) => no_newline(&rep.sub),
            HirKind::Capture(capture) => no_newline(&capture.sub),
            HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().all(no_newline),
        }
    }
    hir.properties().minimum_len().is_some_and(|n| n > 0) && no_newline(hir)
}

/// The whole language of `hir` when it is a small finite set of strings.
fn exact(hir: &Hir) -> Option<Set> {
    match hir.kind() {
        // Empty and look-arounds match the empty string (a look only where it holds).
        HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(literal) => Some(vec![literal.0.to_vec()]),
        HirKind::Class(Class::Unicode(class)) => {
            let count: u32 = class
                .ranges()
                .iter()
                .map(|r| r.end() as u32 - r.start() as u32 + 1)
                .sum();
            if count as usize > MAX_STRINGS {
                return None;
            }
            Some(
                class
                    .ranges()
                    .iter()
                    .flat_map(|r| (r.start() as u32..=r.end() as u32).filter_map(char::from_u32))
                    .map(|c| c.to_string().into_bytes())
                    .collect(),
            )
        }
        HirKind::Class(Class::Bytes(class)) => {
            let count: usize = class
                .ranges()
                .iter()
                .map(|r| usize::from(r.end() - r.start()) + 1)
                .sum();
            (count <= MAX_STRINGS).then(|| {
                class
                    .ranges()
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .map(|b| vec![b])
                    .collect()
            })
        }
        HirKind::Capture(capture) => exact(&capture.sub),
        HirKind::Repetition(rep) => {
            let sub = exact(&rep.sub)?;
            match (rep.min, rep.max) {
                (1, Some(1)) => Some(sub),
                (0, Some(1)) => union(vec![Vec::new()], sub),
                _ => None,
            }
        }
        HirKind::Concat(subs) => subs
            .iter()
            .try_fold(vec![Vec::new()], |acc, sub| product(&acc, &exact(sub)?)),
        HirKind::Alternation(subs) => subs
            .iter()
            .try_fold(Vec::new(), |acc, sub| union(acc, exact(sub)?)),
    }
}

/// A set one of which every match of `hir` contains, none empty.
fn required_in(hir: &Hir) -> Option<Set> {
    required_in_by(hir, best)
}

/// `required_in`, taking from the sets a concatenation offers the one `pick` chooses.
fn required_in_by(hir: &Hir, pick: fn(Vec<Set>) -> Option<Set>) -> Option<Set> {
    if let Some(set) = exact(hir).filter(|set| set.iter().all(|s| !s.is_empty())) {
        return Some(set);
    }
    match hir.kind() {
        HirKind::Capture(capture) => required_in_by(&capture.sub, pick),
        HirKind::Repetition(rep) if rep.min >= 1 => {
            // `x{3,}` holds `xxx`.
            repeated(rep.min, &rep.sub).or_else(|| required_in_by(&rep.sub, pick))
        }
        // Each branch's most selective set, or, when together they are too many strings
        // (`HYPERLINK\s` is 25), each branch's smallest: `HYPERLINK`.
        HirKind::Alternation(subs) => {
            let union_by = |pick| {
                subs.iter().try_fold(Vec::new(), |acc, sub| {
                    union(acc, required_in_by(sub, pick)?)
                })
            };
            union_by(pick).or_else(|| union_by(smallest))
        }
        HirKind::Concat(subs) => pick(concat_candidates(subs)),
        _ => None,
    }
}

/// `sub` repeated `min` times, when `sub` is exact and the result small.
fn repeated(min: u32, sub: &Hir) -> Option<Set> {
    let one = exact(sub)?;
    (0..min.min(4)).try_fold(vec![Vec::new()], |acc, _| product(&acc, &one))
}

/// Sets a concatenation's matches must contain: each part's own, and runs of adjacent exact
/// parts joined. A repetition `x{n,}` of an exact `x` ends one run with its first `n`
/// iterations and starts the next with its last `n`.
fn concat_candidates(subs: &[Hir]) -> Vec<Set> {
    let mut candidates: Vec<Set> = subs.iter().filter_map(required_in).collect();
    let mut run: Set = vec![Vec::new()];
    for sub in subs {
        if let Some(part) = exact(sub) {
            match product(&run, &part) {
                Some(joined) => run = joined,
                None => {
                    candidates.push(std::mem::replace(&mut run, part));
                }
            }
            continue;
        }
        if let Some(part) = repeated_edge(sub) {
            if let Some(joined) = product(&run, &part) {
                candidates.push(joined);
            }
            candidates.push(std::mem::replace(&mut run, part));
            continue;
        }
        candidates.push(std::mem::replace(&mut run, vec![Vec::new()]));
    }
    candidates.push(run);
    candidates.retain(|set| set.iter().all(|s| !s.is_empty()));
    candidates
}

/// For `x{n,}` (n ≥ 1, `x` exact, possibly inside a capture group): `x` repeated `n` times.
fn repeated_edge(hir: &Hir) -> Option<Set> {
    match hir.kind() {
        HirKind::Capture(capture) => repeated_edge(&capture.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => repeated(rep.min, &rep.sub),
        _ => None,
    }
}

/// The most selective set: longest shortest string, then fewest strings.
fn best(candidates: Vec<Set>) -> Option<Set> {
    candidates.into_iter().max_by_key(|set| {
        let shortest = set.iter().map(Vec::len).min().unwrap_or(0);
        (shortest, std::cmp::Reverse(set.len()))
    })
}

/// The set of fewest strings, then the most selective of those.
fn smallest(candidates: Vec<Set>) -> Option<Set> {
    candidates.into_iter().min_by_key(|set| {
        let shortest = set.iter().map(Vec::len).min().unwrap_or(0);
        (set.len(), std::cmp::Reverse(shortest))
    })
}

fn product(left: &Set, right: &Set) -> Option<Set> {
    if left.len() * right.len() > MAX_STRINGS {
        return None;
    }
    let mut out: Set = left
        .iter()
        .flat_map(|l| right.iter().map(move |r| [l.as_slice(), r].concat()))
        .collect();
    out.sort();
    out.dedup();
    Some(out)
}

fn union(mut left: Set, right: Set) -> Option<Set> {
    left.extend(right);
    left.sort();
    left.dedup();
    (left.len() <= MAX_STRINGS).then_some(left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(pattern: &str) -> Option<Vec<String>> {
        required(pattern).map(|set| {
            set.into_iter()
                .map(|s| String::from_utf8(s).unwrap())
                .collect()
        })
    }

    #[test]
    fn finds_the_literals_of_rule_regexes() {
        assert_eq!(
            strings(r"[\p{L}\p{N}”’》](?P<dot>[•・‧∙])[\p{L}\p{N}“‘《]").unwrap(),
            ["•", "‧", "∙", "・"]
        );
        assert_eq!(
            strings(r"(?:^|[^。])(?P<d>。。)(?:[^。]|$)").unwrap(),
            ["。。"]
        );
        assert_eq!(strings(r"(?P<e>…+等(?:等)?)").unwrap(), ["…等", "…等等"]);
        assert_eq!(strings(r"(?P<e>\.{3,}|。{3,})").unwrap(), ["...", "。。。"]);
        assert_eq!(
            strings(r"(?P<a>\d)(?P<gap1>[ \u{A0}]+)(?P<b>\p{Han})|(?P<c>\p{Han})(?P<gap2>[ \u{A0}]+)(?P<d>\d)")
                .unwrap(),
            [" ", "\u{A0}"]
        );
        assert_eq!(
            strings(r"\d+(?:亿元|元)[，,]?\s*(?:比|较)(?:上年)?\d+").unwrap(),
            ["比", "较"]
        );
        assert_eq!(
            strings(r"\d年(?P<zero>0)[1-2]月").unwrap(),
            ["年01月", "年02月"]
        );
    }

    /// Branches whose most selective sets are too many together give their smallest ones.
    #[test]
    fn alternations_of_many_strings_fall_back_to_fewer() {
        let spaced = (0..6)
            .map(|i| format!(r"\bWORD{i}\s+\S+"))
            .collect::<Vec<_>>()
            .join("|");
        assert_eq!(required(r"WORD0\s").map(|s| s.len()), Some(25));
        let words: Vec<String> = (0..6).map(|i| format!("WORD{i}")).collect();
        assert_eq!(strings(&spaced).unwrap(), words);
        assert_eq!(strings(&format!("{spaced}|&amp;")).unwrap().len(), 7);
    }

    #[test]
    fn tells_patterns_that_stay_on_one_line() {
        assert!(stays_on_one_line(r"(?m)^(?P<ws>[ \t\u{A0}]+)[\p{Han}（]"));
        assert!(stays_on_one_line(r"(?m)^.+$"));
        assert!(stays_on_one_line(r"\b\d+\b"));
        assert!(!stays_on_one_line(r"[\s\S]+"));
        assert!(!stays_on_one_line(r"a\s+b"));
        assert!(!stays_on_one_line(r"a\z"));
        assert!(!stays_on_one_line(r"(?m)^$"));
        assert!(!stays_on_one_line(r"a?"));
    }

    #[test]
    fn knows_when_it_knows_nothing() {
        assert_eq!(strings(r"\d\p{Han}|\p{Han}\d"), None);
        assert_eq!(strings(r"^.+$"), None);
        assert_eq!(strings(r"[\s\S]+"), None);
        assert_eq!(strings(r"a?b*"), None);
        assert_eq!(strings(r"a|\p{Han}"), None);
    }

    /// Soundness on real text: a line the regex matches always holds a required literal.
    #[test]
    fn every_match_holds_a_literal() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut text = String::new();
        for entry in std::fs::read_dir(root.join("seeds")).unwrap() {
            text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
        let mut patterns = Vec::new();
        for (_, yaml) in crate::rules::builtin_packs() {
            for line in yaml.lines() {
                let line = line.trim_start().trim_start_matches("- ");
                if let Some(rest) = line.strip_prefix("pattern: '") {
                    patterns.push(rest.trim_end().trim_end_matches('\'').replace("''", "'"));
                }
            }
        }
        assert!(patterns.len() > 20, "{patterns:?}");
        let mut checked = 0;
        for pattern in &patterns {
            let (Ok(regex), Some(set)) = (regex::Regex::new(pattern), required(pattern)) else {
                continue;
            };
            let finder = aho_corasick::AhoCorasick::new(&set).unwrap();
            for m in regex.find_iter(&text) {
                assert!(finder.is_match(m.as_str()), "{pattern}: {:?}", m.as_str());
                checked += 1;
            }
        }
        assert!(checked > 100);
    }
}
