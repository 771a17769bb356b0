//! Figures as a sentence states them: a number with its stated precision, an order of
//! magnitude (万, 亿) and a unit (亿元, 万人, 公顷, %, 个百分点, 倍), and the interval
//! arithmetic that lets rules compare them without firing on rounding (RULES A.6: 13.88
//! stands for [13.875, 13.885)). Shared by the kinds that do sums over a sentence's figures.

use std::sync::OnceLock;

use regex::Regex;

/// A number as the text states it: its value and how many decimals it gives.
#[derive(Clone, Copy, Debug)]
pub struct Stated {
    pub value: f64,
    pub decimals: usize,
}

impl Stated {
    /// `13.88`, `1,234`: digits with an optional decimal part and thousands separators.
    pub fn parse(text: &str) -> Option<Stated> {
        let clean: String = text.chars().filter(|c| *c != ',').collect();
        let value = clean.parse().ok()?;
        let decimals = clean.split_once('.').map_or(0, |(_, frac)| frac.len());
        Some(Stated { value, decimals })
    }

    /// Every value the text may have been rounded from.
    pub fn interval(self) -> Interval {
        if self.decimals == usize::MAX {
            return Interval::point(self.value);
        }
        let half = 0.5 * 10f64.powi(-(self.decimals as i32));
        Interval {
            lo: self.value - half,
            hi: self.value + half,
        }
    }

    /// The value taken at its word: no rounding interval.
    pub fn exact(self) -> Stated {
        Stated {
            value: self.value,
            decimals: usize::MAX,
        }
    }
}

/// A closed interval of reals; the arithmetic keeps every value the operands may take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
}

impl Interval {
    pub fn point(v: f64) -> Self {
        Interval { lo: v, hi: v }
    }

    pub fn overlaps(self, other: Interval) -> bool {
        // A hair of slack for floating-point error at the shared edge.
        let eps = 1e-9 * (1.0 + self.hi.abs().max(other.hi.abs()));
        self.lo <= other.hi + eps && other.lo <= self.hi + eps
    }

    fn hull(values: [f64; 4]) -> Self {
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Interval { lo, hi }
    }

    pub fn neg(self) -> Self {
        Interval {
            lo: -self.hi,
            hi: -self.lo,
        }
    }

    pub fn abs(self) -> Self {
        if self.lo >= 0.0 {
            self
        } else if self.hi <= 0.0 {
            self.neg()
        } else {
            Interval {
                lo: 0.0,
                hi: self.hi.max(-self.lo),
            }
        }
    }

    pub fn add(self, b: Interval) -> Self {
        Interval {
            lo: self.lo + b.lo,
            hi: self.hi + b.hi,
        }
    }

    pub fn sub(self, b: Interval) -> Self {
        self.add(b.neg())
    }

    pub fn mul(self, b: Interval) -> Self {
        let a = self;
        Interval::hull([a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi])
    }

    /// `None` when the divisor may be zero.
    pub fn div(self, b: Interval) -> Option<Self> {
        if b.lo <= 0.0 && b.hi >= 0.0 {
            return None;
        }
        let a = self;
        Some(Interval::hull([
            a.lo / b.lo,
            a.lo / b.hi,
            a.hi / b.lo,
            a.hi / b.hi,
        ]))
    }

    pub fn scale(self, factor: f64) -> Self {
        self.mul(Interval::point(factor))
    }
}

/// What a figure measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// A quantity in a unit (亿元, 万人, 公顷) or a bare number.
    Amount,
    /// `12.5%`
    Percent,
    /// `3个百分点`
    Points,
    /// `2倍`
    Times,
}

/// One figure of a sentence.
#[derive(Clone, Debug)]
pub struct Figure<'t> {
    /// The whole figure as written (`10.5亿元`).
    pub text: &'t str,
    pub number: Stated,
    /// 万 = 1e4, 亿 = 1e8, 万亿 = 1e12; 1 without one.
    pub magnitude: f64,
    /// The unit after the magnitude (`元`, `人`, `` for a bare number, `%`).
    pub unit: &'t str,
    pub measure: Measure,
}

/// Units a figure may carry, longest first where one is a prefix of another.
const UNITS: &str = "美元|元|人次|人|户|家|个|项|件|套|辆|吨标准煤|吨|千瓦时|千瓦|公里|千米|平方公里|平方米|立方米|米|公顷|亩|张|所|座|台|艘|架|篇|名|株|棵|头|只|批|场|册|份|栋|间|张床|床|标箱|千克|公斤|例|宗|处|幢|笔|小时";

/// The regex source of one figure, for kinds that build sentence patterns around figures:
/// digits, an optional magnitude and a unit, a percent sign, 个百分点 or 倍 (个百分点 before
/// the unit 个: alternatives are tried in order).
pub fn figure_pattern() -> String {
    format!(
        r"\d+(?:,\d{{3}})*(?:\.\d+)?(?:个百分点|[%％]|倍|(?:万亿|千亿|亿|千万|百万|万)(?:{UNITS})?|{UNITS})?"
    )
}

fn figure_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"^(?P<n>\d+(?:,\d{{3}})*(?:\.\d+)?)(?P<m>万亿|千亿|亿|千万|百万|万)?(?P<u>{UNITS}|[%％]|个百分点|倍)?$"
        ))
        .expect("figure regex")
    })
}

