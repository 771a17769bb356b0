//! `metric`: sizes. A sentence or paragraph longer than `max` characters, or headings nested
//! deeper than `max` levels.

use std::borrow::Cow;

use serde::Deserialize;

use super::{Check, Context, RuleMeta, Scope, Sink};
use crate::diagnostic::Span;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    measure: Measure,
    max: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// Characters between sentence-ending marks (。！？).
    SentenceLength,
    ParagraphLength,
    /// Distinct heading levels in use.
    HeadingDepth,
}

pub struct Metric {
    scope: Scope,
    measure: Measure,
    max: usize,
}

impl Metric {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        if spec.max == 0 {
            return Err(format!("规则 {}：max 必须大于 0", meta.id));
        }
        Ok(Metric {
            scope: meta.scope.unwrap_or(Scope::Body),
            measure: spec.measure,
            max: spec.max,
        })
    }

    fn report(&self, sink: &mut Sink, span: Span, length: usize) {
        let vars = |name: &str| -> Option<Cow<str>> {
            match name {
                "length" => Some(Cow::Owned(length.to_string())),
                "max" => Some(Cow::Owned(self.max.to_string())),
                _ => None,
            }
        };
        sink.report(span, vars, None);
    }
}

const SENTENCE_END: &[char] = &['。', '！', '？', '!', '?'];

impl Check for Metric {
    fn placeholders(&self) -> Vec<&str> {
        vec!["length", "max"]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let text = ctx.text();
        match self.measure {
            Measure::HeadingDepth => {
                let mut levels: Vec<_> = ctx.doc.headings.iter().map(|h| h.level).collect();
                levels.sort();
                levels.dedup();
                if levels.len() > self.max {
                    let deepest = *levels.last().expect("levels");
                    if let Some(heading) = ctx.doc.headings.iter().find(|h| h.level == deepest) {
                        self.report(sink, heading.token, levels.len());
                    }
                }
            }
            Measure::ParagraphLength => {
                for &span in ctx.spans(self.scope) {
                    let length = span.text(text).chars().count();
                    if length > self.max {
                        self.report(sink, span, length);
                    }
                }
            }
            Measure::SentenceLength => {
                for &span in ctx.spans(self.scope) {
                    let paragraph = span.text(text);
                    let mut start = 0;
                    for (at, c) in paragraph.char_indices() {
                        if SENTENCE_END.contains(&c) || at + c.len_utf8() == paragraph.len() {
                            let end = at + c.len_utf8();
                            let length = paragraph[start..end].chars().count();
                            if length > self.max {
                                self.report(sink, Span::new(start, end).shift(span.start), length);
                            }
                            start = end;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::RuleSet;

    fn run(measure: &str, max: usize, text: &str) -> Vec<String> {
        let pack = format!(
            "
- id: test/metric
  kind: metric
  severity: info
  message: '{{length}}>{{max}}'
  explain: 测试
  measure: {measure}
  max: {max}
  examples: {{ invalid: ['x'], valid: ['y'] }}
"
        );
        let rules = RuleSet::from_packs([("t.yaml".into(), pack)]).unwrap();
        crate::engine::check_text(&rules, text)
            .into_iter()
            .map(|d| d.message.to_string())
            .collect()
    }

    #[test]
    fn sentence_length() {
        assert_eq!(
            run("sentence-length", 5, "标题\n短句。这一句长了一些。短。"),
            ["8>5"]
        );
        assert!(run("sentence-length", 10, "标题\n短句。这一句长了一些。").is_empty());
    }

    #[test]
    fn paragraph_length_and_depth() {
        assert_eq!(
            run("paragraph-length", 5, "标题\n一二三四五六。\n短。"),
            ["7>5"]
        );
        assert_eq!(
            run("heading-depth", 2, "标题\n一、甲\n（一）乙\n1.丙\n"),
            ["3>2"]
        );
    }
}
