//! `arithmetic`: numbers captured from a sentence must agree. Each check is an equation over
//! the named captures (`abs(a - b) = c`), evaluated in interval arithmetic from the precision
//! the text states (13.88 stands for [13.875, 13.885)), so rounding never fires (RULES A.6).

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;

use super::figures::{Interval, Stated};
use super::load::LazyRegex;
use super::requires::Requires;
use super::template::Template;
use super::{Check, Context, RuleMeta, Scope, Sink};
use crate::diagnostic::Span;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pattern: LazyRegex,
    checks: Vec<CheckSpec>,
    /// Literals every match of `pattern` contains (one at least, e.g. `[比, 较]`); spans
    /// without them are skipped (see `requires.rs`).
    #[serde(default)]
    requires: Requires,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckSpec {
    /// `left = right`, over capture names, numbers, + - * / ( ) and abs().
    assert: String,
    /// The capture group to report; the whole match by default.
    #[serde(default)]
    span: Option<String>,
    /// Only when this capture group took part in the match (`增长` vs `下降`).
    #[serde(default)]
    when: Option<String>,
    #[serde(default)]
    message: Option<Template>,
}

struct Equation {
    left: Expr,
    right: Expr,
    source: String,
    span: Option<String>,
    when: Option<String>,
    message: Option<Template>,
}

pub struct Arithmetic {
    scope: Scope,
    regex: LazyRegex,
    requires: Requires,
    equations: Vec<Equation>,
}

impl Arithmetic {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        let names: Vec<&str> = spec.pattern.names().collect();
        let mut equations = Vec::new();
        for check in spec.checks {
            let (left, right) = check
                .assert
                .split_once('=')
                .ok_or_else(|| format!("规则 {}：assert “{}” 缺少“=”", meta.id, check.assert))?;
            let left = Expr::parse(left).map_err(|e| format!("规则 {}：{e}", meta.id))?;
            let right = Expr::parse(right).map_err(|e| format!("规则 {}：{e}", meta.id))?;
            for var in left
                .vars()
                .into_iter()
                .chain(right.vars())
                .chain(check.span.as_deref())
                .chain(check.when.as_deref())
            {
                if !names.contains(&var) {
                    return Err(format!("规则 {}：“{var}”不是正则表达式中的捕获组", meta.id));
                }
            }
            equations.push(Equation {
                left,
                right,
                source: check.assert,
                span: check.span,
                when: check.when,
                message: check.message,
            });
        }
        if equations.is_empty() {
            return Err(format!("规则 {}：checks 不能为空", meta.id));
        }
        Ok(Arithmetic {
            scope: meta.scope.unwrap_or(Scope::Body),
            requires: spec.requires.or_derived(&spec.pattern),
            regex: spec.pattern,
            equations,
        })
    }
}

impl Check for Arithmetic {
    /// Its own three, then `{match}` and the pattern's named groups.
    fn placeholders(&self) -> Vec<&str> {
        ["computed", "stated", "assert", "match"]
            .into_iter()
            .chain(self.regex.names())
            .collect()
    }

    fn requires(&self) -> Vec<&Requires> {
        vec![&self.requires]
    }

