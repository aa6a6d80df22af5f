//! How much of each AWS quota lambdash may use: a share of every quota (a third by default) and
//! per-group overrides, from the config file's `[quota]` table and `--quota-share`.
//!
//! ```toml
//! [quota]
//! share = 0.33            # or "33%": the part of every AWS quota lambdash may use (0 < share ≤ 1)
//! lambda_control = 4.0    # a number: that many requests per second for this group
//! logs_filter = "50%"     # a percentage: that part of AWS's quota for this group
//! ```

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::config::ConfigError;
use crate::domain::quota::QuotaGroup;

/// The default part of every AWS quota lambdash allows itself.
pub const DEFAULT_SHARE: f64 = 1.0 / 3.0;

/// A per-group limit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Limit {
    /// Requests per second.
    Rps(f64),
    /// A part (0 < s ≤ 1) of AWS's quota for the group.
    Share(f64),
}

/// The budget configuration: a share of every quota, and per-group overrides.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotaConfig {
    pub share: f64,
    pub overrides: BTreeMap<QuotaGroup, Limit>,
}

impl Default for QuotaConfig {
    fn default() -> Self {
        Self {
            share: DEFAULT_SHARE,
            overrides: BTreeMap::new(),
        }
    }
}

impl QuotaConfig {
    /// The rate lambdash allows itself for `group` (requests/s), `None` when it is not limited.
    pub fn allowed_rps(&self, group: QuotaGroup) -> Option<f64> {
        match (self.overrides.get(&group), group.aws_rps()) {
            (Some(Limit::Rps(r)), _) => Some(*r),
            (Some(Limit::Share(s)), Some(q)) => Some(q * s),
            (None, Some(q)) => Some(q * self.share),
            (_, None) => None,
        }
    }

    /// The same configuration with `share` replacing the file's (`--quota-share`).
    #[must_use]
    pub fn with_share(mut self, share: f64) -> Self {
        self.share = share;
        self
    }

    /// The same configuration with an absolute rate for `group` (`lambdash tail --budget-tps`).
    #[must_use]
    pub fn with_rps(mut self, group: QuotaGroup, rps: f64) -> Self {
        self.overrides.insert(group, Limit::Rps(rps));
        self
    }
}

/// A share given as `0.33` or `"33%"`: `Ok(share)` in (0, 1], else what is wrong.
pub fn parse_share(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let share = match t.strip_suffix('%') {
        Some(pct) => pct.trim().parse::<f64>().map(|p| p / 100.0),
        None => t.parse::<f64>(),
    }
    .map_err(|_| format!("\"{text}\" is not a share (e.g. 0.33 or \"33%\")"))?;
    check_share(share, text)
}

fn check_share(share: f64, shown: &str) -> Result<f64, String> {
    if share.is_finite() && share > 0.0 && share <= 1.0 {
        Ok(share)
    } else {
        Err(format!(
            "{shown} is out of range: a share is more than 0 and at most 1 (or \"100%\")"
        ))
    }
}

/// A `[quota]` value: a number or a string.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum RawLimit {
    Number(f64),
    Text(String),
}

/// The `[quota]` table as written.
pub(crate) type RawQuota = BTreeMap<Spanned<String>, Spanned<RawLimit>>;

/// Validates `[quota]`: `share` and known group keys, each with a sensible value.
pub(crate) fn parse_quota_table(
    raw: &RawQuota,
    err: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
) -> Result<QuotaConfig, ConfigError> {
    let mut config = QuotaConfig::default();
    for (key, value) in raw {
        let name = key.get_ref().as_str();
        let field = format!("quota.{name}");
        let at = |message: String| err(&value.span(), &field, message);
        if name == "share" {
            config.share = match value.get_ref() {
                RawLimit::Number(n) => check_share(*n, &n.to_string()),
                RawLimit::Text(t) => parse_share(t),
            }
            .map_err(at)?;
            continue;
        }
        let group = QuotaGroup::from_key(name).ok_or_else(|| {
            let keys: Vec<&str> = QuotaGroup::ALL.iter().map(|g| g.key()).collect();
            err(
                &key.span(),
                &field,
                format!(
                    "unknown key `{name}` (expected `share` or a quota group: {})",
                    keys.join(", ")
                ),
            )
        })?;
        let limit = match value.get_ref() {
            RawLimit::Number(n) if n.is_finite() && *n > 0.0 => Limit::Rps(*n),
            RawLimit::Number(n) => {
                return Err(at(format!(
                    "{n} is not a rate: give requests per second above 0 (e.g. 4.0) or a percentage (\"50%\")"
                )));
            }
            RawLimit::Text(t) if t.trim().ends_with('%') => {
                if group.aws_rps().is_none() {
                    return Err(at(format!(
                        "{group} has no AWS request quota to take a percentage of: give requests per second (e.g. 50.0)"
                    )));
                }
                Limit::Share(parse_share(t).map_err(at)?)
            }
            RawLimit::Text(t) => {
                return Err(at(format!(
                    "\"{t}\" is not a limit: give requests per second (4.0) or a percentage of AWS's quota (\"50%\")"
                )));
            }
        };
        config.overrides.insert(group, limit);
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_share_is_a_third_of_every_quota() {
        let c = QuotaConfig::default();
        let control = c.allowed_rps(QuotaGroup::LambdaControl).unwrap_or_default();
        assert!((control - 5.0).abs() < 1e-9, "{control}");
        assert_eq!(c.allowed_rps(QuotaGroup::Sqs), None);
    }

    #[test]
    fn overrides_are_absolute_or_a_share_of_the_group() {
        let mut c = QuotaConfig::default().with_share(0.5);
        c.overrides
            .insert(QuotaGroup::LambdaControl, Limit::Rps(4.0));
        c.overrides
            .insert(QuotaGroup::LogsFilter, Limit::Share(0.2));
        assert_eq!(c.allowed_rps(QuotaGroup::LambdaControl), Some(4.0));
        assert_eq!(c.allowed_rps(QuotaGroup::LogsFilter), Some(1.0));
        assert_eq!(c.allowed_rps(QuotaGroup::MetricData), Some(25.0));
        let sqs = c.with_rps(QuotaGroup::Sqs, 50.0);
        assert_eq!(sqs.allowed_rps(QuotaGroup::Sqs), Some(50.0));
    }

    #[test]
    fn shares_read_as_fractions_or_percentages_within_range() {
        assert_eq!(parse_share("0.5"), Ok(0.5));
        assert_eq!(parse_share("25%"), Ok(0.25));
        assert_eq!(parse_share("100%"), Ok(1.0));
        for bad in ["0", "1.5", "-0.1", "150%", "half", "NaN", "inf"] {
            assert!(parse_share(bad).is_err(), "{bad}");
        }
    }
}
