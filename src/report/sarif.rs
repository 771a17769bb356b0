//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, VS Code's SARIF
//! viewer). One run; the driver lists metadata for every rule that has a result; columns count
//! Unicode code points (`columnKind: unicodeCodePoints`), like the JSON report's.
//!
//! The output structs are this module's own, plain serde, and carry only what gwlint knows.
//! Byte offsets are given only where they index the file on disk (UTF-8, with or without BOM);
//! SARIF fixes are given only for files `--fix` could write (not for .docx text).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::Path;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{json, Array, Emitter, Failure, FileReport, Format, Items, Located, Render, Spool};

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity, Span};
use crate::engine::FileResult;
use crate::rules::{RuleMeta, RuleSet};
use crate::source::{Encoding, LineColumn, LineIndex, SourceFile};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SARIF_VERSION: &str = "2.1.0";
/// The key under which results carry gwlint's content fingerprint.
pub const FINGERPRINT_KEY: &str = "gwlint/v1";

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    short_description: Text<'static>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text<'static>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Multiformat>,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<DescriptorProperties>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: Cow<'a, str>,
}

#[derive(Serialize)]
struct Multiformat {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
    enabled: bool,
}

#[derive(Serialize)]
struct DescriptorProperties {
    kind: &'static str,
    /// The rule's category, as SARIF tags.
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'static str>,
    /// How binding the rule is: its source's level (条例, 国家标准, 行业规范, 通行做法) and clause.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<SourceProperty>,
}

#[derive(Serialize)]
struct SourceProperty {
    level: &'static str,
    clause: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    location: ArtifactLocation<'static>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mime_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'static str>,
}

#[derive(Clone, Serialize)]
struct ArtifactLocation<'a> {
    uri: Cow<'a, str>,
    index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    partial_fingerprints: PartialFingerprints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
}

/// A result's `partialFingerprints`: gwlint's content fingerprint, numbered among the results
/// of its file with the same rule and fingerprint.
struct PartialFingerprints {
    content: String,
    occurrence: usize,
}

impl Serialize for PartialFingerprints {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        let value = format_args!("{}:{}", self.content, self.occurrence);
        map.serialize_entry(FINGERPRINT_KEY, &json::Shown(value))?;
        map.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_offset: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Snippet<'a>>,
}

#[derive(Serialize)]
struct Snippet<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Text<'a>,
    artifact_changes: [ArtifactChange<'a>; 1],
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation<'a>,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region<'a>,
    inserted_content: Snippet<'a>,
}

/// A file that could not be checked, as a notification of the run's invocation.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text<'a>,
    locations: [NotificationLocation<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation<'a> {
    physical_location: NotificationPlace<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationPlace<'a> {
    artifact_location: UriOnly<'a>,
}

#[derive(Serialize)]
struct UriOnly<'a> {
    uri: &'a str,
}

/// Where a result stands in the log: `runs[0].results[i]` is four levels deep.
const RESULTS: Array = Array::pretty(b"        ", 4);

/// Two numbers in a result depend on the files before it: the index of its rule among the rules
/// that have reported so far, and the index of its file among the files checked so far. A
/// worker renders them as 0 and the log puts the real ones in. Keys like these cannot occur in a
/// rendered string value, whose quotes are escaped.
const RULE_INDEX: &[u8] = b"\"ruleIndex\": 0";
const ARTIFACT_INDEX: &[u8] = b"\"index\": 0";

/// A file's results, rendered by the worker that checked it.
struct FileResults<'r> {
    rules: &'r RuleSet,
}

/// The SARIF log. The run's rule metadata and artifacts come before its results, so results
/// are spooled and the log is written at the end; rules are numbered in the order they first
/// report, and the log describes exactly those.
struct Sarif<'r> {
    rules: &'r RuleSet,
    spool: Spool,
    results: Items,
    artifacts: Vec<Artifact>,
    /// Rule ids in the order they first reported, with the severity of that first finding.
    seen: Vec<(&'static str, Severity)>,
    index_of: BTreeMap<&'static str, usize>,
    failures: Vec<(String, String)>,
}

