//! `numbering`: heading sequences and hierarchy. One rule per `check`: `gap` and `duplicate`
//! among siblings (numbering that restarts under each parent and numbering that runs on across
//! parents are both understood), `delimiter` (the token's form per level), `hierarchy`
//! (a shallower level after a deeper one under the same parent).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::{Check, Context, RuleMeta, Sink};
use crate::diagnostic::Fix;
use crate::model::{chinese_numeral, Document, Heading, Level};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    check: NumberingCheck,
    /// `delimiter`: the accepted delimiter per level, e.g. `{level3: "、"}` for a house style.
    #[serde(default)]
    expect: BTreeMap<Level, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NumberingCheck {
    Gap,
    Duplicate,
    Delimiter,
    Hierarchy,
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        [Level::Part, Level::L1, Level::L2, Level::L3, Level::L4]
            .into_iter()
            .find(|level| level.name() == name)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "未知层级“{name}”，应为 level1、level2、level3 或 level4"
                ))
            })
    }
}

pub struct Numbering {
    check: NumberingCheck,
    expect: BTreeMap<Level, String>,
}

impl Numbering {
    pub fn compile(spec: Spec, _meta: &RuleMeta) -> Result<Self, String> {
        let mut expect: BTreeMap<Level, String> = [(Level::L1, "、"), (Level::L3, ".")]
            .into_iter()
            .map(|(l, d)| (l, d.to_string()))
            .collect();
        expect.extend(spec.expect);
        Ok(Numbering {
            check: spec.check,
            expect,
        })
    }
}

/// The token of `heading` with its numeral replaced by `n`, in the same style.
fn token_with(doc: &Document, heading: &Heading, n: u32) -> String {
    let token = doc.slice(heading.token);
    let chinese = matches!(heading.level, Level::Part | Level::L1 | Level::L2);
    let is_numeral = |c: char| {
        if chinese {
            "一二三四五六七八九十".contains(c)
        } else {
            c.is_ascii_digit()
        }
    };
    let start = token.find(is_numeral).unwrap_or(0);
    let end = token[start..]
        .find(|c: char| !is_numeral(c))
        .map_or(token.len(), |e| start + e);
    let numeral = if chinese {
        chinese_numeral(n)
    } else {
        n.to_string()
    };
    format!("{}{numeral}{}", &token[..start], &token[end..])
}

/// The paragraph before `heading` is body text that ends in a colon.
fn follows_lead_in(doc: &Document, heading: &Heading) -> bool {
    heading
        .paragraph
        .checked_sub(1)
        .and_then(|p| doc.paragraphs.get(p))
        .is_some_and(|p| {
            p.kind == crate::model::ParagraphKind::Body && doc.slice(p.span).ends_with(['：', ':'])
        })
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Part => "部分（章）标题",
        Level::Article => "条",
        Level::L1 => "一级标题",
        Level::L2 => "二级标题",
        Level::L3 => "三级标题",
        Level::L4 => "四级标题",
    }
}

impl Numbering {
    fn sequence(&self, ctx: &Context, sink: &mut Sink) {
        let doc = ctx.doc;
        let headings = &doc.headings;
        let parents = doc.heading_parents();
        let mut last_sibling: BTreeMap<(Option<usize>, Level), usize> = BTreeMap::new();
        let mut seen: BTreeSet<(Option<usize>, Level, u32)> = BTreeSet::new();
        // Numbering that runs on across parents (000: 1.–20. across 一、–四、) never runs on
        // across a part (第一部分), which restarts everything below it.
        let mut last_in_part: BTreeMap<(Option<usize>, Level), usize> = BTreeMap::new();
        let mut part: Option<usize> = None;
        let mut section = 0;
        for (i, heading) in headings.iter().enumerate() {
            // Each annex numbers from the start again.
            if heading.section != section {
                section = heading.section;
                last_sibling.clear();
                seen.clear();
                last_in_part.clear();
                part = None;
            }
            if heading.level == Level::Part {
                part = Some(i);
            }
            // 第X条 run on through the whole document, across 章.
            let part_key = if heading.level == Level::Article {
                None
            } else {
                part.filter(|&p| p != i)
            };
            let parent = parents[i];
            let n = heading.ordinal;
            // `下列内容：` then （一）（二）…: a lead-in opens a list of its own, which may
            // follow another list under the same heading.
            if n == 1 && follows_lead_in(doc, heading) {
                last_sibling.remove(&(parent, heading.level));
                seen.retain(|&(p, l, _)| (p, l) != (parent, heading.level));
            }
            let previous = last_sibling.get(&(parent, heading.level)).copied();
            let duplicate = !seen.insert((parent, heading.level, n));
            let (ok, expected) = match previous {
                Some(p) => (n == headings[p].ordinal + 1, vec![headings[p].ordinal + 1]),
                None => {
                    let run_on = last_in_part
                        .get(&(part_key, heading.level))
                        .map(|&p| headings[p].ordinal + 1);
                    (
                        n == 1 || run_on == Some(n),
                        std::iter::once(1).chain(run_on).collect(),
                    )
                }
            };
            last_sibling.insert((parent, heading.level), i);
            last_in_part.insert((part_key, heading.level), i);
            let report = match self.check {
                NumberingCheck::Duplicate => duplicate,
                _ => !ok && !duplicate,
            };
            if !report {
                continue;
            }
            let expected: Vec<String> = expected
                .iter()
                .map(|&e| token_with(doc, heading, e))
                .collect();
            let previous_token = previous.map(|p| doc.slice(headings[p].token).to_string());
            let vars = |name: &str| -> Option<Cow<str>> {
                Some(match name {
                    "actual" => Cow::Borrowed(doc.slice(heading.token)),
                    "expected" => Cow::Owned(expected.join("”或“")),
                    "after" => Cow::Owned(match (&previous_token, parent) {
                        (Some(token), _) => format!("“{token}”之后"),
                        (None, Some(p)) => {
                            format!("“{}”下的第一个序号", doc.slice(headings[p].token))
                        }
                        (None, None) => "本层第一个序号".to_string(),
                    }),
                    "level" => Cow::Borrowed(level_name(heading.level)),
                    _ => return None,
                })
            };
            sink.report(heading.token, vars, None);
        }
    }

