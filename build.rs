//! Embeds every rule pack under rules/ into the binary.

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
    let mut out = String::from("const BUILTIN_PACKS: &[(&str, &str)] = &[\n");
    for pack in packs {
        let name = pack.to_str().expect("UTF-8 path").replace('\\', "/");
        let absolute = std::fs::canonicalize(&pack).expect("pack path");
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            absolute.display().to_string()
        )
        .unwrap();
        println!("cargo:rerun-if-changed={}", pack.display());
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_packs.rs");
    std::fs::write(target, out).expect("write builtin_packs.rs");
}