/// The SARIF log over `rules`; it spools its results to a temporary file.
pub fn format(rules: &RuleSet) -> io::Result<Format<'_>> {
    Ok(Format {
        render: Some(Box::new(FileResults { rules })),
        emitter: Box::new(Sarif {
            rules,
            spool: Spool::new()?,
            results: Items::default(),
            artifacts: Vec::new(),
            seen: Vec::new(),
            index_of: BTreeMap::new(),
            failures: Vec::new(),
        }),
    })
}

impl Sarif<'_> {
    fn rule_index(&mut self, d: &Diagnostic) -> usize {
        if let Some(index) = self.index_of.get(d.rule) {
            return *index;
        }
        self.seen.push((d.rule, d.severity));
        self.index_of.insert(d.rule, self.seen.len() - 1);
        self.seen.len() - 1
    }

    /// Spools a file's rendered results with each result's rule index and the file's artifact
    /// index in place of the zeros they were rendered with.
    fn spool_numbered(
        &mut self,
        file: &FileReport,
        rendered: &[u8],
        artifact: usize,
    ) -> io::Result<()> {
        let mut rule_indexes: Vec<usize> = Vec::with_capacity(file.diagnostics().len());
        for d in file.diagnostics() {
            rule_indexes.push(self.rule_index(d));
        }
        let mut rule_indexes = rule_indexes.into_iter();
        let rule = memchr::memmem::Finder::new(RULE_INDEX);
        let artifact_at = memchr::memmem::Finder::new(ARTIFACT_INDEX);
        let found = |finder: &memchr::memmem::Finder, from: usize| {
            finder.find(&rendered[from..]).map(|i| from + i)
        };
        let (mut next_rule, mut next_artifact) = (found(&rule, 0), found(&artifact_at, 0));
        let mut done = 0;
        loop {
            let (at, key, value) = match (next_rule, next_artifact) {
                (Some(r), Some(a)) if r < a => (r, RULE_INDEX, rule_indexes.next()),
                (Some(r), None) => (r, RULE_INDEX, rule_indexes.next()),
                (_, Some(a)) => (a, ARTIFACT_INDEX, Some(artifact)),
                (None, None) => break,
            };
            let zero = at + key.len() - 1;
            // The first piece carries the separator that `Items` drops for the first result.
            self.results
                .write(&rendered[done..zero], self.spool.writer())?;
            let value = value.expect("one rule index per result");
            write!(self.spool.writer(), "{value}")?;
            done = zero + 1;
            if key == RULE_INDEX {
                next_rule = found(&rule, done);
            } else {
                next_artifact = found(&artifact_at, done);
            }
        }
        self.results.write(&rendered[done..], self.spool.writer())
    }
}

impl Render for FileResults<'_> {
    fn render(&self, file: &FileReport, out: &mut Vec<u8>) -> io::Result<()> {
        let source = &file.result.source;
        let uri = artifact_uri(&source.path);
        let location = ArtifactLocation {
            uri: Cow::Borrowed(&uri),
            index: 0,
        };
        let text = file.text();
        let positions = Positions {
            text,
            index: file.index,
            byte_base: byte_base(source.encoding),
        };
        let mut occurrences: HashMap<(&str, String), usize> = HashMap::new();
        for at in super::located(file) {
            let d = at.diagnostic;
            let content = crate::baseline::fingerprint(text, d);
            let occurrence = occurrences.entry((d.rule, content.clone())).or_insert(0);
            *occurrence += 1;
            let result = SarifResult {
                rule_id: d.rule,
                rule_index: 0,
                level: level(d.severity),
                message: Text {
                    text: message(d, self.rules),
                },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: location.clone(),
                        region: positions.flagged(&at),
                    },
                }],
                partial_fingerprints: PartialFingerprints {
                    content,
                    occurrence: *occurrence,
                },
                fixes: match &d.fix {
                    Some(fix) if source.encoding != Encoding::Docx => {
                        vec![sarif_fix(&positions, &location, d, fix)]
                    }
                    _ => Vec::new(),
                },
            };
            RESULTS.render(out, &result)?;
        }
        Ok(())
    }
}

