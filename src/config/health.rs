//! `[health]`: the thresholds of the functions pane's HEALTH flags and ERR% colours.
//!
//! ```toml
//! [health]
//! error_rate_warn = 1.0        # percent of invocations: ERR (warning), ERR% in the warning colour
//! error_rate_crit = 5.0        # percent: ERR (critical), ERR% in the error colour
//! slow_pct_of_timeout = 80.0   # p99 (or max) above this percent of the timeout is SLOW
//! ```

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::ConfigError;
use crate::domain::metrics::HealthThresholds;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHealth {
    error_rate_warn: Option<Spanned<f64>>,
    error_rate_crit: Option<Spanned<f64>>,
    slow_pct_of_timeout: Option<Spanned<f64>>,
}

/// Checks `[health]` over the defaults: every value a percent in (0, 100], warn ≤ crit.
pub(super) fn thresholds(
    raw: &RawHealth,
    err: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
) -> Result<HealthThresholds, ConfigError> {
    let mut out = HealthThresholds::default();
    let pct = |v: &Spanned<f64>, field: &str| {
        let x = *v.get_ref();
        if x > 0.0 && x <= 100.0 {
            Ok(x)
        } else {
            Err(err(
                &v.span(),
                field,
                format!("{x} is not a percent in (0, 100] (e.g. 5.0)"),
            ))
        }
    };
    if let Some(v) = &raw.error_rate_warn {
        out.error_rate_warn_pct = pct(v, "health.error_rate_warn")?;
    }
    if let Some(v) = &raw.error_rate_crit {
        out.error_rate_crit_pct = pct(v, "health.error_rate_crit")?;
    }
    if let Some(v) = &raw.slow_pct_of_timeout {
        out.slow_pct_of_timeout = pct(v, "health.slow_pct_of_timeout")?;
    }
    if out.error_rate_warn_pct > out.error_rate_crit_pct {
        let span = raw
            .error_rate_warn
            .as_ref()
            .or(raw.error_rate_crit.as_ref())
            .map(Spanned::span)
            .unwrap_or_default();
        return Err(err(
            &span,
            "health.error_rate_warn",
            format!(
                "the warning threshold ({} %) is above the critical one ({} %)",
                out.error_rate_warn_pct, out.error_rate_crit_pct
            ),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::Config;
    use crate::domain::metrics::HealthThresholds;

    #[test]
    fn health_thresholds_default_and_can_be_set() {
        let c = Config::parse("", Path::new("c.toml")).unwrap();
        assert_eq!(c.health, HealthThresholds::default());
        let c = Config::parse(
            "[health]\nerror_rate_warn = 0.5\nerror_rate_crit = 2.0\nslow_pct_of_timeout = 90.0\n",
            Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(
            c.health,
            HealthThresholds {
                error_rate_warn_pct: 0.5,
                error_rate_crit_pct: 2.0,
                slow_pct_of_timeout: 90.0
            }
        );
    }

    #[test]
    fn bad_health_thresholds_say_where_and_why() {
        let e = Config::parse("[health]\nerror_rate_crit = 0.0\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "c.toml:2:19: health.error_rate_crit: 0 is not a percent in (0, 100] (e.g. 5.0)"
        );
        let e = Config::parse(
            "[health]\nerror_rate_warn = 8.0\nerror_rate_crit = 5.0\n",
            Path::new("c.toml"),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "c.toml:2:19: health.error_rate_warn: the warning threshold (8 %) is above the critical one (5 %)"
        );
    }
}
