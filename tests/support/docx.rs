//! The repo's .docx generator (`gwlint::docx::generate`), for the tests that build .docx files.
#[allow(unused_imports)]
pub use gwlint::docx::generate::*;
