//! `growth`: a sentence that states a figure, its base and the change between them must add
//! up, in the phrasings reports use:
//!
//! - `A，比上年（同期）B增长C`, `A，较上年的B下降C`, `比2020年B`: current, base, change;
//! - `由B增加到A，增长C`: base, current, change;
//! - `A，同比增长C，增幅D%`: current, change, rate (the base is A − C).
//!
//! The change is an amount in A's unit (万元 and 亿元 converted), a rate (`%`), percentage
//! points between two rates (`个百分点`) or a multiple (`倍`); a second rate may follow
//! (`增长6.39亿元，增幅45.4%`). Figures are compared as intervals from their stated precision
//! (`figures.rs`), so rounding never fires. A hedged figure (约, 多, 左右), figures of two
//! units, or a rate of rates (`由10%提高到12%，增长2%`: points or percent?) leave the sentence
//! unchecked.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::{Captures, Regex};
use serde::Deserialize;

use super::figures::{figure_pattern, is_approximate, Figure, Interval, Measure};
use super::requires::Requires;
use super::{Check, Context, RuleMeta, Scope, Sink};
use crate::diagnostic::Span;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Literals every checked sentence contains (比, 由, 幅 …); others are skipped.
    requires: Requires,
}

pub struct Growth {
    scope: Scope,
    requires: Requires,
}

impl Growth {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        Ok(Growth {
            scope: meta.scope.unwrap_or(Scope::Body),
            requires: spec.requires,
        })
    }
}

/// How many sentence shapes there are (`statement`).
const SHAPES: usize = 3;

/// Literals one of which every match of each shape contains (its `比|较`, `[由从]`, rate word):
/// a span without them skips the shape, which is compiled the first time a span has them.
const SHAPE_NEEDS: [&[&str]; SHAPES] = [
    &["比", "较"],
    &["由", "从"],
    &["增幅", "降幅", "减幅", "增速"],
];

/// The three sentence shapes, in order of precedence: a later shape is not tried where an
/// earlier one matched.
fn statement(shape: usize) -> &'static Regex {
    static RES: [OnceLock<Regex>; SHAPES] = [const { OnceLock::new() }; SHAPES];
    RES[shape].get_or_init(|| {
        let fig = figure_pattern();
        let verb = "增长|增加|提高|上升|提升|下降|减少|降低|下滑|回落";
        let period = r"(?:去年同期|上年同期|去年|上年度|上年|同期|上一年度|上一年|\d{4}年(?:同期|底|末)?)";
        let rate = r"(?:[，,](?:增幅|降幅|减幅|增速|增长|下降|减少)(?:为|达到|达)?(?P<d>\d+(?:\.\d+)?[%％]))?";
        let change = format!(r"(?P<verb>{verb})了?(?P<c>{fig}){rate}");
        let source = match shape {
            0 => format!(
                r"(?P<a>{fig})[，,]?(?:比|较){period}的?(?P<b>{fig})[，,]?{change}"
            ),
            1 => format!(
                r"[由从](?P<b>{fig})(?:{verb}|扩大|缩小)?[到至](?P<a>{fig})[，,](?:同比|比上年)?{change}"
            ),
            _ => format!(
                r"(?P<a>{fig})[，,](?:同比|比上年同期|比去年同期|比上年|比去年|较上年)?(?P<verb>{verb})了?(?P<c>{fig})[，,](?:增幅|降幅|减幅|增速)(?:为|达到|达)?(?P<d>\d+(?:\.\d+)?[%％])"
            ),
        };
        Regex::new(&source).expect("growth regex")
    })
}

fn is_up(verb: &str) -> bool {
    matches!(verb, "增长" | "增加" | "提高" | "上升" | "提升")
}

/// One figure that disagrees with the others.
struct Mismatch<'t> {
    /// The stated figure, reported.
    span: std::ops::Range<usize>,
    what: &'static str,
    /// What the other figures give, with its verb (`增长20.0%`).
    expected: String,
    /// The verb and figure as written (`增长30.0%`).
    stated: String,
    a: &'t str,
    b: String,
}