impl<'t> Figure<'t> {
    /// Reads a whole figure (`10.5亿元`, `30.0%`, `3个百分点`); `None` for anything else.
    pub fn parse(text: &'t str) -> Option<Figure<'t>> {
        let captures = figure_re().captures(text)?;
        let number = Stated::parse(captures.name("n")?.as_str())?;
        let magnitude = match captures.name("m").map(|m| m.as_str()) {
            None => 1.0,
            Some("万") => 1e4,
            Some("百万") => 1e6,
            Some("千万") => 1e7,
            Some("亿") => 1e8,
            Some("千亿") => 1e11,
            Some(_) => 1e12,
        };
        let unit = captures.name("u").map_or("", |u| u.as_str());
        let measure = match unit {
            "%" | "％" => Measure::Percent,
            "个百分点" => Measure::Points,
            "倍" => Measure::Times,
            _ => Measure::Amount,
        };
        if measure != Measure::Amount && magnitude != 1.0 {
            return None;
        }
        Some(Figure {
            text,
            number,
            magnitude,
            unit,
            measure,
        })
    }

    /// The values the figure may stand for, in its base unit (亿元 in 元).
    pub fn interval(&self) -> Interval {
        self.number.interval().scale(self.magnitude)
    }

    /// The value as stated, in the base unit.
    pub fn value(&self) -> f64 {
        self.number.value * self.magnitude
    }

    /// Two figures of one kind and unit, so that their difference means something
    /// (`12.6亿元` and `10500万元` are; `12.6亿元` and `3000人` are not).
    pub fn comparable(&self, other: &Figure) -> bool {
        self.measure == other.measure && self.unit == other.unit
    }

    /// `value` (in the base unit) written in this figure's magnitude and unit, with its
    /// decimals (one more when the stated figure gives none and the value is not whole).
    pub fn format_like(&self, value: f64) -> String {
        let scaled = value / self.magnitude;
        let mut decimals = self.number.decimals.min(6);
        if decimals == 0 && (scaled - scaled.round()).abs() > 1e-9 {
            decimals = 1;
        }
        let magnitude = &self.text[..self.text.len() - self.unit.len()];
        let magnitude =
            magnitude.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',');
        format!("{scaled:.decimals$}{magnitude}{}", self.unit)
    }
}

/// Every figure of `text` with its byte range, left to right; a figure written with a word
/// of approximation (约, 近, 超, 多, 余, 左右, 以上) is marked, so that callers can stay silent.
#[allow(dead_code)] // the sentence-level API for data/share and data/pp-arithmetic (issue 15)
pub fn figures(text: &str) -> impl Iterator<Item = (std::ops::Range<usize>, Figure<'_>, bool)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(&figure_pattern()).expect("figure pattern"));
    re.find_iter(text).filter_map(move |m| {
        // A digit run cut out of a longer token (a date, a code) is not a figure.
        if text[..m.start()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
        {
            return None;
        }
        let figure = Figure::parse(m.as_str())?;
        Some((m.range(), figure, is_approximate(text, m.start(), m.end())))
    })
}

/// A figure at `start..end` of `text` hedged by a word of approximation before or after it.
pub fn is_approximate(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = &text[end..];
    matches!(before, Some('约' | '近' | '逾' | '超' | '过'))
        || ["多", "余", "左右", "以上", "以下", "上下", "之多"]
            .iter()
            .any(|w| after.starts_with(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_carry_magnitude_unit_and_precision() {
        let f = Figure::parse("10.5亿元").unwrap();
        assert_eq!(
            (f.magnitude, f.unit, f.measure),
            (1e8, "元", Measure::Amount)
        );
        assert_eq!(f.number.decimals, 1);
        assert!(f.interval().overlaps(Interval::point(10.54e8)));
        assert!(!f.interval().overlaps(Interval::point(10.56e8)));
        let g = Figure::parse("105000万元").unwrap();
        assert!(f.comparable(&g));
        assert!(!f.comparable(&Figure::parse("3000人").unwrap()));
        assert_eq!(Figure::parse("30.0%").unwrap().measure, Measure::Percent);
        assert_eq!(Figure::parse("3个百分点").unwrap().measure, Measure::Points);
        assert_eq!(Figure::parse("2倍").unwrap().measure, Measure::Times);
        assert!(Figure::parse("3万%").is_none());
        assert!(Figure::parse("十亿元").is_none());
    }

    #[test]
    fn approximate_figures_are_marked() {
        let text = "约10亿元，超过5万人，达到8000多户，3%左右，增长7%";
        let marks: Vec<(&str, bool)> = figures(text)
            .map(|(r, _, approx)| (&text[r], approx))
            .collect();
        assert_eq!(
            marks,
            [
                ("10亿元", true),
                ("5万人", true),
                ("8000", true),
                ("3%", true),
                ("7%", false)
            ]
        );
    }

    #[test]
    fn formatting_follows_the_stated_figure() {
        assert_eq!(Figure::parse("30.0%").unwrap().format_like(20.0), "20.0%");
        assert_eq!(Figure::parse("12亿元").unwrap().format_like(10e8), "10亿元");
        assert_eq!(
            Figure::parse("12亿元").unwrap().format_like(10.5e8),
            "10.5亿元"
        );
    }

    #[test]
    fn interval_division_refuses_zero() {
        let a = Interval::point(1.0);
        assert!(a.div(Interval { lo: -1.0, hi: 1.0 }).is_none());
        assert_eq!(a.div(Interval::point(2.0)), Some(Interval::point(0.5)));
    }
}