impl Emitter for Sarif<'_> {
    fn file(&mut self, file: &FileReport, rendered: &[u8], _out: &mut dyn Write) -> io::Result<()> {
        let source = &file.result.source;
        let artifact = self.artifacts.len();
        self.artifacts.push(Artifact {
            location: ArtifactLocation {
                uri: artifact_uri(&source.path).into(),
                index: artifact,
            },
            mime_type: mime_type(source),
            encoding: charset(source.encoding),
        });
        self.spool_numbered(file, rendered, artifact)
    }

    fn failure(&mut self, failure: &Failure, _out: &mut dyn Write) -> io::Result<()> {
        self.failures
            .push((artifact_uri(&failure.path), failure.message.clone()));
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let descriptors: Vec<Descriptor> = self
            .seen
            .iter()
            .map(|(id, severity)| descriptor(id, self.rules.get(id).map(|r| &r.meta), *severity))
            .collect();
        let tool = Tool {
            driver: Driver {
                name: "gwlint",
                version: env!("CARGO_PKG_VERSION"),
                semantic_version: env!("CARGO_PKG_VERSION"),
                information_uri: information_uri(),
                rules: descriptors,
            },
        };
        write!(
            out,
            "{{\n  \"$schema\": \"{SCHEMA}\",\n  \"version\": \"{SARIF_VERSION}\",\n  \"runs\": [\n    {{\n      \"tool\": "
        )?;
        json::pretty_at(&mut *out, &tool, 3)?;
        out.write_all(b",\n      \"columnKind\": \"unicodeCodePoints\",\n      \"artifacts\": ")?;
        json::pretty_at(&mut *out, &self.artifacts, 3)?;
        out.write_all(b",\n      \"results\": [")?;
        self.spool.copy_to(out)?;
        self.results.close(out, b"      ")?;
        if !self.failures.is_empty() {
            let invocations = [Invocation {
                execution_successful: false,
                tool_execution_notifications: self
                    .failures
                    .iter()
                    .map(|(uri, message)| Notification {
                        level: "error",
                        message: Text {
                            text: message.as_str().into(),
                        },
                        locations: [NotificationLocation {
                            physical_location: NotificationPlace {
                                artifact_location: UriOnly { uri },
                            },
                        }],
                    })
                    .collect(),
            }];
            out.write_all(b",\n      \"invocations\": ")?;
            json::pretty_at(&mut *out, &invocations, 3)?;
        }
        out.write_all(b"\n    }\n  ]\n}\n")
    }
}

pub fn render(files: &[FileResult], rules: &RuleSet) -> String {
    format(rules).expect("a temporary file").render(files)
}

/// The project's home page, when Cargo.toml names one (SARIF wants an absolute URI or nothing).
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|uri| uri.starts_with("https://") || uri.starts_with("http://"))
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The help line a rule's metadata shows: only one without placeholders makes sense there.
fn rule_help(meta: &RuleMeta) -> Option<&str> {
    meta.help
        .as_ref()
        .filter(|help| help.placeholders().next().is_none())
        .map(|help| help.source().trim())
        .filter(|help| !help.is_empty())
}

/// The diagnostic's message, with its own help on a second line when that says more than the
/// rule's help (e.g. names the exact correction).
fn message<'a>(d: &'a Diagnostic, rules: &RuleSet) -> Cow<'a, str> {
    let generic = rules.get(d.rule).and_then(|rule| rule_help(&rule.meta));
    match d.help.as_deref().map(str::trim) {
        Some(help) if !help.is_empty() && Some(help) != generic => {
            Cow::Owned(format!("{}\n{help}", d.message))
        }
        _ => Cow::Borrowed(&d.message),
    }
}

