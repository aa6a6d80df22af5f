//! "Being throttled is not an error on screen; data older than three refresh periods is, and says why."
//!
//! A throttle that outlived the scheduler's pacing and the SDK's retries is recorded on the pane's
//! remote state like any failure, but flashed as a warning, not an error: pollers retry by themselves. When the
//! shown pane's data gets older than three of its refresh periods, the status bar says so, and why
//! (throttled, another error, or waiting for the request budget).

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{ALARMS_POLL_EVERY, App, View};
use crate::domain::quota::QuotaGroup;

/// Text of an error that is AWS throttling (see `AwsError::Throttled`'s message).
pub fn is_throttle_text(text: &str) -> bool {
    text.contains("throttled by AWS")
}

/// Why data last refreshed at `last_ok` is stale at `now`, or `None` while it is younger than three
/// refresh periods.
pub fn stale_reason(
    now: DateTime<Utc>,
    last_ok: Option<DateTime<Utc>>,
    every: Duration,
    error: Option<&str>,
    queued: usize,
) -> Option<String> {
    let age = (now - last_ok?).to_std().unwrap_or(Duration::ZERO);
    if age <= every.saturating_mul(3) {
        return None;
    }
    Some(match error {
        Some(e) if is_throttle_text(e) => "AWS is throttling lambdash; retrying".to_owned(),
        Some(e) => e.to_owned(),
        None if queued > 0 => format!("waiting for the request budget ({queued} queued)"),
        None => "the refresh has not finished".to_owned(),
    })
}

impl App {
    /// The shown pane's staleness (see [`stale_reason`]), for the panes that refresh by themselves.
    pub fn stale(&self) -> Option<String> {
        let (remote_last_ok, error, every, group) = match self.view {
            View::Functions => (
                self.functions.remote.last_ok,
                self.functions.remote.error(),
                crate::domain::quota::list_refresh_every(
                    self.config.functions_poll_every,
                    self.functions.all().len(),
                ),
                QuotaGroup::LambdaControl,
            ),
            View::Alarms => (
                self.alarms.remote.last_ok,
                self.alarms.remote.error(),
                ALARMS_POLL_EVERY,
                QuotaGroup::DescribeAlarms,
            ),
            View::Dlq => (
                self.dlq.remote.last_ok,
                self.dlq.remote.error(),
                super::dlq::DLQ_DEPTH_EVERY,
                QuotaGroup::Sqs,
            ),
            _ => return None,
        };
        stale_reason(
            self.now,
            remote_last_ok,
            every,
            error,
            self.quota.queued(group),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default()
    }

    #[test]
    fn data_is_stale_after_three_refresh_periods_and_says_why() {
        let every = Duration::from_mins(1);
        let at = Some(t0());
        let later = |s| t0() + chrono::Duration::seconds(s);
        assert_eq!(stale_reason(later(180), at, every, None, 0), None);
        assert_eq!(
            stale_reason(later(181), at, every, None, 0).as_deref(),
            Some("the refresh has not finished")
        );
        assert_eq!(
            stale_reason(
                later(400),
                at,
                every,
                Some("throttled by AWS (ListFunctions): Rate exceeded"),
                0
            )
            .as_deref(),
            Some("AWS is throttling lambdash; retrying")
        );
        assert_eq!(
            stale_reason(later(400), at, every, None, 3).as_deref(),
            Some("waiting for the request budget (3 queued)")
        );
        assert_eq!(stale_reason(later(400), None, every, None, 0), None);
    }
}
