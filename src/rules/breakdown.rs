//! `breakdown`: a total and the parts listed right after it must agree
//! (`共排查隐患点40处，其中山洪隐患10处、内涝隐患20处、地质灾害隐患5处`). Parts are read only
//! where the text lists them as a breakdown: after `其中` or inside the brackets that follow the
//! total, separated by 顿号, each with the total's own unit, and the list closed (no 等).

use std::borrow::Cow;

use serde::Deserialize;

use super::figures::{Interval, Stated};
use super::load::LazyRegex;
use super::{Check, Context, RuleMeta, Scope, Sink};
use crate::diagnostic::Span;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The units a total and its parts share (`处`, `家`, `万元`).
    units: Vec<String>,
    /// Words that make a part's label a change or a comparison, not a part (`增长`, `同比`).
    #[serde(default)]
    not_in_label: Vec<String>,
}

/// The most characters a part's label has (`山洪隐患` in `山洪隐患10处`).
const MAX_LABEL: usize = 20;

pub struct Breakdown {
    scope: Scope,
    /// The units, longest first.
    units: Vec<String>,
    /// What a total's opening starts with, or holds right after its comma (`（`, `(`, `其中`
    /// in `，其中`): a span where no opening follows a unit after a digit holds no total, and
    /// the total regex, which has no literal to start from, is not run on it.
    openings: [memchr::memmem::Finder<'static>; 3],
    /// Compiled when a span first may hold a breakdown (`LazyRegex`).
    total: LazyRegex,
    part: LazyRegex,
    not_in_label: Vec<String>,
}

impl Breakdown {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        if spec.units.is_empty() {
            return Err(format!("规则 {}：units 不能为空", meta.id));
        }
        let mut units = spec.units.clone();
        // Longest first, so that 万元 is read before 元.
        units.sort_by_key(|u| std::cmp::Reverse(u.len()));
        let alternatives = units
            .iter()
            .map(|u| regex::escape(u))
            .collect::<Vec<_>>()
            .join("|");
        let number = r"\d+(?:\.\d+)?";
        let total = LazyRegex::new(&format!(
            r"(?P<total>{number})(?P<unit>{alternatives})(?P<open>[，,]其中[：:，,]?|（其中[：:，,]?|\(其中[：:，,]?|（|\()"
        ))?;
        // The label runs up to the first digit, so the pattern need not count its characters
        // (`{1,20}?` made 20 copies of a class of all of Unicode but `\d`: ten times the
        // regex); `parts` refuses a longer one, which is what the bound did.
        let part = LazyRegex::new(&format!(
            r"^(?:和|及|以及)?(?P<label>[^\d、，,。；;（）()%％：:]+?)(?P<number>{number})(?P<unit>{alternatives})"
        ))?;
        let openings = ["（", "(", "其中"].map(memchr::memmem::Finder::new);
        Ok(Breakdown {
            scope: meta.scope.unwrap_or(Scope::Body),
            units,
            openings,
            total,
            part,
            not_in_label: spec.not_in_label,
        })
    }

    /// The parts listed at the start of `rest`, when they form a closed list in `unit`: their
    /// values (as stated) and whether the list ends where a breakdown ends.
    fn parts<'t>(&self, rest: &'t str, unit: &str, bracketed: bool) -> Option<Vec<&'t str>> {
        let mut values = Vec::new();
        let mut at = 0;
        loop {
            let captures = self.part.get()?.captures(&rest[at..])?;
            let label = &captures["label"];
            if label.chars().count() > MAX_LABEL {
                return None;
            }
            if &captures["unit"] != unit
                || self.not_in_label.iter().any(|w| label.contains(w.as_str()))
            {
                return None;
            }
            values.push(captures.name("number").expect("number").as_str());
            at += captures.get(0).expect("match").end();
            let next = rest[at..].chars().next();
            match next {
                Some('、') => at += '、'.len_utf8(),
                // A list in brackets closes with them; after 其中 it closes the sentence or
                // the clause.
                Some('）' | ')') if bracketed => break,
                Some('。' | '；' | ';') | None if !bracketed => break,
                _ => return None,
            }
        }
        (values.len() >= 2).then_some(values)
    }

    /// Whether some opening in `haystack` follows a unit that follows a digit, as in every
    /// match of `total` (`numeric` takes in every `\d`).
    fn may_hold_total(&self, haystack: &str) -> bool {
        let [full_bracket, bracket, among] = &self.openings;
        let after_unit = |before: &str| {
            self.units.iter().any(|unit| {
                before
                    .strip_suffix(unit.as_str())
                    .is_some_and(|number| number.chars().next_back().is_some_and(char::is_numeric))
            })
        };
        let bytes = haystack.as_bytes();
        full_bracket
            .find_iter(bytes)
            .chain(bracket.find_iter(bytes))
            .any(|at| after_unit(&haystack[..at]))
            || among.find_iter(bytes).any(|at| {
                haystack[..at]
                    .strip_suffix(['，', ','])
                    .is_some_and(after_unit)
            })
    }
}

/// A stated figure as an interval: a whole number counts exactly (40处 is 40), a decimal
/// stands for every value it may have been rounded from (2.5万元 is [2.45, 2.55)).
fn stated(text: &str) -> Option<Interval> {
    let stated = Stated::parse(text)?;
    Some(if stated.decimals == 0 {
        stated.exact().interval()
    } else {
        stated.interval()
    })
}

impl Check for Breakdown {
    fn regexes(&self) -> Vec<&LazyRegex> {
        vec![&self.total, &self.part]
    }

