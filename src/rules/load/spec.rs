//! Reading a rule without serde's `flatten`. A rule's YAML mixes the fields every rule has
//! (`RuleSpec`) with those of its kind (`pattern::Spec`, …); `flatten` would buffer the whole
//! rule first, and an error in a buffered field no longer knows its line. Here the kinds are
//! read first (`KindOf`), and then each rule streams from the parser once: the kind's own
//! `Deserialize` sees a map of the rule's keys (`KindFields`) from which the common ones are
//! taken out on the way, so every value, common or not, is read where it stands.

use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess};
use serde::Deserialize;

use super::*;

/// A rule's `kind`, all a first reading of a pack keeps.
#[derive(Deserialize)]
pub(super) struct KindOf {
    #[serde(default)]
    kind: Option<String>,
}

impl KindOf {
    /// The kind's name; "" for a rule without one.
    pub(super) fn name(&self) -> &str {
        self.kind.as_deref().unwrap_or_default()
    }
}

/// A pack: a list of rules, whose kinds are known beforehand (`KindOf`, or `build.rs` for
/// a built-in pack).
pub(super) struct Pack<'k>(pub &'k [&'k str]);

impl<'de> DeserializeSeed<'de> for Pack<'_> {
    type Value = Vec<RuleSpec>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> de::Visitor<'de> for Pack<'_> {
    type Value = Vec<RuleSpec>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence of rules")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut rules = Vec::new();
        for &kind in self.0 {
            match seq.next_element_seed(Rule { kind })? {
                Some(rule) => rules.push(rule),
                None => break,
            }
        }
        Ok(rules)
    }
}

/// One rule of a known kind.
struct Rule<'k> {
    kind: &'k str,
}

impl<'de> DeserializeSeed<'de> for Rule<'_> {
    type Value = RuleSpec;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RuleSpec, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> de::Visitor<'de> for Rule<'_> {
    type Value = RuleSpec;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a rule")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RuleSpec, A::Error> {
        let mut fields = KindFields {
            map,
            common: Common::default(),
        };
        let kind = KindSpec::read(self.kind, &mut fields)?;
        // The kind's struct stops at the end of the map: every key has been seen.
        let common = fields.common;
        let missing = |field| de::Error::missing_field(field);
        Ok(RuleSpec {
            id: common.id.ok_or_else(|| missing("id"))?,
            severity: common.severity.ok_or_else(|| missing("severity"))?,
            message: common.message.ok_or_else(|| missing("message"))?,
            help: common.help,
            scope: common.scope,
            doc_types: common.doc_types.unwrap_or_default(),
            since: common.since,
            until: common.until,
            fix: common.fix,
            explain: common.explain.ok_or_else(|| missing("explain"))?,
            source: common.source,
            examples: common.examples.ok_or_else(|| missing("examples"))?,
            enabled: common.enabled.unwrap_or(true),
            kind,
        })
    }
}

/// The fields every rule has, as they are met.
#[derive(Default)]
struct Common {
    id: Option<String>,
    severity: Option<Severity>,
    message: Option<Template>,
    help: Option<Template>,
    scope: Option<Scope>,
    doc_types: Option<Vec<DocTypeFilter>>,
    since: Option<DateSpec>,
    until: Option<DateSpec>,
    fix: Option<FixSpec>,
    explain: Option<String>,
    source: Option<Source>,
    examples: Option<Examples>,
    enabled: Option<bool>,
}

/// The rule's map as its kind sees it: the common keys are read into `common` and skipped.
struct KindFields<A> {
    map: A,
    common: Common,
}

impl<'de, A: MapAccess<'de>> KindFields<A> {
    /// Reads the value of `key` if it is a common field; false if the key is the kind's.
    fn take_common(&mut self, key: &str) -> Result<bool, A::Error> {
        fn once<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
            map: &mut A,
            slot: &mut Option<T>,
            key: &'static str,
        ) -> Result<(), A::Error> {
            if slot.is_some() {
                return Err(de::Error::duplicate_field(key));
            }
            *slot = Some(map.next_value()?);
            Ok(())
        }
        let (map, c) = (&mut self.map, &mut self.common);
        match key {
            "id" => once(map, &mut c.id, "id")?,
            "severity" => once(map, &mut c.severity, "severity")?,
            "message" => once(map, &mut c.message, "message")?,
            "help" => once(map, &mut c.help, "help")?,
            "scope" => once(map, &mut c.scope, "scope")?,
            "doc_types" => once(map, &mut c.doc_types, "doc_types")?,
            "since" => once(map, &mut c.since, "since")?,
            "until" => once(map, &mut c.until, "until")?,
            "fix" => once(map, &mut c.fix, "fix")?,
            "explain" => once(map, &mut c.explain, "explain")?,
            "source" => once(map, &mut c.source, "source")?,
            "examples" => once(map, &mut c.examples, "examples")?,
            "enabled" => once(map, &mut c.enabled, "enabled")?,
            "kind" => {
                map.next_value::<de::IgnoredAny>()?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for &mut KindFields<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        while let Some(key) = self.map.next_key::<String>()? {
            if !self.take_common(&key)? {
                return seed.deserialize(key.into_deserializer()).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        self.map.next_value_seed(seed)
    }
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for &mut KindFields<A> {
    type Error = A::Error;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}
