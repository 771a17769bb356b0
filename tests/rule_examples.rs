//! Every built-in rule's examples: each invalid one fires the rule, each valid one leaves it
//! silent, every message is fully rendered, and a rule without a fix never emits one. Fixes
//! converge: applying a rule's fixes to an invalid example leaves text the rule accepts.

use gwlint::engine::check_rule;
use gwlint::rules::RuleSet;

fn apply(text: &str, diagnostics: &[gwlint::diagnostic::Diagnostic]) -> String {
    let mut edits: Vec<_> = diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| &f.edits)
        .collect();
    edits.sort_by_key(|e| e.span.start);
    let mut out = String::new();
    let mut at = 0;
    for edit in edits {
        if edit.span.start < at {
            continue;
        }
        out.push_str(&text[at..edit.span.start]);
        out.push_str(&edit.replacement);
        at = edit.span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A `{name}` placeholder left in a message.
fn unrendered(text: &str) -> bool {
    text.split('{').skip(1).any(|rest| {
        rest.split_once('}').is_some_and(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

#[test]
fn every_builtin_rule_meets_its_examples() {
    let rules = RuleSet::builtin().expect("built-in packs load");
    let mut failures = Vec::new();
    for rule in &rules.rules {
        let meta = &rule.meta;
        assert!(
            meta.examples.invalid.len() >= 3 && meta.examples.valid.len() >= 3,
            "{}: at least three examples each way",
            meta.id
        );
        for example in &meta.examples.invalid {
            let found = check_rule(&rules, rule, example);
            if found.is_empty() {
                failures.push(format!(
                    "{}: invalid example does not fire: {example:?}",
                    meta.id
                ));
            }
            for d in &found {
                if unrendered(&d.message) || d.help.as_deref().is_some_and(unrendered) {
                    failures.push(format!(
                        "{}: unrendered placeholder in {:?}",
                        meta.id, d.message
                    ));
                }
                if meta.fix.is_none() && d.fix.is_some() {
                    failures.push(format!("{}: emits a fix but declares none", meta.id));
                }
            }
            if found.iter().any(|d| d.fix.is_some()) && found.iter().all(|d| d.fix.is_some()) {
                let mut fixed = example.clone();
                for _ in 0..4 {
                    let again = check_rule(&rules, rule, &fixed);
                    if again.is_empty() || again.iter().any(|d| d.fix.is_none()) {
                        break;
                    }
                    fixed = apply(&fixed, &again);
                }
                let left = check_rule(&rules, rule, &fixed);
                if !left.is_empty() {
                    failures.push(format!(
                        "{}: fixes do not converge on {example:?}: {fixed:?}",
                        meta.id
                    ));
                }
            }
        }
        // What loading asks of a user's rule (fixes stay inside their finding, …) holds for
        // the built-in ones too.
        if let Some(reason) = rules.example_failure(rule, check_rule) {
            failures.push(reason);
        }
        for example in &meta.examples.valid {
            let found = check_rule(&rules, rule, example);
            if !found.is_empty() {
                failures.push(format!(
                    "{}: valid example fires: {example:?}: {}",
                    meta.id, found[0].message
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