/// The change `c` stated as `verb`, against current `a` and base `b` (its interval and its
/// value as stated).
fn check_change<'t>(
    a: &Figure<'t>,
    b: (Interval, f64),
    b_text: &str,
    verb: &str,
    c: &Figure<'t>,
    c_range: std::ops::Range<usize>,
) -> Option<Mismatch<'t>> {
    let up = is_up(verb);
    let sign = if up { 1.0 } else { -1.0 };
    let what = match c.measure {
        Measure::Amount if c.comparable(a) => "增减额",
        Measure::Percent if a.measure == Measure::Amount => "增减幅度",
        Measure::Points if a.measure == Measure::Percent => "增减的百分点数",
        Measure::Times if a.measure == Measure::Amount && up => "增长倍数",
        _ => return None,
    };
    // Each operand once in each formula (a / b − 1, not (a − b) / b): interval arithmetic
    // treats two occurrences of b as independent and would widen the range.
    let change = |a: Interval, b: Interval| -> Option<Interval> {
        let change = match c.measure {
            Measure::Amount | Measure::Points => a.sub(b),
            Measure::Percent => a.div(b)?.sub(Interval::point(1.0)).scale(100.0),
            Measure::Times => a.div(b)?.sub(Interval::point(1.0)),
        };
        Some(change.scale(sign))
    };
    if change(a.interval(), b.0)?.overlaps(c.interval()) {
        return None;
    }
    let value = change(Interval::point(a.value()), Interval::point(b.1))?.lo;
    let (verb_word, shown) = if value < 0.0 {
        (opposite(verb), -value)
    } else {
        (verb, value)
    };
    Some(Mismatch {
        span: c_range,
        what,
        expected: format!("{verb_word}{}", c.format_like(shown)),
        stated: format!("{verb}{}", c.text),
        a: a.text,
        b: b_text.to_string(),
    })
}

fn opposite(verb: &str) -> &'static str {
    match verb {
        "增加" => "减少",
        "减少" => "增加",
        "提高" | "上升" | "提升" => "下降",
        "降低" => "提高",
        v if is_up(v) => "下降",
        _ => "增长",
    }
}

impl Check for Growth {
    fn placeholders(&self) -> Vec<&str> {
        vec!["what", "a", "b", "expected", "stated"]
    }

    fn requires(&self) -> Vec<&Requires> {
        vec![&self.requires]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let text = ctx.text();
        for scope_span in self.requires.admitted(ctx, self.scope) {
            let haystack = scope_span.text(text);
            let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
            for (shape, needs) in SHAPE_NEEDS.iter().enumerate() {
                if !needs.iter().any(|literal| haystack.contains(literal)) {
                    continue;
                }
                for captures in statement(shape).captures_iter(haystack) {
                    let whole = captures.get(0).expect("group 0").range();
                    if taken
                        .iter()
                        .any(|t| t.start < whole.end && whole.start < t.end)
                    {
                        continue;
                    }
                    taken.push(whole);
                    for mismatch in mismatches(haystack, &captures, shape) {
                        report(sink, scope_span.start, mismatch);
                    }
                }
            }
        }
    }
}

