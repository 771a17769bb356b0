//! gwlint: a linter and compliance checker for Chinese official documents (公文) and government
//! reports. Data flows one way: `source → parse → model → rules → engine → report → cli`.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod docx;
pub mod engine;
pub mod fix;
pub mod io_error;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppression;
pub mod workspace;
pub mod yaml;
