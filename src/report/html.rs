//! `gwlint report --html`: not yet written (a helper is on it).

use crate::engine::FileResult;
use crate::rules::RuleSet;

pub fn render(_files: &[FileResult], _rules: &RuleSet) -> String {
    String::new()
}
