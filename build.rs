//! Embeds every rule pack under rules/ into the binary: its YAML text (what the cache key
//! hashes and a load error points into) and the same pack read here once, at build time, as
//! JSON with each rule's kind beside it. Reading YAML was most of a run's start-up; the built-in packs are
//! our own data, so they are read at run time from the JSON, through the same serde types.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

/// The crate's own reading of a regex's syntax tree, so that the facts of each built-in
/// pattern are those `LazyRegex::new` would find at run time (a test holds the two equal).
#[allow(dead_code)]
#[path = "src/rules/literals.rs"]
mod literals;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let mut packs: Vec<_> = std::fs::read_dir("rules")
        .expect("rules/ folder")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            )
        })
        .collect();
    packs.sort();
    let out_dir = std::env::var("OUT_DIR").unwrap();
    let mut out = String::from("const BUILTIN_PACKS: &[(&str, &str)] = &[\n");
    let mut read = String::from("const BUILTIN_READ: &[(&str, &[&str])] = &[\n");
    let mut patterns = BTreeSet::new();
    for pack in packs {
        let name = pack.to_str().expect("UTF-8 path").replace('\\', "/");
        let absolute = std::fs::canonicalize(&pack).expect("pack path");
        let yaml = std::fs::read_to_string(&pack).expect("pack text");
        let (json, kinds) = to_json(&name, &yaml, &mut patterns);
        let json_path = Path::new(&out_dir).join(format!(
            "{}.json",
            pack.file_stem().unwrap().to_str().unwrap()
        ));
        std::fs::write(&json_path, json).expect("write pack JSON");
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            absolute.display().to_string()
        )
        .unwrap();
        writeln!(
            read,
            "    (include_str!({:?}), &{kinds:?}),",
            json_path.display().to_string()
        )
        .unwrap();
        println!("cargo:rerun-if-changed={}", pack.display());
    }
    out.push_str("];\n");
    read.push_str("];\n");
    out.push_str(&read);
    out.push_str(&regex_facts(&patterns));
    let target = Path::new(&out_dir).join("builtin_packs.rs");
    std::fs::write(target, out).expect("write builtin_packs.rs");
}

/// The pack as JSON, and each rule's `kind` ("" where it has none). YAML 1.2 booleans, as at
/// run time (`yaml::parse`): `span: n` stays the text "n". A pack that is not a list of maps
/// is left for the run-time reader to report, with its line.
fn to_json(name: &str, yaml: &str, patterns: &mut BTreeSet<String>) -> (String, Vec<String>) {
    let options = serde_saphyr::options! { strict_booleans: true };
    let Ok(value) = serde_saphyr::from_str_with_options::<serde_json::Value>(yaml, options) else {
        return (String::new(), Vec::new());
    };
    collect_patterns(&value, patterns);
    let kinds = match &value {
        serde_json::Value::Array(rules) => rules
            .iter()
            .map(|rule| {
                rule.get("kind")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            })
            .collect(),
        _ => Vec::new(),
    };
    let json = serde_json::to_string(&value)
        .unwrap_or_else(|e| panic!("{name}: cannot write as JSON: {e}"));
    (json, kinds)
}

/// Every text under a `pattern` key, at any depth: what the kinds read as a `LazyRegex`.
fn collect_patterns(value: &serde_json::Value, patterns: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Array(items) => items
            .iter()
            .for_each(|item| collect_patterns(item, patterns)),
        serde_json::Value::Object(fields) => {
            for (key, field) in fields {
                match field {
                    serde_json::Value::String(pattern) if key == "pattern" => {
                        patterns.insert(pattern.clone());
                    }
                    _ => collect_patterns(field, patterns),
                }
            }
        }
        _ => {}
    }
}

/// `REGEX_FACTS`: for each pattern that parses, sorted, what `LazyRegex` needs of its parse —
/// named groups, whether matches stay on one line, whether assertions read only what comes
/// before them, required literals — so that start-up does
/// not parse the built-in regexes again. A pattern missing here is parsed at run time.
fn regex_facts(patterns: &BTreeSet<String>) -> String {
    let mut out = String::from("const REGEX_FACTS: &[RegexFacts] = &[\n");
    for pattern in patterns {
        let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
            continue;
        };
        let names = literals::capture_names(&hir);
        let one_line = literals::hir_stays_on_one_line(&hir);
        let looks_only_behind = literals::hir_looks_only_behind(&hir);
        let required = match literals::required_of(&hir) {
            Some(set) => {
                let literals: Vec<String> = set.iter().map(|l| format!("&{l:?}")).collect();
                format!("Some(&[{}])", literals.join(", "))
            }
            None => "None".to_string(),
        };
        writeln!(
            out,
            "    RegexFacts {{ source: {pattern:?}, names: &{names:?}, one_line: {one_line}, looks_only_behind: {looks_only_behind}, required: {required} }},"
        )
        .unwrap();
    }
    out.push_str("];\n");
    out
}