/// The figures of one matched statement that do not add up.
fn mismatches<'t>(haystack: &'t str, captures: &Captures<'t>, shape: usize) -> Vec<Mismatch<'t>> {
    let figure = |name: &str| {
        let m = captures.name(name)?;
        if is_approximate(haystack, m.start(), m.end()) {
            return None;
        }
        // A figure cut out of a longer number or code (`A12`, `3.2.1`) is not one.
        if haystack[..m.start()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return None;
        }
        Some((Figure::parse(m.as_str())?, m.range()))
    };
    let mut found = Vec::new();
    let (Some((a, _)), Some((c, c_range))) = (figure("a"), figure("c")) else {
        return found;
    };
    let verb = captures.name("verb").map_or("", |m| m.as_str());
    let rate = captures.name("d").and_then(|_| figure("d"));
    if captures.name("d").is_some() && rate.is_none() {
        return found;
    }
    let (b, b_text) = if shape == 2 {
        // `A，增长C，增幅D%`: the base is what A was before the change. (A appears twice in
        // the rate, so its interval is wider than the truth: this errs towards silence.)
        if !c.comparable(&a) || a.measure != Measure::Amount {
            return found;
        }
        let sign = if is_up(verb) { -1.0 } else { 1.0 };
        let b = a.interval().add(c.interval().scale(sign));
        ((b, a.value() + sign * c.value()), String::new())
    } else {
        let Some((b, _)) = figure("b") else {
            return found;
        };
        // Two figures of different units, or a rate of rates, say nothing checkable.
        if !a.comparable(&b) || (a.measure == Measure::Percent && c.measure == Measure::Percent) {
            return found;
        }
        let b_values = (b.interval(), b.value());
        found.extend(check_change(&a, b_values, b.text, verb, &c, c_range));
        (b_values, b.text.to_string())
    };
    if let Some((d, d_range)) = rate {
        if a.measure == Measure::Amount && c.measure != Measure::Percent {
            let verb = if is_up(verb) { "增长" } else { "下降" };
            found.extend(check_change(&a, b, &b_text, verb, &d, d_range));
        }
    }
    found
}

fn report(sink: &mut Sink, offset: usize, mismatch: Mismatch) {
    let span = Span::new(mismatch.span.start, mismatch.span.end).shift(offset);
    let b = if mismatch.b.is_empty() {
        "上期数".to_string()
    } else {
        mismatch.b.clone()
    };
    let vars = |name: &str| -> Option<Cow<str>> {
        Some(Cow::Borrowed(match name {
            "what" => mismatch.what,
            "a" => mismatch.a,
            "b" => b.as_str(),
            "expected" => mismatch.expected.as_str(),
            "stated" => mismatch.stated.as_str(),
            _ => return None,
        }))
    };
    sink.report(span, vars, None);
}

#[cfg(test)]
mod tests {
    use super::{statement, SHAPE_NEEDS};
    use crate::rules::RuleSet;

    fn run(text: &str) -> Vec<String> {
        let pack = "
- id: test/growth
  kind: growth
  severity: error
  message: '{what}|{b}|{a}|{expected}|{stated}'
  explain: 测试
  requires: [比, 较, 由, 从, 幅]
  examples: { invalid: ['x'], valid: ['y'] }
";
        let rules = RuleSet::from_packs([("t.yaml".into(), pack.to_string())]).unwrap();
        crate::engine::check_text(&rules, &format!("标题\n{text}\n"))
            .into_iter()
            .map(|d| d.message.to_string())
            .collect()
    }

    /// `SHAPE_NEEDS` is sound: each shape's regex is a sequence with a part that matches
    /// exactly its literals.
    #[test]
    fn each_shape_holds_its_literals() {
        use regex_syntax::hir::{literal::Extractor, HirKind};
        for (shape, needs) in SHAPE_NEEDS.iter().enumerate() {
            let hir = regex_syntax::Parser::new()
                .parse(statement(shape).as_str())
                .unwrap();
            let HirKind::Concat(parts) = hir.kind() else {
                panic!("shape {shape} is not a sequence");
            };
            let mut needed: Vec<&[u8]> = needs.iter().map(|l| l.as_bytes()).collect();
            needed.sort();
            let holds = parts.iter().any(|part| {
                let seq = Extractor::new().extract(part);
                seq.is_exact()
                    && seq.literals().is_some_and(|literals| {
                        let mut found: Vec<&[u8]> = literals.iter().map(|l| l.as_bytes()).collect();
                        found.sort();
                        found == needed
                    })
            });
            assert!(holds, "shape {shape} does not need {needs:?}");
        }
    }