/// Line/column positions (and byte positions, where they index the file) of spans in one text.
struct Positions<'t, 'i> {
    text: &'t str,
    index: &'i LineIndex,
    /// Where the decoded text starts in the file's bytes, when those bytes are UTF-8.
    byte_base: Option<usize>,
}

impl<'t> Positions<'t, '_> {
    /// A diagnostic's region, with the text it flags.
    fn flagged(&self, at: &Located) -> Region<'t> {
        Region {
            snippet: Some(Snippet {
                text: at.diagnostic.span.text(self.text),
            }),
            ..self.region(at.diagnostic.span, at.start, at.end)
        }
    }

    /// An edit's region.
    fn edited(&self, span: Span) -> Region<'t> {
        let start = self.index.line_col(self.text, span.start);
        let end = self.index.line_col(self.text, span.end);
        self.region(span, start, end)
    }

    fn region(&self, span: Span, start: LineColumn, end: LineColumn) -> Region<'t> {
        Region {
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column,
            byte_offset: self.byte_base.map(|base| base + span.start),
            byte_length: self.byte_base.map(|_| span.len()),
            snippet: None,
        }
    }
}

fn byte_base(encoding: Encoding) -> Option<usize> {
    match encoding {
        Encoding::Utf8 => Some(0),
        Encoding::Utf8Bom => Some(3),
        _ => None,
    }
}

fn sarif_fix<'a>(
    positions: &Positions<'a, '_>,
    location: &ArtifactLocation<'a>,
    d: &Diagnostic,
    fix: &'a Fix,
) -> SarifFix<'a> {
    SarifFix {
        description: Text {
            text: fix_description(positions.text, d, fix).into(),
        },
        artifact_changes: [ArtifactChange {
            artifact_location: location.clone(),
            replacements: fix
                .edits
                .iter()
                .map(|edit| Replacement {
                    deleted_region: positions.edited(edit.span),
                    inserted_content: Snippet {
                        text: &edit.replacement,
                    },
                })
                .collect(),
        }],
        properties: FixProperties {
            applicability: fix.applicability.as_str(),
        },
    }
}

fn fix_description(text: &str, d: &Diagnostic, fix: &Fix) -> String {
    let mut description = match fix.edits.as_slice() {
        [edit] => {
            let old = visible(edit.span.text(text));
            let new = visible(&edit.replacement);
            match (old.is_empty(), new.is_empty()) {
                (false, true) => format!("删去“{old}”"),
                (true, false) => format!("插入“{new}”"),
                _ => format!("将“{old}”改为“{new}”"),
            }
        }
        edits => format!("{}（共 {} 处修改）", d.message, edits.len()),
    };
    description.push_str(match fix.applicability {
        Applicability::Safe => "（安全修复，--fix 可自动应用）",
        Applicability::Suggest => "（建议修复，需 --unsafe-fixes）",
    });
    description
}

/// Line breaks shown as ↵, so that a description stays on one line.
fn visible(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "↵").replace(['\n', '\r'], "↵"))
}

