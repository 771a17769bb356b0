//! `require`: a document (of the rule's `doc_types`) must contain one of some words in a scope.
//! Reported once, on the title (or the first line when there is none). `with_docnum` limits
//! the rule to formal 公文, the documents whose text carries a 发文字号 line (a collector's 文号
//! field is not enough: the text may be an annex or a bare body).

use serde::Deserialize;

use super::requires::Requires;
use super::{Check, Context, RuleMeta, Scope, Sink};
use crate::diagnostic::Span;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    any_of: Vec<String>,
    #[serde(default)]
    with_docnum: bool,
}

pub struct Require {
    scope: Scope,
    with_docnum: bool,
    any_of: Requires,
}

impl Require {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        if spec.any_of.is_empty() || spec.any_of.iter().any(String::is_empty) {
            return Err(format!("规则 {}：any_of 需要至少一个非空词语", meta.id));
        }
        let any_of = Requires::words(&spec.any_of)?;
        Ok(Require {
            scope: meta.scope.unwrap_or(Scope::Document),
            with_docnum: spec.with_docnum,
            any_of,
        })
    }
}

impl Check for Require {
    fn placeholders(&self) -> Vec<&str> {
        vec!["doc_type"]
    }

    fn requires(&self) -> Vec<&Requires> {
        vec![&self.any_of]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let text = ctx.text();
        let has_docnum = || {
            ctx.doc
                .paragraphs
                .iter()
                .any(|p| p.kind == crate::model::ParagraphKind::DocNumber)
        };
        if text.trim().is_empty() || (self.with_docnum && !has_docnum()) {
            return;
        }
        let found = ctx
            .spans(self.scope)
            .iter()
            .any(|s| self.any_of.admits_span(ctx, *s));
        if found {
            return;
        }
        let anchor = ctx
            .doc
            .meta
            .title
            .or_else(|| ctx.doc.paragraphs.first().map(|p| p.span))
            .unwrap_or(Span::new(0, 0));
        let doc_type = ctx.doc.meta.doc_type.map(|t| t.name()).unwrap_or("other");
        sink.report(
            anchor,
            |name| (name == "doc_type").then_some(doc_type.into()),
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::RuleSet;

    const PACK: &str = "
- id: test/targets
  kind: require
  severity: warning
  doc_types: [workplan, annual-report]
  message: 缺少预期目标
  explain: 测试
  any_of: [预期目标, 主要目标]
  examples: { invalid: [\"2021年工作要点\\n\\n一、总体要求\"], valid: [\"2021年工作要点\\n\\n一、预期目标\"] }
";

    fn count(text: &str) -> usize {
        let rules = RuleSet::from_packs([("t.yaml".into(), PACK.into())]).unwrap();
        crate::engine::check_text(&rules, text).len()
    }

    #[test]
    fn fires_once_on_a_workplan_without_targets() {
        assert_eq!(count("2021年工作要点\n\n一、总体要求\n\n二、重点任务\n"), 1);
        assert_eq!(count("2021年工作要点\n\n一、主要目标\n"), 0);
    }

    #[test]
    fn respects_doc_types() {
        assert_eq!(count("关于开展检查的通知\n\n一、总体要求\n"), 0, "a notice");
        assert_eq!(
            count("2021年政府工作报告\n\n一、回顾\n"),
            1,
            "an annual report"
        );
        assert_eq!(
            count("2023年政府工作报告\n\n第一部分 上半年主要工作情况\n"),
            0,
            "mid-year"
        );
        assert_eq!(count(""), 0, "empty document");
    }
}
