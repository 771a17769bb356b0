//! `layout`: the page and its type as GB/T 9704-2012 gives them, checked on a .docx's resolved
//! formatting (`docx::layout`). A rule names an element (the page, its page numbers, or a part
//! of the parsed document: title, body, headings by level, 发文机关标志, 成文日期, 附注, 版记), a
//! property, the expected value and a tolerance. One finding per rule and document, on the
//! first place that differs, saying how many places do; silent on .txt and .md.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;

use super::fonts;
use super::{Check, Context, RuleMeta, Sink};
use crate::diagnostic::Span;
use crate::docx::layout::{Layout, ParagraphFormat, RunFormat};
use crate::docx::props::Align;
use crate::docx::section::{Section, TWIPS_PER_MM};
use crate::docx::{DocxText, Origin, SIZE_NAMES};
use crate::model::{Document, Level, ParagraphKind, Region};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Element {
    Page,
    PageNumber,
    Masthead,
    Title,
    Body,
    Heading1,
    Heading2,
    Heading3,
    Heading4,
    Date,
    Note,
    Imprint,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Property {
    Paper,
    Margins,
    Grid,
    Form,
    Position,
    Font,
    Size,
    Color,
    Align,
    FirstLineIndent,
    RightIndent,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    element: Element,
    property: Property,
    /// The standard's value, in the property's own words: `仿宋`, `三号`, `居中`, `2` (characters),
    /// `210×297` (mm), `37 26 35 28` (top right bottom left, mm), `22×28`, `— # —`, `奇右偶左`.
    expected: String,
    /// How far a measured value may be off: mm for the page, points for sizes, characters for
    /// indents.
    #[serde(default)]
    tolerance: f64,
    /// The clause of GB/T 9704-2012 the value comes from.
    clause: String,
}

/// The expected value, parsed once.
#[derive(Debug)]
enum Expected {
    Paper(f64, f64),
    Margins([f64; 4]),
    Grid(u32, u32),
    Form(String, String),
    Outside,
    Family(String),
    /// Half-points.
    Size(u32),
    Red,
    Black,
    Align(Align),
    Chars(f64),
}

pub struct LayoutRule {
    id: &'static str,
    element: Element,
    property: Property,
    expected: Expected,
    label: String,
    tolerance: f64,
    clause: String,
}

fn numbers(text: &str) -> Vec<f64> {
    text.split(|c: char| c.is_whitespace() || c == '×' || c == 'x')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect()
}

impl LayoutRule {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        let bad = || {
            format!(
                "规则 {}：property {:?} 的 expected “{}” 无法识别",
                meta.id, spec.property, spec.expected
            )
        };
        let text = spec.expected.trim();
        let expected = Expected::parse(spec.property, text).ok_or_else(bad)?;
        let page_level = matches!(spec.element, Element::Page | Element::PageNumber);
        let fits = match spec.property {
            Property::Paper | Property::Margins | Property::Grid => spec.element == Element::Page,
            Property::Form | Property::Position => spec.element == Element::PageNumber,
            Property::Font | Property::Size => true,
            _ => !page_level,
        };
        if !fits {
            return Err(format!(
                "规则 {}：element {:?} 没有 property {:?}",
                meta.id, spec.element, spec.property
            ));
        }
        Ok(LayoutRule {
            id: meta.id,
            element: spec.element,
            property: spec.property,
            label: text.to_string(),
            expected,
            tolerance: spec.tolerance,
            clause: spec.clause,
        })
    }
}

impl Expected {
    /// A property's value in its own words (`仿宋`, `三号`, `2`, `37 26 35 28` …).
    fn parse(property: Property, text: &str) -> Option<Expected> {
        let text = text.trim();
        Some(match property {
            Property::Paper => match numbers(text)[..] {
                [w, h] => Expected::Paper(w, h),
                _ => return None,
            },
            Property::Margins => match numbers(text)[..] {
                [t, r, b, l] => Expected::Margins([t, r, b, l]),
                _ => return None,
            },
            Property::Grid => match numbers(text)[..] {
                [lines, chars] => Expected::Grid(lines as u32, chars as u32),
                _ => return None,
            },
            Property::Form => {
                let (before, after) = text.split_once('#')?;
                Expected::Form(before.trim().to_string(), after.trim().to_string())
            }
            Property::Position if text == "奇右偶左" => Expected::Outside,
            Property::Font if fonts::is_family(text) => Expected::Family(text.to_string()),
            Property::Size => Expected::Size(size_of(text)?),
            Property::Color if text == "红色" => Expected::Red,
            Property::Color if text == "黑色" => Expected::Black,
            Property::Align => Expected::Align(match text {
                "居中" => Align::Center,
                "居右" => Align::Right,
                "居左" => Align::Left,
                "两端" => Align::Both,
                _ => return None,
            }),
            Property::FirstLineIndent | Property::RightIndent => {
                Expected::Chars(text.parse().ok()?)
            }
            _ => return None,
        })
    }
}

