//! The metrics pane's ranges, the period each one reads at, and the query window: only periods that
//! are over and ingested.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::MAX_POINTS_PER_SERIES;

/// The metrics pane's range keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
pub enum MetricsRange {
    M15,
    #[default]
    H1,
    H3,
    H12,
    H24,
    D7,
}

impl MetricsRange {
    pub const ALL: [MetricsRange; 6] = [
        Self::M15,
        Self::H1,
        Self::H3,
        Self::H12,
        Self::H24,
        Self::D7,
    ];

    pub fn duration(self) -> Duration {
        Duration::from_secs(match self {
            Self::M15 => 15 * 60,
            Self::H1 => 3600,
            Self::H3 => 3 * 3600,
            Self::H12 => 12 * 3600,
            Self::H24 => 24 * 3600,
            Self::D7 => 7 * 24 * 3600,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::M15 => "15m",
            Self::H1 => "1h",
            Self::H3 => "3h",
            Self::H12 => "12h",
            Self::H24 => "24h",
            Self::D7 => "7d",
        }
    }

    pub fn period_s(self) -> i32 {
        period_for(self.duration())
    }

    /// The next longer range (stays at 7d).
    #[must_use]
    pub fn longer(self) -> Self {
        let i = Self::ALL.iter().position(|r| *r == self).unwrap_or(0);
        Self::ALL[(i + 1).min(Self::ALL.len() - 1)]
    }

    /// The next shorter range (stays at 15m).
    #[must_use]
    pub fn shorter(self) -> Self {
        let i = Self::ALL.iter().position(|r| *r == self).unwrap_or(0);
        Self::ALL[i.saturating_sub(1)]
    }
}

/// The period for a range: 60 s up to 3 h, 300 s up to 24 h, 3600 s up to 7 d, and beyond that the
/// smallest whole hour keeping the series ≤ [`MAX_POINTS_PER_SERIES`] points.
pub fn period_for(range: Duration) -> i32 {
    let secs = range.as_secs().max(1) as i64;
    if secs <= 3 * 3600 {
        60
    } else if secs <= 24 * 3600 {
        300
    } else if secs <= 7 * 24 * 3600 {
        3600
    } else {
        let per_point = (secs + MAX_POINTS_PER_SERIES - 1) / MAX_POINTS_PER_SERIES;
        (((per_point + 3599) / 3600) * 3600) as i32
    }
}

/// How long CloudWatch may take to ingest a period's datapoints after the period ends. A period
/// that ended less than this ago may still be filling: it is treated as not over.
pub const INGESTION_DELAY: TimeDelta = TimeDelta::minutes(2);

/// The query window for `range` ending at `now`: the end is the last period boundary at least
/// [`INGESTION_DELAY`] before `now`, so every period in the window is over (the one still filling,
/// and the last one CloudWatch may still be ingesting, are never fetched: no total, verdict, health
/// flag, trend, sparkline, chart or cost projection can count a partial period). The start is
/// `range` before the end.
pub fn window(
    range: Duration,
    period_s: i32,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let period = i64::from(period_s.max(1));
    let settled = (now - INGESTION_DELAY).timestamp();
    let end_s = settled.div_euclid(period) * period;
    let end = DateTime::from_timestamp(end_s, 0).unwrap_or(now);
    let span = TimeDelta::from_std(range).unwrap_or(TimeDelta::hours(1));
    (end - span, end)
}

/// True when the period starting at `t` lies wholly inside `[start, end)`: a datapoint outside
/// (an endpoint that answers past the asked end) is dropped, never counted.
pub fn period_within(
    t: DateTime<Utc>,
    period_s: i32,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> bool {
    t >= start && t + TimeDelta::seconds(i64::from(period_s.max(1))) <= end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_pick_periods_that_keep_series_under_1440_points() {
        let expected = [
            (MetricsRange::M15, 60),
            (MetricsRange::H1, 60),
            (MetricsRange::H3, 60),
        ];
        for (r, p) in expected {
            assert_eq!(r.period_s(), p, "{}", r.label());
        }
        assert_eq!(MetricsRange::H12.period_s(), 300);
        assert_eq!(MetricsRange::H24.period_s(), 300);
        assert_eq!(MetricsRange::D7.period_s(), 3600);
        for r in MetricsRange::ALL {
            assert!(r.duration().as_secs() as i64 / i64::from(r.period_s()) <= 1440);
        }
        let month = Duration::from_hours(90 * 24);
        assert!(month.as_secs() as i64 / i64::from(period_for(month)) <= 1440);
        assert_eq!(period_for(Duration::from_hours(90 * 24)) % 3600, 0);
        assert_eq!(MetricsRange::H1.longer(), MetricsRange::H3);
        assert_eq!(MetricsRange::D7.longer(), MetricsRange::D7);
        assert_eq!(MetricsRange::M15.shorter(), MetricsRange::M15);
    }

    #[test]
    fn window_ends_at_the_last_period_over_and_ingested() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // 10:07:30: the 10:07 minute is filling, 10:06 may still be ingesting (2 min delay): the
        // last complete period is 10:04–10:05, so the window ends at 10:05.
        let (start, end) = window(Duration::from_hours(1), 60, at("2025-03-01T10:07:30Z"));
        assert_eq!(end, at("2025-03-01T10:05:00Z"));
        assert_eq!(start, at("2025-03-01T09:05:00Z"));
        // Hour periods: the hour that ended 2 minutes ago counts, the one running does not.
        let (_, end) = window(
            Duration::from_hours(24 * 7),
            3600,
            at("2025-03-01T10:02:00Z"),
        );
        assert_eq!(end, at("2025-03-01T10:00:00Z"));
        let (_, end) = window(
            Duration::from_hours(24 * 7),
            3600,
            at("2025-03-01T10:01:59Z"),
        );
        assert_eq!(end, at("2025-03-01T09:00:00Z"));
        assert!(end <= at("2025-03-01T10:01:59Z") - INGESTION_DELAY);
    }

    #[test]
    fn a_period_past_the_window_end_is_not_within_it() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let w = (at("2025-03-01T09:05:00Z"), at("2025-03-01T10:05:00Z"));
        assert!(period_within(at("2025-03-01T10:04:00Z"), 60, w));
        assert!(!period_within(at("2025-03-01T10:05:00Z"), 60, w));
        assert!(!period_within(at("2025-03-01T09:04:00Z"), 60, w));
        assert!(period_within(at("2025-03-01T09:05:00Z"), 3600, w));
        assert!(!period_within(at("2025-03-01T09:06:00Z"), 3600, w));
    }
}