    fn delimiter(&self, ctx: &Context, sink: &mut Sink) {
        let doc = ctx.doc;
        for heading in &doc.headings {
            let token = doc.slice(heading.token);
            let delimiter = doc.slice(heading.delimiter);
            let (wrong, edit, replacement) = match heading.level {
                Level::Part | Level::Article => continue,
                Level::L2 | Level::L4 if heading.brackets.is_none() => {
                    // `1）`: an unopened bracket.
                    (
                        true,
                        heading.token,
                        heading.level.standard_token(heading.ordinal),
                    )
                }
                Level::L2 | Level::L4 => (!delimiter.is_empty(), heading.delimiter, String::new()),
                level => {
                    let expected = ctx
                        .settings
                        .numbering
                        .get(&level)
                        .or(self.expect.get(&level))
                        .map_or("", String::as_str);
                    (
                        delimiter != expected,
                        heading.delimiter,
                        expected.to_string(),
                    )
                }
            };
            if !wrong {
                continue;
            }
            let standard = format!(
                "{}{replacement}{}",
                &doc.text[heading.token.start..edit.start],
                &doc.text[edit.end..heading.token.end]
            );
            let vars = |name: &str| -> Option<Cow<str>> {
                Some(match name {
                    "token" => Cow::Borrowed(token),
                    "standard" => Cow::Borrowed(standard.as_str()),
                    "level" => Cow::Borrowed(level_name(heading.level)),
                    _ => return None,
                })
            };
            let fix = sink
                .fix_applicability()
                .map(|a| Fix::replace(a, edit, replacement.as_str()));
            sink.report(heading.token, vars, fix);
        }
    }

    fn hierarchy(&self, ctx: &Context, sink: &mut Sink) {
        let doc = ctx.doc;
        let headings = &doc.headings;
        let parents = doc.heading_parents();
        let mut deepest_child: BTreeMap<Option<usize>, usize> = BTreeMap::new();
        let mut reported: BTreeSet<Option<usize>> = BTreeSet::new();
        let mut section = 0;
        for (i, heading) in headings.iter().enumerate() {
            if heading.section != section {
                section = heading.section;
                deepest_child.clear();
                reported.clear();
            }
            let parent = parents[i];
            match deepest_child.get(&parent) {
                Some(&deeper) if headings[deeper].level > heading.level => {
                    if reported.insert(parent) {
                        let vars = |name: &str| -> Option<Cow<str>> {
                            Some(match name {
                                "token" => Cow::Borrowed(doc.slice(heading.token)),
                                "deeper" => Cow::Borrowed(doc.slice(headings[deeper].token)),
                                "level" => Cow::Borrowed(level_name(heading.level)),
                                _ => return None,
                            })
                        };
                        sink.report(heading.token, vars, None);
                    }
                }
                Some(&deeper) if headings[deeper].level >= heading.level => {}
                _ => {
                    deepest_child.insert(parent, i);
                }
            }
        }
    }
}