    fn placeholders(&self) -> Vec<&str> {
        vec!["sum", "parts", "total", "unit"]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let text = ctx.text();
        for &scope_span in ctx.spans(self.scope) {
            let haystack = scope_span.text(text);
            if !self.may_hold_total(haystack) {
                continue;
            }
            let Some(totals) = self.total.get() else {
                return;
            };
            for captures in totals.captures_iter(haystack) {
                let whole = captures.get(0).expect("match");
                let unit = &captures["unit"];
                let open = &captures["open"];
                let bracketed = open.starts_with(['（', '(']);
                let Some(parts) = self.parts(&haystack[whole.end()..], unit, bracketed) else {
                    continue;
                };
                let Some(total) = stated(&captures["total"]) else {
                    continue;
                };
                let Some(sum) = parts
                    .iter()
                    .map(|p| stated(p))
                    .try_fold(Interval::point(0.0), |sum, part| Some(sum.add(part?)))
                else {
                    continue;
                };
                if sum.overlaps(total) {
                    continue;
                }
                let sum: f64 = parts.iter().filter_map(|p| p.parse::<f64>().ok()).sum();
                let decimals = parts
                    .iter()
                    .chain(std::iter::once(&&captures["total"]))
                    .filter_map(|p| p.split_once('.').map(|(_, f)| f.len()))
                    .max()
                    .unwrap_or(0);
                let sum = format!("{sum:.decimals$}");
                let listed = parts.join("+");
                let total_match = captures.name("total").expect("total");
                let span = Span::new(total_match.start(), total_match.end() + unit.len())
                    .shift(scope_span.start);
                let vars = |name: &str| -> Option<Cow<str>> {
                    match name {
                        "sum" => Some(Cow::Borrowed(sum.as_str())),
                        "parts" => Some(Cow::Borrowed(listed.as_str())),
                        "total" => Some(Cow::Borrowed(&captures["total"])),
                        "unit" => Some(Cow::Borrowed(unit)),
                        _ => None,
                    }
                };
                sink.report(span, vars, None);
            }
        }
    }
}

#[cfg(test)]
mod tests {

    const PACK: &str = "
- id: data/test
  kind: breakdown
  severity: error
  message: '{parts}={sum}，总数{total}{unit}'
  explain: 测试
  units: [处, 家, 万元, 元]
  not_in_label: [增长, 同比]
  examples: { invalid: ['共40处，其中甲10处、乙20处。'], valid: ['共30处，其中甲10处、乙20处。'] }
";

    fn messages(text: &str) -> Vec<String> {
        crate::rules::test_messages(PACK, text)
    }

    /// Every way a total opens its parts gets past the quick test that skips spans without one.
    #[test]
    fn every_opening_is_read() {
        for text in [
            "共40处，其中甲10处、乙20处。",
            "共40处,其中甲10处、乙20处。",
            "共40处，其中：甲10处、乙20处。",
            "共40处（其中甲10处、乙20处），全部完成。",
            "共40处(其中甲10处、乙20处)，全部完成。",
            "共40处（甲10处、乙20处），全部完成。",
            "共40处(甲10处、乙20处)，全部完成。",
            "共2.5万元（甲1万元、乙1万元），全部完成。",
        ] {
            assert_eq!(messages(text).len(), 1, "{text}");
        }
    }

    #[test]
    fn parts_that_do_not_add_up() {
        assert_eq!(
            messages("全区共排查隐患点40处，其中山洪隐患10处、内涝隐患20处、地质灾害隐患5处。"),
            ["10+20+5=35，总数40处"]
        );
        assert_eq!(
            messages("户管清单4718家（镇域企业2506家、管镇企业2312家），"),
            ["2506+2312=4818，总数4718家"]
        );
    }

    #[test]
    fn parts_that_add_up_or_are_no_breakdown() {
        assert!(messages("户管清单4718家（镇域企业2506家、管镇企业2212家），").is_empty());
        assert!(messages("共投入5.5万元，其中甲2.3万元、乙3.2万元。").is_empty());
        assert!(
            messages("共40处，其中甲10处、乙20处等。").is_empty(),
            "open list"
        );
        assert!(
            messages("共40处，其中甲10处，乙20处，丙5处。").is_empty(),
            "not a 顿号 list"
        );
        assert!(
            messages("共40处，其中甲10处、乙20家。").is_empty(),
            "another unit"
        );
        assert!(
            messages("共40万元，其中甲增长10万元、乙20万元。").is_empty(),
            "a change"
        );
        assert!(messages("共40处，其中甲10处。").is_empty(), "one part");
        let label = "甲".repeat(20);
        assert_eq!(
            messages(&format!("共40处，其中{label}10处、乙20处。")).len(),
            1,
            "a label of 20 characters"
        );
        assert!(
            messages(&format!("共40处，其中{label}甲10处、乙20处。")).is_empty(),
            "a label of 21 characters is no part"
        );
        assert_eq!(
            messages(&format!("共40处，其中甲10处、以及{label}20处。")).len(),
            1,
            "以及 is not part of the label"
        );
        assert!(
            messages(&format!("共40处，其中甲10处、以及{label}甲20处。")).is_empty(),
            "nor of its length"
        );
    }

    #[test]
    fn rounding_is_no_mismatch() {
        assert!(messages("共5.6万元，其中甲2.33万元、乙3.24万元。").is_empty());
        assert_eq!(messages("共5.7万元，其中甲2.33万元、乙3.24万元。").len(), 1);
    }
}