/// `severity` is that of the rule's first finding, for a rule from outside the packs.
fn descriptor(id: &str, meta: Option<&RuleMeta>, severity: Severity) -> Descriptor {
    let Some(meta) = meta else {
        // A diagnostic from outside the rule packs (e.g. a suppression comment): what the
        // results themselves say.
        return Descriptor {
            id: id.to_string(),
            name: pascal_case(id),
            short_description: Text {
                text: id.to_string().into(),
            },
            full_description: None,
            help: None,
            default_configuration: Configuration {
                level: level(severity),
                enabled: true,
            },
            properties: None,
        };
    };
    let explain = meta.explain.trim();
    let paragraphs = unwrap(explain);
    let short = paragraphs
        .first()
        .map(|p| first_sentence(p).to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| meta.message.source().to_string());
    let help = rule_help(meta).map(str::to_string);
    let explanation = paragraphs.join("\n\n");
    let help_text = help
        .iter()
        .chain((!explanation.is_empty()).then_some(&explanation))
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n\n");
    let help_markdown = help_markdown(help.as_deref(), &paragraphs, meta);
    let category = id.split('/').next().unwrap_or(id).to_string();
    Descriptor {
        id: id.to_string(),
        name: pascal_case(id),
        short_description: Text { text: short.into() },
        full_description: (!explanation.is_empty()).then_some(Text {
            text: explanation.into(),
        }),
        help: (!help_text.is_empty()).then_some(Multiformat {
            text: help_text,
            markdown: help_markdown,
        }),
        default_configuration: Configuration {
            level: level(meta.severity),
            enabled: meta.default_enabled,
        },
        properties: Some(DescriptorProperties {
            kind: meta.kind,
            tags: vec![category],
            fix: meta.fix.as_ref().map(|fix| fix.applicability.as_str()),
            source: meta.source.as_ref().map(|source| SourceProperty {
                level: source.level.label(),
                clause: source.clause.clone(),
            }),
        }),
    }
}

fn help_markdown(help: Option<&str>, paragraphs: &[String], meta: &RuleMeta) -> String {
    let mut blocks: Vec<String> = Vec::new();
    if let Some(help) = help {
        blocks.push(format!("**{}**", escape_markdown(help)));
    }
    blocks.extend(paragraphs.iter().map(|p| escape_markdown(p)));
    for (label, examples) in [
        ("不合规范的写法", &meta.examples.invalid),
        ("合乎规范的写法", &meta.examples.valid),
    ] {
        if examples.is_empty() {
            continue;
        }
        let mut block = format!("{label}：\n");
        for example in examples.iter() {
            let fence = fence_for(example);
            block.push_str(&format!("\n{fence}text\n{}\n{fence}\n", example.trim_end()));
        }
        blocks.push(block.trim_end().to_string());
    }
    blocks.join("\n\n")
}

/// A code fence longer than any run of backticks in `text`.
fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// CommonMark treats a backslash before ASCII punctuation as that character, literally.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '|'
                | '~'
                | '&'
                | '!'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The explanation's paragraphs with its hard line breaks removed: Chinese lines join without a
/// space, lines that meet at a Latin letter or digit with one (as the explanations space Latin
/// words inside Chinese text).
fn unwrap(text: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if !current.is_empty() && (latin(current.chars().last()) || latin(line.chars().next())) {
            current.push(' ');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// Up to and including the first sentence-ending mark (and any closing quotes or brackets
/// right after it); the whole text when there is none. Inside brackets or quotes a mark ends
/// the sentence only where it ends a phrase and the closers after it close every open pair
/// (`他说：“好。”`), so a list of marks such as `（，；：？！）` does not.
fn first_sentence(text: &str) -> &str {
    const OPENERS: &[char] = &['（', '(', '“', '‘', '《', '〈', '【', '「', '『'];
    const CLOSERS: &[char] = &['）', ')', '”', '’', '》', '〉', '】', '」', '』'];
    let mut depth = 0usize;
    let mut previous: Option<char> = None;
    for (i, c) in text.char_indices() {
        let terminal = matches!(c, '。' | '！' | '？')
            || (matches!(c, '.' | '!' | '?')
                && previous.is_some_and(|p| p.is_ascii_alphanumeric())
                && text[i + 1..].chars().next().is_none_or(char::is_whitespace));
        if terminal {
            let after = &text[i + c.len_utf8()..];
            let closers = after.chars().take_while(|c| CLOSERS.contains(c)).count();
            let ends_phrase = previous.is_some_and(char::is_alphanumeric);
            if depth == 0 || (ends_phrase && closers >= depth) {
                let end = text.len() - after.len()
                    + after
                        .chars()
                        .take(closers.min(depth))
                        .map(char::len_utf8)
                        .sum::<usize>();
                return &text[..end];
            }
        }
        if OPENERS.contains(&c) {
            depth += 1;
        } else if CLOSERS.contains(&c) {
            depth = depth.saturating_sub(1);
        }
        previous = Some(c);
    }
    text
}

/// `required/expected-targets` → `RequiredExpectedTargets`: SARIF's readable rule name, which
/// should differ from the id.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn mime_type(source: &SourceFile) -> Option<&'static str> {
    if source.encoding == Encoding::Docx {
        return Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }
    match source.path.extension().and_then(|e| e.to_str()) {
        Some("md" | "markdown") => Some("text/markdown"),
        Some("txt") => Some("text/plain"),
        _ => None,
    }
}

/// The IANA charset of the file on disk.
fn charset(encoding: Encoding) -> Option<&'static str> {
    match encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => Some("utf-8"),
        Encoding::Utf16Le => Some("utf-16le"),
        Encoding::Utf16Be => Some("utf-16be"),
        Encoding::Gb18030 => Some("gb18030"),
        Encoding::Docx => None,
    }
}

