//! The regulation file as written: serde structures that keep the position of every value that
//! validation may need to point at.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub(crate) type S = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRegulation {
    pub regulation: RawMeta,
    #[serde(default)]
    pub schedules: BTreeMap<String, RawSchedule>,
    #[serde(default)]
    pub channels: BTreeMap<String, RawChannel>,
    #[serde(default)]
    pub categories: Vec<RawCategory>,
    #[serde(default)]
    pub priorities: Vec<RawPriority>,
    #[serde(default)]
    pub levels: Vec<RawLevel>,
    #[serde(default)]
    pub lines: Vec<RawLine>,
    #[serde(default)]
    pub statuses: Vec<RawStatus>,
    #[serde(default)]
    pub targets: Vec<RawTarget>,
    #[serde(default)]
    pub lifecycle: RawLifecycle,
    #[serde(default)]
    pub fields: RawFields,
    #[serde(default)]
    pub attachments: RawAttachments,
    pub billing: Option<RawBilling>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMeta {
    pub name: String,
    pub provider: Option<String>,
    pub timezone: Option<S>,
    pub effective: Option<String>,
    pub summary: Option<String>,
    pub knowledge_base: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSchedule {
    pub title: Option<String>,
    pub hours: Spanned<BTreeMap<String, S>>,
    pub timezone: Option<S>,
    pub calendar: Option<S>,
    pub shortened_days: Option<bool>,
    pub presidential_days: Option<S>,
    pub working_weekend_hours: Option<S>,
    #[serde(default)]
    pub overrides: Vec<RawOverride>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOverride {
    pub date: S,
    pub hours: S,
    pub reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChannel {
    pub title: Option<String>,
    pub kind: S,
    pub address: Option<String>,
    #[serde(default = "yes")]
    pub registers: bool,
    pub accepted: Option<S>,
    #[serde(default = "yes")]
    pub on_days_off: bool,
    #[serde(default)]
    pub emergency_only: bool,
    #[serde(default)]
    pub paid: bool,
    #[serde(default = "yes")]
    pub official: bool,
    #[serde(default)]
    pub trusted_only: bool,
    pub unknown_senders: Option<S>,
    #[serde(default)]
    pub categories: Vec<S>,
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCategory {
    pub id: S,
    pub title: String,
    #[serde(default = "yes")]
    pub in_scope: bool,
    #[serde(default)]
    pub owner_only: bool,
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPriority {
    pub id: S,
    pub title: String,
    pub description: Option<String>,
    #[serde(default)]
    pub out_of_turn: bool,
    #[serde(default)]
    pub default: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLevel {
    pub id: S,
    pub title: String,
    pub description: Option<String>,
    #[serde(default)]
    pub tariffs: Vec<String>,
    #[serde(default)]
    pub categories: Vec<S>,
    #[serde(default)]
    pub channels: Vec<S>,
    #[serde(default)]
    pub subject_keywords: Vec<String>,
    pub keywords_during: Option<S>,
    pub priority: Option<S>,
    pub line: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLine {
    pub id: S,
    pub title: String,
    pub reaction: Option<S>,
    pub schedule: Option<S>,
    pub description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStatus {
    pub id: S,
    pub title: String,
    pub base: Option<S>,
}

/// A string or a list of strings, e.g. `stop = "completed"` or `stop = ["assigned", "public_reply"]`.
/// List elements keep their own position; a single string takes the position of the whole value.
pub(crate) struct OneOrMany(pub Vec<(Option<std::ops::Range<usize>>, String)>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<OneOrMany, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an event name or a list of event names")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![(None, v.to_string())]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = a.next_element::<Spanned<String>>()? {
                    out.push((Some(s.span()), s.into_inner()));
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTarget {
    pub id: S,
    pub title: String,
    pub start: S,
    pub stop: Spanned<OneOrMany>,
    #[serde(default)]
    pub pause_in: Vec<S>,
    #[serde(default)]
    pub resume_on: Vec<S>,
    #[serde(default)]
    pub repeat: bool,
    pub schedule: S,
    pub duration: Option<S>,
    #[serde(default)]
    pub by_priority: BTreeMap<String, S>,
    #[serde(default)]
    pub by_level: BTreeMap<String, S>,
    #[serde(default)]
    pub by_category: BTreeMap<String, S>,
    #[serde(default)]
    pub by_level_category: BTreeMap<String, BTreeMap<String, S>>,
    #[serde(default)]
    pub levels: Vec<S>,
    #[serde(default)]
    pub priorities: Vec<S>,
    #[serde(default)]
    pub channels: Vec<S>,
    pub warn_before: Option<S>,
    pub warn_at_percent: Option<Spanned<u8>>,
    pub interim_after: Option<S>,
    pub extension: Option<S>,
    pub note: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLifecycle {
    pub schedule: Option<S>,
    pub auto_close_after: Option<S>,
    pub reopen: Option<S>,
    pub reopen_within: Option<S>,
    #[serde(default)]
    pub deferral_reasons: Vec<S>,
    #[serde(default)]
    pub rejection_reasons: Vec<S>,
    #[serde(default)]
    pub custom_reasons: Vec<RawReason>,
    #[serde(default)]
    pub rating: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReason {
    pub id: S,
    pub title: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFields {
    #[serde(default)]
    pub required: Vec<S>,
    #[serde(default)]
    pub optional: Vec<S>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAttachments {
    pub max_size: Option<S>,
    pub max_total: Option<S>,
    #[serde(default)]
    pub allowed: Vec<String>,
    #[serde(default)]
    pub archived_only: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBilling {
    #[serde(default = "rub")]
    pub currency: String,
    pub rounding: Option<S>,
    #[serde(default)]
    pub activities: BTreeMap<String, RawActivity>,
    #[serde(default)]
    pub plans: BTreeMap<String, RawPlan>,
    #[serde(default)]
    pub multipliers: Vec<RawMultiplier>,
    #[serde(default)]
    pub free_email: bool,
}

fn rub() -> String {
    "RUB".into()
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum RawMoney {
    Int(i64),
    Float(f64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawActivity {
    pub title: S,
    pub rate: Option<Spanned<RawMoney>>,
    pub unit: Option<S>,
    #[serde(default)]
    pub rate_by_level: BTreeMap<String, Spanned<RawMoney>>,
    #[serde(default)]
    pub rate_by_priority: BTreeMap<String, Spanned<RawMoney>>,
    pub minimum: Option<S>,
    pub rounding: Option<S>,
    pub per: Option<S>,
    #[serde(default)]
    pub tiers: Vec<RawTier>,
    #[serde(default = "yes")]
    pub billable: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTier {
    pub up_to: S,
    pub price: Spanned<RawMoney>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlan {
    pub title: S,
    pub monthly_fee: Spanned<RawMoney>,
    pub included_hours: Option<Spanned<f64>>,
    pub overage_rate: Option<Spanned<RawMoney>>,
    #[serde(default)]
    pub tariffs: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMultiplier {
    pub title: S,
    pub factor: Option<Spanned<f64>>,
    pub rate: Option<Spanned<RawMoney>>,
    pub inside: Option<S>,
    pub outside: Option<S>,
    pub hours: Option<S>,
    #[serde(default)]
    pub activities: Vec<S>,
    #[serde(default)]
    pub levels: Vec<S>,
    #[serde(default)]
    pub priorities: Vec<S>,
}
