//! `substitution`: wrong → right word lists. The lists of every substitution rule are searched
//! for in one walk per document, with every rule's required literals (`LiteralScan`); each
//! rule reads its own hits.

use std::borrow::Cow;

use serde::Deserialize;

use super::{Check, Context, RuleMeta, Scope, Sink};
use crate::diagnostic::{Fix, Span};
use crate::model::DocDate;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    words: Vec<WordSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WordSpec {
    wrong: String,
    right: String,
    /// Text that, right before the hit, cancels it.
    #[serde(default)]
    not_after: Vec<String>,
    /// Text that, right after the hit, cancels it (`截止` is fine in `截止日期`).
    #[serde(default)]
    not_before: Vec<String>,
    /// The word is an anachronism in a document dated before this.
    #[serde(default)]
    since: Option<String>,
    /// The word is out of date in a document dated after this.
    #[serde(default)]
    until: Option<String>,
}

struct Word {
    wrong: String,
    right: String,
    not_after: Vec<String>,
    not_before: Vec<String>,
    since: Option<DocDate>,
    until: Option<DocDate>,
}

#[derive(Clone, Copy, Debug)]
pub struct WordHit {
    pub pattern: usize,
    pub span: Span,
}

/// Every substitution rule's words, numbered in order: a hit's `pattern`.
pub struct WordIndex {
    patterns: Vec<String>,
}

#[derive(Default)]
pub struct WordIndexBuilder {
    patterns: Vec<String>,
}

impl WordIndexBuilder {
    fn add(&mut self, word: &str) -> usize {
        self.patterns.push(word.to_string());
        self.patterns.len() - 1
    }

    pub fn build(self) -> WordIndex {
        WordIndex {
            patterns: self.patterns,
        }
    }
}

impl WordIndex {
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }
}

pub struct Substitution {
    scope: Scope,
    /// This rule's patterns in the shared automaton: `first..first + words.len()`.
    first: usize,
    words: Vec<Word>,
}

impl Substitution {
    pub fn compile(
        spec: Spec,
        meta: &RuleMeta,
        index: &mut WordIndexBuilder,
    ) -> Result<Self, String> {
        if spec.words.is_empty() {
            return Err(format!("规则 {}：words 不能为空", meta.id));
        }
        let date = |text: &Option<String>| -> Result<Option<DocDate>, String> {
            text.as_deref()
                .map(|t| {
                    DocDate::parse(t)
                        .ok_or_else(|| format!("规则 {}：无法识别的日期“{t}”", meta.id))
                })
                .transpose()
        };
        let mut words = Vec::with_capacity(spec.words.len());
        let mut first = None;
        for w in spec.words {
            if w.wrong.is_empty() {
                return Err(format!("规则 {}：wrong 不能为空", meta.id));
            }
            let id = index.add(&w.wrong);
            first.get_or_insert(id);
            words.push(Word {
                since: date(&w.since)?,
                until: date(&w.until)?,
                wrong: w.wrong,
                right: w.right,
                not_after: w.not_after,
                not_before: w.not_before,
            });
        }
        Ok(Substitution {
            scope: meta.scope.unwrap_or(Scope::Prose),
            first: first.unwrap_or(0),
            words,
        })
    }
}

impl Check for Substitution {
    fn placeholders(&self) -> Vec<&str> {
        vec!["wrong", "match", "right"]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let text = ctx.text();
        let scope = ctx.spans(self.scope);
        if scope.is_empty() {
            return;
        }
        let hits = ctx.word_hits();
        let date = ctx.doc.meta.date;
        for hit in hits {
            let Some(word) = hit
                .pattern
                .checked_sub(self.first)
                .and_then(|i| self.words.get(i))
            else {
                continue;
            };
            // Scope spans are sorted and disjoint: only the last one starting before the hit
            // can hold it.
            let before = scope.partition_point(|s| s.start <= hit.span.start);
            if !before
                .checked_sub(1)
                .is_some_and(|i| scope[i].contains(hit.span))
            {
                continue;
            }
            let before = &text[..hit.span.start];
            let after = &text[hit.span.end..];
            if word.not_after.iter().any(|w| before.ends_with(w.as_str()))
                || word
                    .not_before
                    .iter()
                    .any(|w| after.starts_with(w.as_str()))
            {
                continue;
            }
            let dated = word.since.is_some() || word.until.is_some();
            if dated {
                let Some(date) = date else { continue };
                // A dated word is wrong outside its time: stale after `until`, anachronistic
                // before `since`.
                let stale = word.until.is_some_and(|u| date > u);
                let early = word.since.is_some_and(|s| date < s);
                if !stale && !early {
                    continue;
                }
            }
            let vars = |name: &str| -> Option<Cow<str>> {
                match name {
                    "wrong" | "match" => Some(Cow::Borrowed(word.wrong.as_str())),
                    "right" => Some(Cow::Borrowed(word.right.as_str())),
                    _ => None,
                }
            };
            let fix = sink
                .fix_applicability()
                .map(|a| Fix::replace(a, hit.span, word.right.clone()));
            sink.report(hit.span, vars, fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::RuleSet;

    const PACK: &str = "
- id: term/test
  kind: substitution
  severity: warning
  message: '“{wrong}”应为“{right}”'
  fix: { applicability: safe }
  explain: 测试
  words:
    - { wrong: 再接再励, right: 再接再厉 }
    - { wrong: 截止, right: 截至, not_before: [日期, 到, 时间] }
    - { wrong: 新冠肺炎, right: 新冠病毒感染, until: '2022-12-26' }
  examples: { invalid: ['再接再励'], valid: ['再接再厉'] }
- id: term/other
  kind: substitution
  severity: info
  message: '{wrong}→{right}'
  explain: 测试
  words: [{ wrong: 平米, right: 平方米 }]
  examples: { invalid: ['29万平米'], valid: ['29万平方米'] }
";

    fn hits(text: &str) -> Vec<(String, &'static str)> {
        let rules = RuleSet::from_packs([("t.yaml".into(), PACK.into())]).unwrap();
        crate::engine::check_text(&rules, text)
            .into_iter()
            .map(|d| (d.message.to_string(), d.rule))
            .collect()
    }

    #[test]
    fn the_search_is_laid_out_when_a_document_has_text_to_search() {
        let rules = RuleSet::from_packs([("t.yaml".into(), PACK.into())]).unwrap();
        assert!(crate::engine::check_text(&rules, "").is_empty());
        assert!(!rules.literals.is_laid_out());
        assert_eq!(crate::engine::check_text(&rules, "再接再励").len(), 1);
        assert!(rules.literals.is_laid_out());
    }

    #[test]
    fn words_of_several_rules_share_one_automaton() {
        assert_eq!(
            hits("要再接再励，建设29万平米。"),
            [
                ("“再接再励”应为“再接再厉”".to_string(), "term/test"),
                ("平米→平方米".to_string(), "term/other")
            ]
        );
    }

    #[test]
    fn context_guard_cancels_a_hit() {
        assert!(hits("报名截止日期为3月1日。").is_empty());
        assert_eq!(hits("截止2020年底，").len(), 1);
    }

    #[test]
    fn dated_words_need_a_document_date_after_the_boundary() {
        assert!(hits("新冠肺炎疫情防控。").is_empty(), "no date: skipped");
        assert!(
            hits("2021年工作要点\n\n新冠肺炎疫情防控。").is_empty(),
            "before the rename"
        );
        assert_eq!(hits("2023年工作要点\n\n新冠肺炎疫情防控。").len(), 1);
    }
}
