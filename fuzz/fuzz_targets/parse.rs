//! Any text parses, and every span of the result holds (`parse::spans::check`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let document = gwlint::parse::parse(text);
    if let Err(problem) = gwlint::parse::spans::check(&document) {
        panic!("bad span: {problem}");
    }
});