/// A path as a URI reference: a relative path stays relative (forward slashes, as given); an
/// absolute one becomes a `file://` URI. Characters outside RFC 3986's path set are
/// percent-encoded (UTF-8), so Chinese file names stay valid URIs.
fn artifact_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let bytes = text.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if drive {
        format!(
            "file:///{}:{}",
            &text[..1],
            percent_encode(&text[2..], true)
        )
    } else if text.starts_with('/') {
        format!("file://{}", percent_encode(&text, true))
    } else {
        percent_encode(text.strip_prefix("./").unwrap_or(&text), false)
    }
}

fn percent_encode(path: &str, colon_ok: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            )
            || (colon_ok && byte == b':');
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(artifact_uri(Path::new("seeds/a.txt")), "seeds/a.txt");
        assert_eq!(artifact_uri(Path::new("./docs/a b.md")), "docs/a%20b.md");
        assert_eq!(
            artifact_uri(Path::new("报告.txt")),
            "%E6%8A%A5%E5%91%8A.txt"
        );
        assert_eq!(artifact_uri(Path::new("a:b.txt")), "a%3Ab.txt");
        assert_eq!(artifact_uri(Path::new("/tmp/x.txt")), "file:///tmp/x.txt");
        assert_eq!(artifact_uri(Path::new("-")), "-");
    }

    #[test]
    fn sentences_and_names() {
        assert_eq!(first_sentence("甲“乙。”丙。丁"), "甲“乙。”");
        assert_eq!(first_sentence("甲“乙”。丙。丁"), "甲“乙”。");
        assert_eq!(first_sentence("甲（乙，丙。）丁。"), "甲（乙，丙。）");
        assert_eq!(
            first_sentence("不用半角的, ; : ? !。又"),
            "不用半角的, ; : ? !。"
        );
        assert_eq!(first_sentence("无句号"), "无句号");
        assert_eq!(first_sentence("v1.2 is fine. Next"), "v1.2 is fine.");
        assert_eq!(
            first_sentence("用全角（，？！），不用半角。又"),
            "用全角（，？！），不用半角。"
        );
        assert_eq!(
            pascal_case("required/expected-targets"),
            "RequiredExpectedTargets"
        );
        assert_eq!(
            unwrap("第一行，\n第二行。\n\nword\nnext\n由\nartifact/x 报告"),
            vec![
                "第一行，第二行。".to_string(),
                "word next 由 artifact/x 报告".to_string()
            ]
        );
        assert_eq!(fence_for("a```b"), "````");
        assert_eq!(escape_markdown("[x]_&"), "\\[x\\]\\_\\&");
    }
}
