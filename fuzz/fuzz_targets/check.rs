//! Any bytes as a .txt file: decoding, every default rule and `--fix` never panic; the fixed
//! text re-checks without the fixes it applied, and fixing it again changes nothing.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use gwlint::diagnostic::Applicability;
use gwlint::engine::{check_source, CheckError, Options};
use gwlint::fix::fix_file;
use gwlint::rules::RuleSet;
use gwlint::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("built-in rules load"))
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(source) = SourceFile::from_bytes(Path::new("fuzz.txt"), bytes) else {
        return;
    };
    let options = Options::default();
    let checked = match check_source(rules(), &options, source) {
        Ok(result) => result,
        Err(CheckError::Panic { message, .. }) => panic!("{message}"),
        Err(_) => return,
    };
    let fixed = match fix_file(rules(), &options, checked, Applicability::Safe) {
        Ok(fixed) => fixed,
        Err(CheckError::Panic { message, .. }) => panic!("{message}"),
        Err(_) => return,
    };
    if fixed.stopped_early.is_none() {
        let again = fix_file(rules(), &options, fixed.result, Applicability::Safe)
            .unwrap_or_else(|_| panic!("the fixed text no longer checks"));
        assert_eq!(again.applied, 0, "a second --fix changed the text again");
    }
});