impl Check for Numbering {
    fn placeholders(&self) -> Vec<&str> {
        vec![
            "actual", "expected", "after", "level", "token", "standard", "deeper",
        ]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        match self.check {
            NumberingCheck::Gap | NumberingCheck::Duplicate => self.sequence(ctx, sink),
            NumberingCheck::Delimiter => self.delimiter(ctx, sink),
            NumberingCheck::Hierarchy => self.hierarchy(ctx, sink),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::RuleSet;

    fn pack(check: &str, extra: &str) -> String {
        format!(
            "
- id: test/numbering
  kind: numbering
  severity: error
  message: '{{actual}}|{{expected}}|{{token}}|{{standard}}'
  fix: {{ applicability: safe }}
  explain: 测试
  check: {check}
  {extra}
  examples: {{ invalid: ['x'], valid: ['y'] }}
"
        )
    }

    fn run(check: &str, extra: &str, text: &str) -> Vec<String> {
        let rules = RuleSet::from_packs([("t.yaml".into(), pack(check, extra))]);
        let rules = match rules {
            Ok(rules) => rules,
            Err(e) => panic!("{e:?}"),
        };
        crate::engine::check_text(&rules, text)
            .into_iter()
            .map(|d| d.message.to_string())
            .collect()
    }

    const RESTART: &str = "标题\n一、甲\n1.子\n2.子\n二、乙\n1.子\n2.子\n";
    const RUN_ON: &str = "标题\n一、甲\n1.子\n2.子\n二、乙\n3.子\n4.子\n";

    #[test]
    fn restart_and_run_on_are_both_continuous() {
        assert!(run("gap", "", RESTART).is_empty());
        assert!(run("gap", "", RUN_ON).is_empty());
    }

    #[test]
    fn gaps_at_each_level() {
        assert_eq!(
            run("gap", "", "标题\n一、甲\n二、乙\n四、丁\n"),
            ["四、|三、||"]
        );
        assert_eq!(
            run("gap", "", "标题\n一、甲\n（一）a\n（三）c\n"),
            ["（三）|（二）||"]
        );
        assert_eq!(run("gap", "", "标题\n一、甲\n1.a\n3.c\n"), ["3.|2.||"]);
        assert_eq!(
            run("gap", "", "标题\n1.a\n（1）a\n（2）b\n（4）d\n"),
            ["（4）|（3）||"]
        );
        assert_eq!(
            run("gap", "", "标题\n第一部分 甲\n第三部分 丙\n"),
            ["第三部分|第二部分||"]
        );
        assert_eq!(
            run("gap", "", "标题\n一、甲\n1.子\n2.子\n二、乙\n3.子\n5.子\n"),
            ["5.|4.||"]
        );
        assert_eq!(
            run("gap", "", "标题\n一、甲\n1.子\n二、乙\n4.子\n"),
            ["4.|1.”或“2.||"]
        );
    }

    #[test]
    fn parts_restart_everything_below() {
        let text = "标题\n第一部分 甲\n一、a\n二、b\n第二部分 乙\n一、a\n二、b\n";
        assert!(run("gap", "", text).is_empty());
        assert_eq!(
            run("gap", "", "标题\n第一部分 甲\n一、a\n第二部分 乙\n二、b\n").len(),
            1
        );
    }

    #[test]
    fn duplicates() {
        assert_eq!(
            run("duplicate", "", "标题\n一、甲\n（一）a\n（一）b\n"),
            ["（一）|（二）||"]
        );
        assert!(
            run("gap", "", "标题\n一、甲\n（一）a\n（一）b\n").is_empty(),
            "a duplicate is not also a gap"
        );
    }

    #[test]
    fn glossary_entries_are_left_to_the_footnote_rules() {
        // A missing entry is footnote/undefined's to report, not a heading gap.
        let text = "标题\n正文①②③。\n名词解释\n1、甲:定义\n3、丙:定义\n";
        assert!(run("gap", "", text).is_empty());
    }

    #[test]
    fn delimiters() {
        assert_eq!(run("delimiter", "", "标题\n一、甲\n1、子\n"), ["||1、|1."]);
        assert_eq!(run("delimiter", "", "标题\n一．甲\n"), ["||一．|一、"]);
        assert_eq!(
            run("delimiter", "", "标题\n（一）、甲\n"),
            ["||（一）、|（一）"]
        );
        assert_eq!(run("delimiter", "", "标题\n1）甲\n"), ["||1）|（1）"]);
        assert!(run(
            "delimiter",
            "expect: { level3: '、' }",
            "标题\n一、甲\n1、子\n"
        )
        .is_empty());
    }

    #[test]
    fn hierarchy_reversal() {
        assert!(run("hierarchy", "", "标题\n一、甲\n（一）a\n1.b\n（1）c\n").is_empty());
        assert!(
            run("hierarchy", "", "标题\n一、甲\n1.b\n二、乙\n").is_empty(),
            "a skipped level is fine"
        );
        assert_eq!(
            run("hierarchy", "", "标题\n一、甲\n1.b\n（一）c\n").len(),
            1
        );
        assert_eq!(run("hierarchy", "", "标题\n（一）a\n一、甲\n").len(), 1);
    }
}
