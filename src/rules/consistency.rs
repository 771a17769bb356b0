//! `consistency`: a document writes one of several forms, not a mix (`2021 年` vs `2021年`).
//! The preferred form is `prefer`, or else the majority; the other forms are reported.

use std::borrow::Cow;

use serde::Deserialize;

use super::load::LazyRegex;
use super::requires::Requires;
use super::template::Template;
use super::{Check, Context, RuleMeta, Scope, Sink};
use crate::diagnostic::{Fix, Span};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    forms: Vec<FormSpec>,
    #[serde(default)]
    prefer: Option<String>,
    #[serde(default)]
    when: When,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormSpec {
    name: String,
    pattern: LazyRegex,
    /// Capture groups that are the reported (and fixed) span, the first that took part in the
    /// match; the whole match by default. A list because alternatives need their own names.
    /// A match in which none of them took part is no hit of the form (neither reported nor
    /// counted): an alternative without them consumes text the form must not report, which
    /// is how a pattern says "not after …" without look-behind.
    #[serde(default)]
    span: Vec<String>,
    /// Rewrites the reported span into the preferred form.
    #[serde(default)]
    replacement: Option<Template>,
    /// Literals every match of `pattern` contains (one at least); spans without them are
    /// skipped (see `requires.rs`).
    #[serde(default)]
    requires: Requires,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum When {
    /// Only when the document uses more than one form.
    #[default]
    Mixed,
    /// Whenever a form other than `prefer` appears.
    Always,
}

pub struct Consistency {
    scope: Scope,
    forms: Vec<FormSpec>,
    prefer: Option<usize>,
    when: When,
    /// Whether a message, help or replacement shows `{preferred_count}`: with `prefer` set,
    /// the preferred form is counted only then.
    shows_preferred_count: bool,
}

impl Consistency {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        if spec.forms.len() < 2 {
            return Err(format!(
                "规则 {}：consistency 类规则至少需要两种写法（forms）",
                meta.id
            ));
        }
        let prefer = match &spec.prefer {
            Some(name) => Some(spec.forms.iter().position(|f| &f.name == name).ok_or_else(
                || format!("规则 {}：prefer 指定的写法“{name}”不在 forms 中", meta.id),
            )?),
            None => None,
        };
        for form in &spec.forms {
            for group in &form.span {
                if !form.pattern.names().any(|name| name == group) {
                    return Err(format!(
                        "规则 {}：span 指定的捕获组“{group}”不在写法“{}”的正则表达式中",
                        meta.id, form.name
                    ));
                }
            }
        }
        if spec.when == When::Always && prefer.is_none() {
            return Err(format!(
                "规则 {}：when: always 需要同时指定 prefer",
                meta.id
            ));
        }
        let shows_preferred_count = std::iter::once(&meta.message)
            .chain(&meta.help)
            .chain(spec.forms.iter().filter_map(|f| f.replacement.as_ref()))
            .flat_map(Template::placeholders)
            .any(|name| name == "preferred_count");
        let forms = spec
            .forms
            .into_iter()
            .map(|form| FormSpec {
                requires: form.requires.or_derived(&form.pattern),
                ..form
            })
            .collect();
        Ok(Consistency {
            scope: meta.scope.unwrap_or(Scope::Prose),
            forms,
            prefer,
            when: spec.when,
            shows_preferred_count,
        })
    }
}

impl FormSpec {
    /// Whether a match is a hit: with `span` groups, one of them took part.
    fn is_hit(&self, captures: &regex::Captures) -> bool {
        self.span.is_empty() || self.span.iter().any(|g| captures.name(g).is_some())
    }

    /// Every hit of the form in the spans, with its span's offset.
    fn matches<'t>(&self, ctx: &Context<'t>, spans: &[Span]) -> Vec<(usize, regex::Captures<'t>)> {
        let text = ctx.text();
        spans
            .iter()
            .filter(|s| self.requires.admits_span(ctx, **s))
            .map(|s| (s.start, s.text(text)))
            .flat_map(|(start, haystack)| {
                self.pattern
                    .get()
                    .into_iter()
                    .flat_map(|regex| regex.captures_iter(haystack))
                    .filter(|captures| self.is_hit(captures))
                    .map(move |captures| (start, captures))
            })
            .collect()
    }

    /// The hits in one haystack; without `span` groups every match is one, found without
    /// captures.
    fn hits(&self, haystack: &str) -> usize {
        let Some(regex) = self.pattern.get() else {
            return 0;
        };
        if self.span.is_empty() {
            return regex.find_iter(haystack).count();
        }
        regex
            .captures_iter(haystack)
            .filter(|captures| self.is_hit(captures))
            .count()
    }

    fn has_hit(&self, haystack: &str) -> bool {
        let Some(regex) = self.pattern.get() else {
            return false;
        };
        if self.span.is_empty() {
            return regex.is_match(haystack);
        }
        regex
            .captures_iter(haystack)
            .any(|captures| self.is_hit(&captures))
    }

    fn count(&self, ctx: &Context, spans: &[Span]) -> usize {
        spans
            .iter()
            .filter(|s| self.requires.admits_span(ctx, **s))
            .map(|s| self.hits(s.text(ctx.text())))
            .sum()
    }
}

impl Check for Consistency {
    /// Its own four, then `{match}` and the named groups of any form, as in a pattern.
    fn placeholders(&self) -> Vec<&str> {
        let groups = self.forms.iter().flat_map(|form| form.pattern.names());
        ["form", "preferred", "count", "preferred_count", "match"]
            .into_iter()
            .chain(groups)
            .collect()
    }

