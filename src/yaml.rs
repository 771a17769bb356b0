//! Errors in YAML the user wrote (rule packs, gwlint.yaml), shown with miette on the file's own
//! text and pointing at the offending line.

use miette::{NamedSource, SourceSpan};

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{what} {file} 有误：{reason}")]
pub struct YamlError {
    pub what: &'static str,
    pub file: String,
    pub reason: String,
    #[source_code]
    pub source_code: NamedSource<String>,
    #[label("此处")]
    pub at: Option<SourceSpan>,
}

impl YamlError {
    /// `what` names the kind of file (规则文件, 配置文件); `offset` is where in `yaml` the error is.
    pub fn new(
        what: &'static str,
        file: &str,
        yaml: &str,
        reason: String,
        offset: Option<usize>,
    ) -> Box<Self> {
        let at = offset.filter(|&o| o <= yaml.len()).map(|offset| {
            let len = yaml[offset..].find('\n').unwrap_or(yaml.len() - offset);
            SourceSpan::new(offset.into(), len)
        });
        Box::new(YamlError {
            what,
            file: file.to_string(),
            reason,
            source_code: NamedSource::new(file, yaml.to_string()),
            at,
        })
    }

    /// A serde_yaml error, translated, at the line it concerns.
    pub fn from_serde(
        what: &'static str,
        file: &str,
        yaml: &str,
        error: &serde_yaml::Error,
    ) -> Box<Self> {
        let message = error.to_string();
        let offset = error
            .location()
            .map(|l| refine_offset(yaml, l.index(), &message));
        Self::new(what, file, yaml, translate(&message), offset)
    }

    /// The 1-based line the error points at.
    pub fn line(&self) -> Option<usize> {
        let at = self.at?;
        Some(
            self.source_code.inner()[..at.offset()]
                .matches('\n')
                .count()
                + 1,
        )
    }
}

/// serde_yaml places errors inside a mapping at the mapping's start; the field or text the
/// message quotes (`colour`, “([”) is looked for after it, to point at the very line.
fn refine_offset(yaml: &str, offset: usize, message: &str) -> usize {
    // The text between each pair of quotes: `…` (one mark for both ends) and “…”.
    let backticked = message.split('`').skip(1).step_by(2);
    let curly = message
        .split('“')
        .skip(1)
        .filter_map(|rest| rest.split_once('”').map(|(q, _)| q));
    let item_end = yaml[offset..]
        .find("\n- ")
        .map_or(yaml.len(), |e| offset + e);
    backticked
        .chain(curly)
        .filter(|needle| !needle.is_empty())
        .find_map(|needle| yaml[offset..item_end].find(needle))
        .map_or(offset, |found| offset + found)
}

fn translate(message: &str) -> String {
    // serde_yaml appends " at line N column M"; the miette label shows the place instead.
    let message = match message.find(" at line ") {
        Some(at) => &message[..at],
        None => message,
    };
    message
        .replace("unknown field", "未知字段")
        .replace("missing field", "缺少字段")
        .replace("unknown variant", "未知取值")
        .replace("expected one of", "应为以下之一：")
        .replace("invalid type", "类型不对")
}

/// The offset of the first line in `yaml` that holds `needle` as a YAML value or key.
pub fn find_value(yaml: &str, needle: &str) -> Option<usize> {
    yaml.match_indices(needle).map(|(at, _)| at).find(|&at| {
        let before = yaml[..at].chars().next_back();
        let after = yaml[at + needle.len()..].chars().next();
        let boundary = |c: Option<char>| {
            c.is_none_or(|c| !(c.is_alphanumeric() || c == '/' || c == '-' || c == '_'))
        };
        boundary(before) && boundary(after)
    })
}