/// The font table with a house style's extra names (gwlint.yaml `fonts:`).
struct Fonts<'a>(&'a BTreeMap<String, Vec<String>>);

impl Fonts<'_> {
    fn is(&self, name: &str, family: &str) -> bool {
        let name = name.trim();
        fonts::family(name) == Some(family)
            || self
                .0
                .get(family)
                .is_some_and(|names| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
    }
}

/// `三号`, `16磅` → half-points.
fn size_of(text: &str) -> Option<u32> {
    if let Some(points) = text.strip_suffix('磅') {
        return points.parse::<f64>().ok().map(|p| (p * 2.0).round() as u32);
    }
    SIZE_NAMES
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, size)| *size)
}

/// `小四（12磅）`, or `13磅` for a size without a name.
fn size_name(half_points: u32) -> String {
    let points = half_points as f64 / 2.0;
    match SIZE_NAMES.iter().find(|(_, size)| *size == half_points) {
        Some((name, _)) => format!("{name}（{points}磅）"),
        None => format!("{points}磅"),
    }
}

fn align_name(align: Option<Align>) -> &'static str {
    match align {
        Some(Align::Center) => "居中",
        Some(Align::Right) => "居右",
        Some(Align::Both) => "两端对齐",
        Some(Align::Distribute) => "分散对齐",
        Some(Align::Left) | None => "居左",
    }
}

/// What the document has where the rule looks: the first place that differs, its value, and
/// how many places differ.
struct Difference {
    span: Span,
    actual: String,
    count: usize,
}

/// A paragraph of the document with its formatting.
struct Placed<'a> {
    span: Span,
    /// Where the paragraph's line starts in the text (before its indentation).
    line_start: usize,
    format: &'a ParagraphFormat,
    runs: Vec<(&'a RunFormat, &'a str)>,
}

