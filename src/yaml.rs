//! Errors in YAML the user wrote (rule packs, gwlint.yaml), shown with miette on the file's own
//! text and pointing at the offending line.

use miette::{NamedSource, SourceSpan};
use serde::de::DeserializeOwned;

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

/// Reads `yaml` into `T`: a YAML error (syntax, an unknown field, a value of the wrong type,
/// a check of our own in a `Deserialize` impl) points where the YAML parser was, in the words of
/// `reason`. `what` names the kind of file (规则文件, 配置文件).
pub fn parse<T: DeserializeOwned>(
    what: &'static str,
    file: &str,
    yaml: &str,
) -> Result<T, Box<YamlError>> {
    // YAML 1.2 booleans only: `span: n` names a capture group, not `false`.
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options(yaml, options)
        .map_err(|error| from_saphyr(what, file, yaml, &error))
}

/// `parse` with a seed that carries what the type needs to know beforehand.
pub fn parse_seed<'de, S: serde::de::DeserializeSeed<'de>>(
    what: &'static str,
    file: &str,
    yaml: &'de str,
    seed: S,
) -> Result<S::Value, Box<YamlError>> {
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::with_deserializer_from_str_with_options(yaml, options, |de| seed.deserialize(de))
        .map_err(|error| from_saphyr(what, file, yaml, &error))
}

fn from_saphyr(
    what: &'static str,
    file: &str,
    yaml: &str,
    error: &serde_saphyr::Error,
) -> Box<YamlError> {
    let offset = error
        .location()
        .and_then(|at| offset_of(yaml, at.line(), at.column()));
    YamlError::new(what, file, yaml, reason(error), offset)
}

/// The byte offset of a 1-based line and character column.
fn offset_of(yaml: &str, line: u64, column: u64) -> Option<usize> {
    let line_start = if line <= 1 {
        0
    } else {
        yaml.match_indices('\n').nth(line as usize - 2)?.0 + 1
    };
    let rest = &yaml[line_start..];
    let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let within = line_text
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line_text.len(), |(at, _)| at);
    Some(line_start + within)
}

/// What is wrong, in Chinese: our own messages (from the `Deserialize` impls) pass through;
/// serde's structured errors are put in words; the parser's English is translated.
fn reason(error: &serde_saphyr::Error) -> String {
    use serde_saphyr::Error;
    let mut error = error.without_snippet();
    while let Error::AliasError { error: inner, .. } = error {
        error = inner.without_snippet();
    }
    let list = |names: &[&str]| names.join("、");
    match error {
        Error::SerdeUnknownField {
            field, expected, ..
        } if expected.is_empty() => {
            format!("未知字段 {field}")
        }
        Error::SerdeUnknownField {
            field, expected, ..
        } => {
            format!("未知字段 {field}，可用的字段：{}", list(expected))
        }
        Error::SerdeMissingField { field, .. } => format!("缺少字段 {field}"),
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => format!("未知取值 {variant}，应为以下之一：{}", list(expected)),
        Error::SerdeInvalidType { expected, .. } | Error::SerdeInvalidValue { expected, .. } => {
            format!("类型不对：此处应为{}", kind_name(expected))
        }
        Error::SerdeInvalidLength { .. } => "列表长度不对".to_string(),
        Error::DuplicateMappingKey { key: Some(key), .. } => format!("键 {key} 重复出现"),
        Error::DuplicateMappingKey { key: None, .. } => "同一映射中有重复的键".to_string(),
        Error::Message { msg, .. } => translate(msg),
        Error::ExternalMessage { msg, .. } => format!("YAML 语法错误：{}", syntax(msg)),
        Error::Eof { .. } => "YAML 意外结束：有括号或引号没有闭合".to_string(),
        Error::Unexpected { expected, .. } => format!("此处应为{}", kind_name(expected)),
        Error::MultipleDocuments { .. } => {
            "文件中有多个 YAML 文档（多处 ---），只能有一个".to_string()
        }
        Error::UnknownAnchor { .. } => "引用了不存在的锚点（*名称）".to_string(),
        _ => "YAML 内容有误".to_string(),
    }
}

/// The YAML parser's syntax messages that users meet.
fn syntax(message: &str) -> &'static str {
    const KNOWN: &[(&str, &str)] = &[
        (
            "did not find expected ',' or ']'",
            "方括号列表 [ … ] 没有闭合，或元素之间缺少逗号",
        ),
        (
            "did not find expected ',' or '}'",
            "花括号映射 { … } 没有闭合，或元素之间缺少逗号",
        ),
        (
            "did not find expected key",
            "缩进不一致，或此处缺少“键: 值”",
        ),
        ("did not find expected '-'", "列表项缩进不一致"),
        (
            "mapping values are not allowed",
            "此处不能出现冒号；含冒号的文字请加引号",
        ),
        (
            "found character that cannot start any token",
            "此处的字符不能开始一个值（如 @、`、制表符）；请加引号",
        ),
        (
            "found unexpected end of stream",
            "文件意外结束：有引号或括号没有闭合",
        ),
        (
            "found unknown escape character",
            "双引号字符串中有无效的转义（\\）；可改用单引号",
        ),
        ("could not find expected ':'", "缺少冒号"),
        (
            "found a tab character",
            "缩进中有制表符：YAML 只能用空格缩进",
        ),
        ("duplicate", "同一映射中有重复的键"),
        ("alias", "引用（*别名）有误"),
    ];
    KNOWN
        .iter()
        .find(|(english, _)| message.contains(english))
        .map_or("无法解析此处的 YAML", |(_, chinese)| chinese)
}

/// A free-form message: ours (Chinese) as it is; anything else is not shown to the user.
fn translate(message: &str) -> String {
    if message.chars().any(|c| c > '\u{2E80}') {
        message.to_string()
    } else {
        "YAML 内容有误".to_string()
    }
}

/// What serde expected, in words for the user.
fn kind_name(expected: &str) -> String {
    let expected = expected.trim();
    let name = if expected.contains("sequence") || expected.contains("tuple") {
        "列表（- 项 或 [ … ]）"
    } else if expected.contains("map") || expected.contains("struct") {
        "映射（键: 值）"
    } else if expected.contains("string") || expected.contains("char") {
        "文字"
    } else if expected.contains("bool") {
        "true 或 false"
    } else if ["integer", "u8", "u16", "u32", "u64", "usize", "i32", "i64"]
        .iter()
        .any(|t| expected.contains(t))
    {
        "整数"
    } else if expected.contains("float") || expected.contains("f64") {
        "数字"
    } else {
        "另一种值"
    };
    name.to_string()
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
