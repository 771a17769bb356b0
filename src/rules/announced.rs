//! `announced`: a paragraph that announces how many items follow (`做好以下三个方面工作`) and is
//! followed at once by headings: their count at the first heading's level, up to the next
//! heading of a shallower level, must be the announced number.

use std::borrow::Cow;

use serde::Deserialize;

use super::load::LazyRegex;
use super::{Check, Context, RuleMeta, Sink};
use crate::diagnostic::Span;
use crate::model::{parse_chinese_numeral, Document, ParagraphKind};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The announcement; its group `count` is the number (`三`, `两`, `3`).
    pattern: LazyRegex,
}

pub struct Announced {
    regex: LazyRegex,
}

impl Announced {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        if !spec.pattern.names().any(|n| n == "count") {
            return Err(format!(
                "规则 {}：pattern 需要命名捕获组“count”（宣布的数目）",
                meta.id
            ));
        }
        Ok(Announced {
            regex: spec.pattern,
        })
    }
}

/// `三` → 3, `两` → 2, `12` → 12.
fn count_of(text: &str) -> Option<u32> {
    if text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse().ok();
    }
    parse_chinese_numeral(&text.replace('两', "二"))
}

/// The headings that follow paragraph `i` as its items: the first heading must be the next
/// paragraph and deeper than any heading `i` stands under; the count runs over the headings
/// of its level until one of a shallower level or another section.
fn following_items(doc: &Document, i: usize) -> Option<u32> {
    let ParagraphKind::Heading(first) = doc.paragraphs.get(i + 1)?.kind else {
        return None;
    };
    let first_heading = &doc.headings[first];
    let parent_level = doc.headings[..first]
        .iter()
        .rev()
        .take_while(|h| h.section == first_heading.section)
        .find(|h| h.paragraph <= i)
        .map(|h| h.level);
    if parent_level.is_some_and(|level| level >= first_heading.level) {
        return None;
    }
    let mut count = 0;
    for heading in &doc.headings[first..] {
        if heading.section != first_heading.section || heading.level < first_heading.level {
            break;
        }
        if heading.level == first_heading.level {
            count += 1;
        }
    }
    Some(count)
}

/// Characters an announcing paragraph may have after the announcement (`工作：`), none of
/// them a comma: `以下三个方面：一是…，二是…` lists its items inline.
const MAX_TAIL: usize = 12;

impl Check for Announced {
    fn regexes(&self) -> Vec<&LazyRegex> {
        vec![&self.regex]
    }

    /// `{found}`, then `{match}` and the pattern's named groups.
    fn placeholders(&self) -> Vec<&str> {
        ["found", "match"]
            .into_iter()
            .chain(self.regex.names())
            .collect()
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let doc = ctx.doc;
        for (i, paragraph) in doc.paragraphs.iter().enumerate() {
            if !paragraph.region.is_running_text() {
                continue;
            }
            let Some(regex) = self.regex.get() else {
                return;
            };
            let line = paragraph.span.text(&doc.text);
            // The announcement closes the paragraph: the items follow it.
            let Some(captures) = regex.captures_iter(line).last() else {
                continue;
            };
            let whole = captures.get(0).expect("match");
            // The announcement closes the paragraph (`…以下三个方面工作。`); a paragraph that
            // goes on lists its items inline.
            let tail = &line[whole.end()..];
            if tail.chars().count() > MAX_TAIL || tail.contains(['，', ',', '；']) {
                continue;
            }
            let Some(announced) = count_of(&captures["count"]) else {
                continue;
            };
            let Some(found) = following_items(doc, i) else {
                continue;
            };
            if found == announced {
                continue;
            }
            let span = Span::new(whole.start(), whole.end()).shift(paragraph.span.start);
            let found_text = found.to_string();
            let vars = |name: &str| -> Option<Cow<str>> {
                match name {
                    "found" => Some(Cow::Borrowed(found_text.as_str())),
                    _ => super::capture_vars(&captures, name),
                }
            };
            sink.report(span, vars, None);
        }
    }
}

#[cfg(test)]
mod tests {

    const PACK: &str = "
- id: structure/test
  kind: announced
  severity: error
  message: '{count}/{found}'
  explain: 测试
  pattern: '以下(?P<count>[一二两三四五六七八九十\\d]+)个?(?:方面|项)'
  examples: { invalid: [\"以下两项。\\n\\n一、甲\\n\\n二、乙\\n\\n三、丙\"], valid: [\"以下两项。\\n\\n一、甲\\n\\n二、乙\"] }
";

    fn messages(text: &str) -> Vec<String> {
        crate::rules::test_messages(PACK, text)
    }

    #[test]
    fn counts_the_headings_that_follow() {
        let four = "重点做好以下三个方面工作。\n\n一、甲\n\n（一）子\n\n（二）子\n\n二、乙\n\n三、丙\n\n四、丁\n";
        assert_eq!(messages(four), ["三/4"]);
        let three = "重点做好以下三个方面工作。\n\n一、甲\n\n（一）子\n\n二、乙\n\n三、丙\n";
        assert!(messages(three).is_empty());
    }

    #[test]
    fn stops_at_a_shallower_heading() {
        let text = "一、总体\n\n主要有以下两项。\n\n（一）甲\n\n（二）乙\n\n二、其他\n\n（一）丙\n";
        assert!(messages(text).is_empty());
    }

    #[test]
    fn needs_headings_right_after() {
        assert!(messages("做好以下三个方面工作：一是甲，二是乙。\n\n一、甲\n").is_empty());
        let sibling = "一、总体\n\n做好以下两项。\n\n二、乙\n\n三、丙\n\n四、丁\n";
        assert!(messages(sibling).is_empty(), "the next heading is no child");
    }
}