fn place<'a>(docx: &'a DocxText, layout: &'a Layout, span: Span) -> Option<Placed<'a>> {
    let map = docx.paragraph_at(span.start)?;
    if map.part != crate::docx::Part::Document {
        return None;
    }
    let format = layout.paragraphs.get(map.index)?;
    let runs = map
        .pieces
        .iter()
        .filter(|p| p.start < span.end && p.start + p.len > span.start)
        .filter_map(|p| match p.origin {
            Origin::Run { run, .. } => {
                let text = &docx.text[p.start.max(span.start)..(p.start + p.len).min(span.end)];
                Some((format.runs.get(run)?, text))
            }
            _ => None,
        })
        .collect();
    Some(Placed {
        span,
        line_start: map.start,
        format,
        runs,
    })
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// `2026年3月1日`, `二〇二六年三月一日`: a 成文日期 line.
fn is_date_line(text: &str) -> bool {
    let text = text.trim();
    let Some((year, rest)) = text.split_once('年') else {
        return false;
    };
    let Some((month, day)) = rest.split_once('月') else {
        return false;
    };
    let numeral = |s: &str, n: usize| {
        (1..=n).contains(&s.chars().count())
            && s.chars()
                .all(|c| c.is_ascii_digit() || "〇○零一二三四五六七八九十".contains(c))
    };
    year.chars().count() == 4
        && numeral(year, 4)
        && numeral(month, 3)
        && day.strip_suffix('日').is_some_and(|d| numeral(d, 3))
}

impl LayoutRule {
    /// The spans of the element's paragraphs (for a heading, its token and title).
    fn element_spans(&self, doc: &Document) -> Vec<Span> {
        let kind_in = |keep: &dyn Fn(&crate::model::Paragraph) -> bool| -> Vec<Span> {
            doc.paragraphs
                .iter()
                .filter(|p| keep(p))
                .map(|p| p.span)
                .collect()
        };
        let heading = |level: Level| -> Vec<Span> {
            doc.headings
                .iter()
                .filter(|h| h.level == level && h.section == 0)
                .filter(|h| doc.paragraphs[h.paragraph].region == Region::Body)
                .map(|h| Span::new(h.token.start, h.title.end.max(h.token.end)))
                .collect()
        };
        match self.element {
            Element::Page | Element::PageNumber => Vec::new(),
            // Above the 发文字号 also stand 份号, 密级 and 紧急程度 (黑体, not the 标志).
            Element::Masthead => kind_in(&|p| {
                let t = p.span.text(&doc.text);
                p.kind == ParagraphKind::Masthead
                    && t.chars().any(is_han)
                    && !t.starts_with('#')
                    && !["绝密", "机密", "秘密", "特急", "加急", "平急", "特提"]
                        .iter()
                        .any(|w| t.starts_with(w))
            }),
            Element::Title => kind_in(&|p| p.kind == ParagraphKind::Title),
            Element::Body => kind_in(&|p| {
                p.region == Region::Body
                    && matches!(p.kind, ParagraphKind::Body | ParagraphKind::ListItem)
            }),
            Element::Heading1 => heading(Level::L1),
            Element::Heading2 => heading(Level::L2),
            Element::Heading3 => heading(Level::L3),
            Element::Heading4 => heading(Level::L4),
            Element::Date | Element::Note => {
                // The parser may not know a date in Chinese numerals closes the document and
                // place it in an annex: the first date line after the header is the 成文日期.
                let date = doc.paragraphs.iter().position(|p| {
                    matches!(p.region, Region::Closing | Region::Body | Region::Annex)
                        && is_date_line(p.span.text(&doc.text))
                });
                let Some(date) = date else { return Vec::new() };
                if self.element == Element::Date {
                    return vec![doc.paragraphs[date].span];
                }
                doc.paragraphs
                    .get(date + 1)
                    .filter(|p| {
                        let t = p.span.text(&doc.text);
                        t.starts_with('（') && t.ends_with('）')
                    })
                    .map(|p| vec![p.span])
                    .unwrap_or_default()
            }
            Element::Imprint => kind_in(&|p| {
                let t = p.span.text(&doc.text);
                p.region == Region::Closing && (t.starts_with("抄送") || t.ends_with("印发"))
            }),
        }
    }

    /// The value a paragraph has when it differs from the expected one.
    fn paragraph_difference(
        &self,
        expected: &Expected,
        fonts: &Fonts,
        placed: &Placed,
        text: &str,
    ) -> Option<String> {
        let tolerance = self.tolerance;
        match (expected, self.property) {
            (Expected::Family(family), Property::Font) => placed
                .runs
                .iter()
                .filter(|(_, t)| t.chars().any(is_han))
                .find_map(|(run, _)| {
                    let name = run.east_asia.as_deref()?;
                    (!fonts.is(name, family)).then(|| name.to_string())
                }),
            (Expected::Size(size), _) => placed
                .runs
                .iter()
                .filter(|(_, t)| t.chars().any(|c| !c.is_whitespace()))
                .find(|(run, _)| (run.size as f64 - *size as f64).abs() / 2.0 > tolerance)
                .map(|(run, _)| size_name(run.size)),
            (Expected::Red, _) => placed
                .runs
                .iter()
                .filter(|(_, t)| t.chars().any(|c| !c.is_whitespace()))
                .find(|(run, _)| !run.color.as_deref().is_some_and(is_red))
                .map(|(run, _)| color_name(run.color.as_deref())),
            (Expected::Black, _) => placed
                .runs
                .iter()
                .filter(|(_, t)| t.chars().any(|c| !c.is_whitespace()))
                .find(|(run, _)| !run.color.as_deref().is_none_or(is_black))
                .map(|(run, _)| color_name(run.color.as_deref())),
            (Expected::Align(align), _) => {
                let actual = placed.format.align.unwrap_or(Align::Left);
                let same = actual == *align
                    || matches!(
                        (actual, align),
                        (Align::Both, Align::Left) | (Align::Left, Align::Both)
                    );
                (!same).then(|| align_name(placed.format.align).to_string())
            }
            (Expected::Chars(chars), Property::FirstLineIndent) => {
                // Leading spaces indent as well as a first-line indent does.
                let lead: f64 = text
                    .get(placed.line_start..placed.span.start)
                    .unwrap_or_default()
                    .chars()
                    .map(|c| {
                        if c == '\u{3000}' {
                            1.0
                        } else if c == '\t' {
                            2.0
                        } else {
                            0.5
                        }
                    })
                    .sum();
                let f = placed.format;
                let actual = f.chars(f.first_line) + f.chars(f.left) + lead;
                ((actual - chars).abs() > tolerance).then(|| format!("{}字", trim(actual)))
            }
            (Expected::Chars(chars), Property::RightIndent) => {
                let f = placed.format;
                if f.align != Some(Align::Right) {
                    return Some(format!("{}（未右对齐）", align_name(f.align)));
                }
                let actual = f.chars(f.right);
                ((actual - chars).abs() > tolerance).then(|| format!("右空{}字", trim(actual)))
            }
            _ => None,
        }
    }

    fn page_difference(&self, expected: &Expected, layout: &Layout) -> Option<String> {
        let section = layout.sections.first()?;
        let mm = |twips: f64| twips / TWIPS_PER_MM;
        let off = |actual: f64, expected: f64| (actual - expected).abs() > self.tolerance;
        match expected {
            Expected::Paper(w, h) => {
                let (pw, ph) = section.paper?;
                let (pw, ph) = (mm(pw as f64), mm(ph as f64));
                (off(pw, *w) || off(ph, *h)).then(|| format!("{}×{}毫米", trim(pw), trim(ph)))
            }
            Expected::Margins(expected) => {
                let actual = section.margins?.map(|m| mm(m as f64));
                const SIDES: [&str; 4] = ["上", "右", "下", "左"];
                let wrong: Vec<String> = (0..4)
                    .filter(|&i| off(actual[i], expected[i]))
                    .map(|i| format!("{}{}毫米", SIDES[i], trim(actual[i])))
                    .collect();
                (!wrong.is_empty()).then(|| wrong.join("、"))
            }
            Expected::Grid(lines, chars) => grid(section, layout).and_then(|(l, c)| {
                (l != *lines || c != *chars).then(|| format!("每页{l}行、每行{c}字"))
            }),
            _ => None,
        }
    }

    fn page_number_difference(
        &self,
        expected: &Expected,
        fonts: &Fonts,
        layout: &Layout,
    ) -> Option<String> {
        let section = layout.sections.first()?;
        let numbers: Vec<_> = section
            .footers
            .iter()
            .filter(|f| f.kind != "first")
            .filter_map(|f| Some((f.kind.as_str(), f.page_number.as_ref()?)))
            .collect();
        let Some((_, first)) = numbers.first() else {
            // No page number at all is `form`'s finding, not every property's.
            return (self.property == Property::Form).then(|| "未设置".to_string());
        };
        match (expected, self.property) {
            (Expected::Form(before, after), _) => numbers.iter().find_map(|(_, n)| {
                let (b, a) = (n.before.trim(), n.after.trim());
                (b != before || a != after).then(|| format!("为“{b} 1 {a}”"))
            }),
            (Expected::Family(family), Property::Font) => numbers.iter().find_map(|(_, n)| {
                let name = n.font.as_deref()?;
                (!fonts.is(name, family)).then(|| name.to_string())
            }),
            (Expected::Size(size), _) => numbers
                .iter()
                .find(|(_, n)| (n.size as f64 - *size as f64).abs() / 2.0 > self.tolerance)
                .map(|(_, n)| size_name(n.size)),
            (Expected::Outside, _) => {
                let odd = numbers
                    .iter()
                    .find(|(k, _)| *k == "default")
                    .map(|(_, n)| n);
                let even = numbers.iter().find(|(k, _)| *k == "even").map(|(_, n)| n);
                match (layout.even_and_odd, odd, even) {
                    (true, Some(odd), Some(even))
                        if odd.align == Align::Right && even.align == Align::Left =>
                    {
                        None
                    }
                    (true, Some(odd), Some(even)) => Some(format!(
                        "单页{}、双页{}",
                        align_name(Some(odd.align)),
                        align_name(Some(even.align))
                    )),
                    _ => Some(format!("各页{}", align_name(Some(first.align)))),
                }
            }
            _ => None,
        }
    }
}

/// Lines per page and characters per line of a grid that sets both (`linesAndChars`), as Word
/// computes them: the line pitch, and the default size plus `charSpace`/4096 points.
fn grid(section: &Section, layout: &Layout) -> Option<(u32, u32)> {
    let grid = section.grid.as_ref()?;
    if grid.kind != "linesAndChars" {
        return None;
    }
    let (width, height) = section.paper?;
    let [top, right, bottom, left] = section.margins?;
    let body_height = height as f64 - top as f64 - bottom as f64;
    let body_width = (width as f64 - left as f64 - right as f64) / 20.0;
    let size = layout.default_size as f64 / 2.0;
    let pitch = size + grid.char_space? as f64 / 4096.0;
    // Pitches are stored rounded (twips, 1/4096 pt): a count a hair short is the whole one.
    let lines = (body_height / grid.line_pitch? as f64 + 0.05).floor();
    let chars = (body_width / pitch + 0.05).floor();
    (pitch > 0.0 && lines > 0.0).then_some((lines as u32, chars as u32))
}

fn is_red(hex: &str) -> bool {
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    matches!((channel(0), channel(2), channel(4)), (Some(r), Some(g), Some(b)) if r >= 0xC0 && g <= 0x40 && b <= 0x40)
}

fn is_black(hex: &str) -> bool {
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    matches!((channel(0), channel(2), channel(4)), (Some(r), Some(g), Some(b)) if r <= 0x40 && g <= 0x40 && b <= 0x40)
}

fn color_name(color: Option<&str>) -> String {
    match color {
        None => "自动（黑色）".into(),
        Some(c) if is_red(c) => format!("红色（#{c}）"),
        Some(c) if is_black(c) => format!("黑色（#{c}）"),
        Some(c) => format!("#{c}"),
    }
}

/// `2`, `2.5`, `25.4`: a measure without trailing zeros.
fn trim(value: f64) -> String {
    let text = format!("{value:.1}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl Check for LayoutRule {
    fn house_value(&self, value: &str) -> Result<(), String> {
        Expected::parse(self.property, value)
            .map(|_| ())
            .ok_or_else(|| format!("{} 的取值“{value}”无法识别", self.id))
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let Some(docx) = ctx.docx else { return };
        let Some(layout) = docx.layout.as_ref() else {
            return;
        };
        let doc = ctx.doc;
        // A house style (gwlint.yaml `layout:`) replaces the standard's value; the config
        // checked it on load.
        let house = ctx.settings.layout.get(self.id);
        let house_expected = house.and_then(|v| Expected::parse(self.property, v));
        let expected = house_expected.as_ref().unwrap_or(&self.expected);
        let label = house.map_or(self.label.as_str(), |v| v.trim());
        let fonts = Fonts(&ctx.settings.fonts);
        let difference = match self.element {
            Element::Page | Element::PageNumber => {
                let actual = match self.element {
                    Element::Page => self.page_difference(expected, layout),
                    _ => self.page_number_difference(expected, &fonts, layout),
                };
                // The page has no line of its own: the finding goes on the title, or the
                // first line.
                let anchor = doc
                    .meta
                    .title
                    .or_else(|| doc.paragraphs.first().map(|p| p.span));
                actual.zip(anchor).map(|(actual, span)| Difference {
                    span,
                    actual,
                    count: 1,
                })
            }
            _ => {
                let mut found: Option<Difference> = None;
                let mut values: BTreeMap<String, usize> = BTreeMap::new();
                for span in self.element_spans(doc) {
                    let Some(placed) = place(docx, layout, span) else {
                        continue;
                    };
                    let Some(actual) =
                        self.paragraph_difference(expected, &fonts, &placed, &doc.text)
                    else {
                        continue;
                    };
                    *values.entry(actual.clone()).or_default() += 1;
                    match found.as_mut() {
                        Some(d) => d.count += 1,
                        None => {
                            found = Some(Difference {
                                span,
                                actual,
                                count: 1,
                            })
                        }
                    }
                }
                // The value most places have speaks for the element.
                if let (Some(d), Some((most, _))) =
                    (found.as_mut(), values.iter().max_by_key(|(_, n)| **n))
                {
                    d.actual = most.clone();
                }
                found
            }
        };
        let Some(d) = difference else { return };
        let expected = match expected {
            Expected::Size(size) => size_name(*size),
            Expected::Chars(chars) if self.property == Property::RightIndent => {
                format!("居右、右空{}字", trim(*chars))
            }
            Expected::Chars(chars) => format!("{}字", trim(*chars)),
            Expected::Paper(w, h) => format!("A4（{}×{}毫米）", trim(*w), trim(*h)),
            Expected::Margins([t, r, b, l]) => format!(
                "上{}、右{}、下{}、左{}毫米",
                trim(*t),
                trim(*r),
                trim(*b),
                trim(*l)
            ),
            Expected::Grid(lines, chars) => format!("每页{lines}行、每行{chars}字"),
            Expected::Form(before, after) => format!("“{before} 1 {after}”"),
            Expected::Outside => "单页居右、双页居左".into(),
            _ => label.to_string(),
        };
        let count = d.count.to_string();
        let vars = |name: &str| -> Option<Cow<str>> {
            match name {
                "actual" => Some(Cow::Borrowed(d.actual.as_str())),
                "expected" => Some(Cow::Borrowed(expected.as_str())),
                "count" => Some(Cow::Borrowed(count.as_str())),
                "clause" => Some(Cow::Borrowed(self.clause.as_str())),
                _ => None,
            }
        };
        sink.report(d.span, vars, None);
    }
}
