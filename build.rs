//! Embeds every rule pack under rules/ into the binary: its YAML text (what the cache key
//! hashes and a load error points into) and the same pack read here once, at build time, as
//! JSON with each rule's kind beside it. Reading YAML was most of a run's start-up; the built-in packs are
//! our own data, so they are read at run time from the JSON, through the same serde types.

use std::fmt::Write;
use std::path::Path;

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
    for pack in packs {
        let name = pack.to_str().expect("UTF-8 path").replace('\\', "/");
        let absolute = std::fs::canonicalize(&pack).expect("pack path");
        let yaml = std::fs::read_to_string(&pack).expect("pack text");
        let (json, kinds) = to_json(&name, &yaml);
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
    let target = Path::new(&out_dir).join("builtin_packs.rs");
    std::fs::write(target, out).expect("write builtin_packs.rs");
}

/// The pack as JSON, and each rule's `kind` ("" where it has none). YAML 1.2 booleans, as at
/// run time (`yaml::parse`): `span: n` stays the text "n". A pack that is not a list of maps
/// is left for the run-time reader to report, with its line.
fn to_json(name: &str, yaml: &str) -> (String, Vec<String>) {
    let options = serde_saphyr::options! { strict_booleans: true };
    let Ok(value) = serde_saphyr::from_str_with_options::<serde_json::Value>(yaml, options) else {
        return (String::new(), Vec::new());
    };
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
