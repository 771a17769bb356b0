//! `suppression`: reports `<!-- gwlint-disable … -->` comments that suppress nothing. Whether a
//! suppression is used depends on every other rule's findings, so the engine does the work
//! after all rules have run (see src/suppression.rs); this kind only carries the rule's data.

use serde::Deserialize;

use super::{Check, Context, RuleMeta, Sink};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {}

pub struct Suppressions;

impl Suppressions {
    pub fn compile(_spec: Spec, _meta: &RuleMeta) -> Result<Self, String> {
        Ok(Suppressions)
    }
}

impl Check for Suppressions {
    fn check(&self, _ctx: &Context, _sink: &mut Sink) {}
}