    fn requires(&self) -> Vec<&Requires> {
        self.forms.iter().map(|f| &f.requires).collect()
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let text = ctx.text();
        let spans = ctx.spans(self.scope);
        // The matches of every form that may be reported (all but `prefer`), found once.
        let found: Vec<Option<Vec<(usize, regex::Captures)>>> = self
            .forms
            .iter()
            .enumerate()
            .map(|(i, form)| (self.prefer != Some(i)).then(|| form.matches(ctx, spans)))
            .collect();
        let mut counts: Vec<usize> = found
            .iter()
            .map(|m| m.as_ref().map_or(0, Vec::len))
            .collect();
        if let Some(preferred) = self.prefer {
            // Only the other forms are ever reported: none, nothing to say. The preferred one
            // matters when a message shows its count or when only it can make a mix.
            let others = counts.iter().filter(|&&n| n > 0).count();
            if others == 0 {
                return;
            }
            counts[preferred] = if self.shows_preferred_count {
                self.forms[preferred].count(ctx, spans)
            } else if self.when == When::Mixed && others == 1 {
                let form = &self.forms[preferred];
                usize::from(
                    spans
                        .iter()
                        .any(|s| form.requires.admits_span(ctx, *s) && form.has_hit(s.text(text))),
                )
            } else {
                // Reported either way: mixed, or `when: always` with some other form.
                0
            };
        }
        let used = counts.iter().filter(|&&n| n > 0).count();
        let preferred = self.prefer.unwrap_or_else(|| {
            // The majority; the first listed form wins a tie.
            (0..counts.len())
                .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
                .unwrap_or(0)
        });
        let mixed = used > 1;
        if !(mixed || (self.when == When::Always && counts[preferred] == 0 && used > 0)) {
            return;
        }
        for (i, (form, matches)) in self.forms.iter().zip(found).enumerate() {
            if i == preferred {
                continue;
            }
            for (offset, captures) in matches.into_iter().flatten() {
                let whole = captures.get(0).expect("group 0");
                let target = form
                    .span
                    .iter()
                    .find_map(|g| captures.name(g))
                    .unwrap_or(whole);
                let span = Span::new(target.start(), target.end()).shift(offset);
                let vars = |name: &str| -> Option<Cow<str>> {
                    match name {
                        "form" => Some(Cow::Borrowed(form.name.as_str())),
                        "preferred" => Some(Cow::Borrowed(self.forms[preferred].name.as_str())),
                        "count" => Some(Cow::Owned(counts[i].to_string())),
                        "preferred_count" => Some(Cow::Owned(counts[preferred].to_string())),
                        _ => super::capture_vars(&captures, name),
                    }
                };
                let fix = sink
                    .fix_applicability()
                    .zip(form.replacement.as_ref())
                    .map(|(a, template)| Fix::replace(a, span, template.render(vars)));
                sink.report(span, vars, fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::RuleSet;

    fn pack(extra: &str) -> String {
        format!(
            "
- id: test/spacing
  kind: consistency
  severity: warning
  message: '{{form}}：{{match}}'
  explain: 测试
  {extra}
  forms:
    - {{ name: 有空格, pattern: '\\d +\\p{{Han}}' }}
    - {{ name: 无空格, pattern: '\\d\\p{{Han}}' }}
  examples: {{ invalid: ['2021 年和2022年'], valid: ['2021年'] }}
"
        )
    }

    fn messages(extra: &str, text: &str) -> Vec<String> {
        let rules = RuleSet::from_packs([("t.yaml".into(), pack(extra))]).unwrap();
        crate::engine::check_text(&rules, text)
            .into_iter()
            .map(|d| d.message.to_string())
            .collect()
    }

    #[test]
    fn minority_form_is_reported_when_mixed() {
        assert_eq!(messages("", "2021 年，2022年，2023年"), ["有空格：1 年"]);
        assert_eq!(messages("", "2021 年，2022 年，2023年"), ["无空格：3年"]);
        assert!(
            messages("", "2021 年，2022 年").is_empty(),
            "consistent: silent"
        );
    }

    #[test]
    fn prefer_and_always_flag_any_other_form() {
        assert_eq!(
            messages("prefer: 无空格", "2021 年，2022 年，2023年").len(),
            2
        );
        assert_eq!(
            messages("prefer: 无空格\n  when: always", "2021 年").len(),
            1
        );
        assert!(messages("prefer: 无空格", "2021 年").is_empty());
    }

    #[test]
    fn a_match_without_its_span_groups_is_no_hit() {
        // The first alternative eats a Latin token, so that its digits are not taken for a
        // number before a space: neither reported nor counted.
        let pack = "
- id: test/spacing
  kind: consistency
  severity: warning
  prefer: 无空格
  when: always
  message: '{form}，共{count}处'
  explain: 测试
  forms:
    - { name: 有空格, pattern: '[A-Z]+\\d+|\\d(?P<gap> +)\\p{Han}', span: [gap] }
    - { name: 无空格, pattern: '\\d\\p{Han}' }
  examples: { invalid: ['2021 年'], valid: ['2021年'] }
";
        let rules = RuleSet::from_packs([("t.yaml".into(), pack.to_string())]).unwrap();
        let messages = |text: &str| -> Vec<String> {
            crate::engine::check_text(&rules, text)
                .into_iter()
                .map(|d| d.message.to_string())
                .collect()
        };
        assert_eq!(messages("播放 MP3 文件，2021 年"), ["有空格，共1处"]);
        assert!(messages("播放 MP3 文件").is_empty());
    }
}
