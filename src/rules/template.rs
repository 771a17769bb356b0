//! `{name}` message and fix templates, parsed once when a rule loads.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Deserializer};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Text(String),
    Var(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    source: String,
    segments: Vec<Segment>,
    /// The text, when there is no placeholder to fill: every finding shares it.
    constant: Option<Arc<str>>,
}

impl Template {
    pub fn parse(source: &str) -> Result<Self, String> {
        let mut segments = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("模板“{source}”中的“{{”没有对应的“}}”"))?;
            let name = &after[..close];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("模板“{source}”中的占位符“{{{name}}}”不合法"));
            }
            segments.push(Segment::Var(name.to_string()));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_string()));
        }
        let constant = match segments.as_slice() {
            [] => Some(Arc::from("")),
            [Segment::Text(text)] => Some(Arc::from(text.as_str())),
            _ => None,
        };
        Ok(Template {
            source: source.to_string(),
            segments,
            constant,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Var(name) => Some(name.as_str()),
            Segment::Text(_) => None,
        })
    }

    /// The text when the template has no placeholder, shared by every rendering.
    pub fn constant(&self) -> Option<&Arc<str>> {
        self.constant.as_ref()
    }

    /// Fills the placeholders; one `lookup` does not know renders as empty text.
    pub fn render<'a>(&self, lookup: impl Fn(&str) -> Option<Cow<'a, str>>) -> String {
        let mut out = String::with_capacity(self.source.len());
        self.render_into(lookup, &mut out);
        out
    }

    /// `render`, appended to `out`.
    pub fn render_into<'a>(&self, lookup: impl Fn(&str) -> Option<Cow<'a, str>>, out: &mut String) {
        for segment in &self.segments {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Var(name) => {
                    if let Some(value) = lookup(name) {
                        out.push_str(&value);
                    }
                }
            }
        }
    }
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let source = String::deserialize(deserializer)?;
        Template::parse(&source).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_placeholders() {
        let t = Template::parse("应为“〔{year}〕{serial}号”").unwrap();
        let out = t.render(|name| match name {
            "year" => Some("2021".into()),
            "serial" => Some("1".into()),
            _ => None,
        });
        assert_eq!(out, "应为“〔2021〕1号”");
        assert_eq!(t.placeholders().collect::<Vec<_>>(), ["year", "serial"]);
    }

    #[test]
    fn rejects_broken_templates() {
        assert!(Template::parse("缺少{右括号").is_err());
        assert!(Template::parse("空{}").is_err());
    }
}