    fn regexes(&self) -> Vec<&LazyRegex> {
        vec![&self.regex]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let text = ctx.text();
        for scope_span in self.requires.admitted(ctx, self.scope) {
            let Some(regex) = self.regex.get() else {
                return;
            };
            let haystack = scope_span.text(text);
            for captures in regex.captures_iter(haystack) {
                let values: HashMap<&str, Stated> = regex
                    .capture_names()
                    .flatten()
                    .filter_map(|name| Some((name, Stated::parse(captures.name(name)?.as_str())?)))
                    .collect();
                for equation in &self.equations {
                    if equation
                        .when
                        .as_deref()
                        .is_some_and(|g| captures.name(g).is_none())
                    {
                        continue;
                    }
                    let (Some(left), Some(right)) =
                        (equation.left.eval(&values), equation.right.eval(&values))
                    else {
                        continue;
                    };
                    if left.overlaps(right) {
                        continue;
                    }
                    let exact = |expr: &Expr| {
                        expr.eval(&values.iter().map(|(k, v)| (*k, v.exact())).collect())
                    };
                    let decimals = equation
                        .right
                        .vars()
                        .first()
                        .and_then(|v| values.get(v))
                        .map_or(2, |s| s.decimals);
                    let computed = exact(&equation.left)
                        .map(|v| format!("{:.*}", decimals, v.lo))
                        .unwrap_or_default();
                    let stated = exact(&equation.right)
                        .map(|v| format!("{:.*}", decimals, v.lo))
                        .unwrap_or_default();
                    let whole = captures.get(0).expect("group 0");
                    let target = equation
                        .span
                        .as_deref()
                        .and_then(|g| captures.name(g))
                        .unwrap_or(whole);
                    let span = Span::new(target.start(), target.end()).shift(scope_span.start);
                    let vars = |name: &str| -> Option<Cow<str>> {
                        match name {
                            "computed" => Some(Cow::Borrowed(computed.as_str())),
                            "stated" => Some(Cow::Borrowed(stated.as_str())),
                            "assert" => Some(Cow::Borrowed(equation.source.as_str())),
                            _ => super::capture_vars(&captures, name),
                        }
                    };
                    match &equation.message {
                        Some(message) => sink.report_with(span, message, vars, None),
                        None => sink.report(span, vars, None),
                    }
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Number(f64),
    Var(String),
    Neg(Box<Expr>),
    Abs(Box<Expr>),
    Binary(Box<Expr>, char, Box<Expr>),
}

impl Expr {
    fn parse(source: &str) -> Result<Expr, String> {
        let tokens: Vec<char> = source.chars().filter(|c| !c.is_whitespace()).collect();
        let mut parser = ExprParser {
            tokens: &tokens,
            at: 0,
            source,
        };
        let expr = parser.sum()?;
        if parser.at != tokens.len() {
            return Err(format!("表达式“{}”无法解析", source.trim()));
        }
        Ok(expr)
    }

    fn vars(&self) -> Vec<&str> {
        match self {
            Expr::Number(_) => vec![],
            Expr::Var(name) => vec![name.as_str()],
            Expr::Neg(e) | Expr::Abs(e) => e.vars(),
            Expr::Binary(a, _, b) => a.vars().into_iter().chain(b.vars()).collect(),
        }
    }

    /// `None` when a variable was not captured or a divisor may be zero.
    fn eval(&self, values: &HashMap<&str, Stated>) -> Option<Interval> {
        Some(match self {
            Expr::Number(v) => Interval::point(*v),
            Expr::Var(name) => values.get(name.as_str())?.interval(),
            Expr::Neg(e) => e.eval(values)?.neg(),
            Expr::Abs(e) => e.eval(values)?.abs(),
            Expr::Binary(a, op, b) => {
                let (a, b) = (a.eval(values)?, b.eval(values)?);
                match op {
                    '+' => a.add(b),
                    '-' => a.sub(b),
                    '*' => a.mul(b),
                    _ => a.div(b)?,
                }
            }
        })
    }
}

struct ExprParser<'a> {
    tokens: &'a [char],
    at: usize,
    source: &'a str,
}

impl ExprParser<'_> {
    fn peek(&self) -> Option<char> {
        self.tokens.get(self.at).copied()
    }

    fn error(&self) -> String {
        format!("表达式“{}”无法解析", self.source.trim())
    }

    fn sum(&mut self) -> Result<Expr, String> {
        let mut left = self.product()?;
        while let Some(op @ ('+' | '-')) = self.peek() {
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut left = self.factor()?;
        while let Some(op @ ('*' | '/')) = self.peek() {
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.factor()?));
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Expr, String> {
        match self.peek().ok_or_else(|| self.error())? {
            '-' => {
                self.at += 1;
                Ok(Expr::Neg(Box::new(self.factor()?)))
            }
            '(' => {
                self.at += 1;
                let inner = self.sum()?;
                self.expect(')')?;
                Ok(inner)
            }
            c if c.is_ascii_digit() => {
                let start = self.at;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
                    self.at += 1;
                }
                let number: String = self.tokens[start..self.at].iter().collect();
                number.parse().map(Expr::Number).map_err(|_| self.error())
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = self.at;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.at += 1;
                }
                let name: String = self.tokens[start..self.at].iter().collect();
                if name == "abs" && self.peek() == Some('(') {
                    self.at += 1;
                    let inner = self.sum()?;
                    self.expect(')')?;
                    return Ok(Expr::Abs(Box::new(inner)));
                }
                Ok(Expr::Var(name))
            }
            _ => Err(self.error()),
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(assert: &str, values: &[(&str, &str)]) -> bool {
        let (l, r) = assert.split_once('=').unwrap();
        let values: HashMap<&str, Stated> = values
            .iter()
            .map(|(k, v)| (*k, Stated::parse(v).unwrap()))
            .collect();
        let (l, r) = (Expr::parse(l).unwrap(), Expr::parse(r).unwrap());
        l.eval(&values).unwrap().overlaps(r.eval(&values).unwrap())
    }

    #[test]
    fn the_seed_growth_sentence() {
        // 004:11: 20.17 − 13.88 = 6.29, stated 6.39; the rate 45.4% agrees with 6.29.
        let v = [("a", "20.17"), ("b", "13.88"), ("c", "6.39"), ("d", "45.4")];
        assert!(!holds("abs(a - b) = c", &v));
        assert!(holds("abs(a - b) / b * 100 = d", &v));
    }

    #[test]
    fn rounding_never_fires() {
        // 5.72 − 3.69 = 2.03; 2.03 / 3.69 = 55.01%, stated 55.2%: inside the intervals.
        let v = [("a", "5.72"), ("b", "3.69"), ("c", "2.03"), ("d", "55.2")];
        assert!(holds("abs(a - b) = c", &v));
        assert!(holds("abs(a - b) / b * 100 = d", &v));
        assert!(holds(
            "a / b * 100 = d",
            &[("a", "42"), ("b", "43"), ("d", "98")]
        ));
    }

    #[test]
    fn parser_handles_precedence_and_errors() {
        assert_eq!(
            Expr::parse("1 + 2 * 3").unwrap().eval(&HashMap::new()),
            Some(Interval::point(7.0))
        );
        assert_eq!(
            Expr::parse("-(1 - 3)").unwrap().eval(&HashMap::new()),
            Some(Interval::point(2.0))
        );
        assert!(Expr::parse("a +").is_err());
        assert!(Expr::parse("(a").is_err());
        assert_eq!(Expr::parse("a / 0").unwrap().eval(&HashMap::new()), None);
    }
}