    #[test]
    fn rate_against_base_and_current() {
        assert_eq!(
            run("全年实现营业收入12.6亿元，比上年10.5亿元增长30.0%。"),
            ["增减幅度|10.5亿元|12.6亿元|增长20.0%|增长30.0%"]
        );
        assert!(run("全年实现营业收入12.6亿元，比上年10.5亿元增长20.0%。").is_empty());
        assert_eq!(
            run("地区生产总值达到120亿元，较上年的100亿元增长30%。").len(),
            1
        );
    }

    #[test]
    fn units_are_converted_not_compared_raw() {
        assert!(run("完成投资1.2亿元，比上年10000万元增加2000万元。").is_empty());
        assert_eq!(
            run("完成投资1.2亿元，比上年10000万元增加3000万元。"),
            ["增减额|10000万元|1.2亿元|增加2000万元|增加3000万元"]
        );
        // Different units: nothing to compare.
        assert!(run("新增就业1.2万人，比上年10000户增加3000人。").is_empty());
    }

    #[test]
    fn from_base_to_current() {
        assert_eq!(
            run("一般公共预算收入由8.0亿元增加到9.0亿元，增长25.0%。"),
            ["增减幅度|8.0亿元|9.0亿元|增长12.5%|增长25.0%"]
        );
        assert!(run("一般公共预算收入由8.0亿元增加到9.0亿元，增长12.5%。").is_empty());
        assert!(run("城镇化率由52.2%提高到57.5%，提高5.3个百分点。").is_empty());
        assert_eq!(run("城镇化率由52.2%提高到57.5%，提高3个百分点。").len(), 1);
        // A rate of rates: points or percent? Silent.
        assert!(run("城镇化率由50%提高到60%，提高5%。").is_empty());
    }

    #[test]
    fn direction_and_second_rate() {
        assert_eq!(
            run("税收收入下降到9亿元，比上年10亿元减少20%。"),
            ["增减幅度|10亿元|9亿元|减少10%|减少20%"]
        );
        assert_eq!(
            run("新增企业120户，比上年100户减少20户。"),
            ["增减额|100户|120户|增加20户|减少20户"]
        );
        // 004:11: 6.39 is wrong, 45.4% agrees with 6.29.
        assert_eq!(
            run("完成税收20.17亿元，比去年同期13.88亿元增长6.39亿元，增幅45.4%。"),
            ["增减额|13.88亿元|20.17亿元|增长6.29亿元|增长6.39亿元"]
        );
        assert_eq!(
            run("完成税收20.17亿元，比去年同期13.88亿元增长6.29亿元，增幅55.4%。").len(),
            1
        );
    }

    #[test]
    fn current_change_and_rate() {
        assert!(run("完成税收20.17亿元，同比增长6.29亿元，增幅45.3%。").is_empty());
        assert_eq!(
            run("完成税收20.17亿元，同比增长6.29亿元，增幅35.3%。").len(),
            1
        );
    }

    #[test]
    fn hedged_or_annualised_figures_stay_silent() {
        assert!(run("营业收入约12.6亿元，比上年10.5亿元增长30%。").is_empty());
        assert!(run("营业收入12.6亿元，比上年10.5亿元增长30%左右。").is_empty());
        assert!(run("营业收入12.6亿元，比2020年10.5亿元年均增长3%。").is_empty());
        assert!(run("日均新设企业由5千多户增加到1万6千多户，增长2倍。").is_empty());
        assert!(run("收入12.6亿元，比上年增长20%。").is_empty());
    }

    #[test]
    fn multiples() {
        assert!(run("出口额3.0亿元，比上年1.0亿元增长2倍。").is_empty());
        assert_eq!(run("出口额3.0亿元，比上年1.0亿元增长3倍。").len(), 1);
        // Stated to the unit, 3 and 1 may be 2.5 and 1.5: 增长3倍 cannot be excluded.
        assert!(run("出口额3亿元，比上年1亿元增长3倍。").is_empty());
    }
}
