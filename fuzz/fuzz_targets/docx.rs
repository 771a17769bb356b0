//! Any bytes as a .docx: the reader returns text or an error, never panics, and the text it
//! returns parses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(docx) = gwlint::docx::extract(bytes) {
        let document = gwlint::parse::parse(docx.text);
        if let Err(problem) = gwlint::parse::spans::check(&document) {
            panic!("bad span: {problem}");
        }
    }
});
