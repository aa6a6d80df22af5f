//! Time ranges for a tail: the presets (15m, 1h, 3h, 24h) and what the user types (`2h`, `90m`,
//! `2026-11-21T10:00..2026-11-21T11:00`, `16:30..16:40` today). Pure: `now` and the time zone the
//! times are typed in (the one the logs are shown in) come in as arguments.
//!
//! A range ending now (a duration, or `START..` / `START..now`) is fetched as a backfill and then
//! followed; a range ending in the past is fetched and shown as it is.

use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, Utc};

use crate::domain::log::TimeWindow;

/// The ranges bound to `1`…`4` in the logs pane.
pub const PRESETS: [Duration; 4] = [
    Duration::from_mins(15),
    Duration::from_hours(1),
    Duration::from_hours(3),
    Duration::from_hours(24),
];

/// The longest range a backfill fetches (the buffer holds 100,000 lines anyway).
pub const MAX_RANGE: Duration = Duration::from_hours(30 * 24);

/// A range ending less than this before now counts as ending now (it is followed).
const NOW_SLACK: TimeDelta = TimeDelta::seconds(60);

/// A time range asked for by the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeSpec {
    /// From this long ago until now, then follow.
    Last(Duration),
    /// From `start`; until `end`, or until now (then follow) when `end` is `None`.
    Between {
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
    },
}

fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// `1h 30m`-style, for labels: the largest units, no zero parts.
pub fn short_duration(d: Duration) -> String {
    let secs = d.as_secs();
    // Days only from two on: `24h` reads better than `1d`.
    let days = if secs >= 2 * 86_400 { secs / 86_400 } else { 0 };
    let (hours, mins, s) = ((secs - days * 86_400) / 3_600, secs % 3_600 / 60, secs % 60);
    let mut parts = Vec::new();
    for (n, unit) in [(days, "d"), (hours, "h"), (mins, "m"), (s, "s")] {
        if n > 0 {
            parts.push(format!("{n}{unit}"));
        }
    }
    if parts.is_empty() {
        format!("{}ms", d.as_millis())
    } else {
        parts.join("")
    }
}

impl RangeSpec {
    /// The closed window to fetch at `now`.
    pub fn window(&self, now: DateTime<Utc>) -> TimeWindow {
        match *self {
            Self::Last(d) => TimeWindow::new(now - delta(d), now),
            Self::Between { start, end } => TimeWindow::new(start, end.unwrap_or(now).min(now)),
        }
    }

    /// Whether the tail follows new events once the range is fetched.
    pub fn follows(&self) -> bool {
        match self {
            Self::Last(_) => true,
            Self::Between { end, .. } => end.is_none(),
        }
    }

    /// For the pane's title: `last 1h`, `2026-11-21 10:00–11:00 UTC`.
    pub fn label(&self) -> String {
        match *self {
            Self::Last(d) => format!("last {}", short_duration(d)),
            Self::Between { start, end: None } => {
                format!("since {} UTC", start.format("%Y-%m-%d %H:%M"))
            }
            Self::Between {
                start,
                end: Some(end),
            } => {
                let end_fmt = if end.date_naive() == start.date_naive() {
                    "%H:%M"
                } else {
                    "%Y-%m-%d %H:%M"
                };
                format!(
                    "{}–{} UTC",
                    start.format("%Y-%m-%d %H:%M"),
                    end.format(end_fmt)
                )
            }
        }
    }
}

/// A wall-clock time in `zone`, as UTC.
fn in_zone(t: NaiveDateTime, zone: FixedOffset) -> DateTime<Utc> {
    (t - TimeDelta::seconds(i64::from(zone.local_minus_utc()))).and_utc()
}

/// A bare time of day: `HH:MM[:SS]`.
fn parse_time_of_day(s: &str) -> Option<NaiveTime> {
    ["%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(s.trim(), f).ok())
}

/// One end of a typed range: RFC 3339 (with its offset), or `YYYY-MM-DD[THH:MM[:SS]]` or a bare
/// `HH:MM[:SS]` (today) in `zone` (a space works instead of `T`), or `now`.
fn parse_instant(s: &str, now: DateTime<Utc>, zone: FixedOffset) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let normal = s.replacen(' ', "T", 1);
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(&normal, format) {
            return Ok(in_zone(t, zone));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        && let Some(t) = d.and_hms_opt(0, 0, 0)
    {
        return Ok(in_zone(t, zone));
    }
    if let Some(time) = parse_time_of_day(s) {
        let today = now.with_timezone(&zone).date_naive();
        return Ok(in_zone(today.and_time(time), zone));
    }
    Err(format!(
        "\"{s}\" is not a time (use 16:30 for today, 2026-11-21T10:00, or RFC 3339 with an offset)"
    ))
}

/// Parses what the user typed: a duration back from now (`2h`, `90m`, `1d`), or `START..END`
/// (`END` may be empty or `now`: until now, then follow; or a bare `HH:MM`: on the start's day).
pub fn parse(text: &str, now: DateTime<Utc>) -> Result<RangeSpec, String> {
    parse_in(text, now, Utc.fix())
}

/// [`parse`] with times without an offset (`16:30`, `2026-11-21T10:00`) in `zone`: the time zone the
/// logs are shown in (UTC, or the local one).
pub fn parse_in(text: &str, now: DateTime<Utc>, zone: FixedOffset) -> Result<RangeSpec, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("no range: type a duration (2h, 90m) or START..END".to_string());
    }
    let too_long = || {
        format!(
            "the range is longer than {} (the most a backfill fetches)",
            short_duration(MAX_RANGE)
        )
    };
    let Some((from, to)) = text.split_once("..") else {
        let d = crate::config::parse_duration(text)
            .map_err(|_| format!("\"{text}\" is neither a duration (2h, 90m) nor START..END"))?;
        if d.is_zero() {
            return Err("the range is empty (0s)".to_string());
        }
        if d > MAX_RANGE {
            return Err(too_long());
        }
        return Ok(RangeSpec::Last(d));
    };
    let start = parse_instant(from, now, zone)?;
    let to = to.trim();
    let end = if to.is_empty() {
        None
    } else if let Some(time) = parse_time_of_day(to) {
        // `10:00..11:00`-style: the end on the start's day (in the zone typed in).
        let day = start.with_timezone(&zone).date_naive();
        Some(in_zone(day.and_time(time), zone))
    } else {
        Some(parse_instant(to, now, zone)?)
    };
    if start >= now {
        return Err(format!(
            "the range starts in the future ({} UTC)",
            start.format("%Y-%m-%d %H:%M:%S")
        ));
    }
    if let Some(e) = end
        && e <= start
    {
        return Err("the range ends before it starts".to_string());
    }
    if end.unwrap_or(now).min(now) - start > delta(MAX_RANGE) {
        return Err(too_long());
    }
    // Ending now or later: until now, then follow.
    let end = end.filter(|e| *e < now - NOW_SLACK);
    Ok(RangeSpec::Between { start, end })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_duration_is_a_range_back_from_now_that_follows() {
        let r = parse("2h", now()).unwrap();
        assert_eq!(r, RangeSpec::Last(Duration::from_hours(2)));
        assert!(r.follows());
        assert_eq!(r.window(now()).start, at("2026-11-21T10:00:00Z"));
        assert_eq!(r.window(now()).end, now());
        assert_eq!(r.label(), "last 2h");
        assert_eq!(
            parse("1h30m", now()).unwrap().label(),
            "last 1h30m",
            "compound durations"
        );
    }

    #[test]
    fn an_absolute_range_in_the_past_is_shown_not_followed() {
        let r = parse("2026-11-21T10:00..2026-11-21T11:00", now()).unwrap();
        assert_eq!(
            r,
            RangeSpec::Between {
                start: at("2026-11-21T10:00:00Z"),
                end: Some(at("2026-11-21T11:00:00Z")),
            }
        );
        assert!(!r.follows());
        assert_eq!(r.label(), "2026-11-21 10:00–11:00 UTC");
        assert_eq!(
            parse("2026-11-21T10:00..11:00", now()).unwrap(),
            r,
            "end on the start's day"
        );
        let offset = parse("2026-11-21T10:00:00+02:00..2026-11-21 09:00", now()).unwrap();
        assert_eq!(offset.window(now()).start, at("2026-11-21T08:00:00Z"));
    }

    #[test]
    fn a_range_ending_now_or_open_ended_follows() {
        for text in [
            "2026-11-21T10:00..",
            "2026-11-21T10:00..now",
            "2026-11-21..2026-11-22",
        ] {
            let r = parse(text, now()).unwrap();
            assert!(r.follows(), "{text}");
            assert_eq!(r.window(now()).end, now(), "{text}");
        }
    }

    #[test]
    fn invalid_input_says_why() {
        let cases = [
            ("", "no range"),
            ("soon", "neither a duration"),
            ("0s", "empty"),
            ("45d", "longer than 30d"),
            (
                "2026-11-21T11:00..2026-11-21T10:00",
                "ends before it starts",
            ),
            ("2026-11-22T10:00..", "starts in the future"),
            ("yesterday..now", "is not a time"),
            ("2026-10-01..2026-11-21", "longer than"),
        ];
        for (text, why) in cases {
            let err = parse(text, now()).unwrap_err();
            assert!(err.contains(why), "{text:?}: {err}");
        }
    }

    #[test]
    fn a_bare_time_range_is_today_in_the_zone_the_logs_are_shown_in() {
        let utc = FixedOffset::east_opt(0).unwrap();
        let r = parse_in("10:30..10:40", now(), utc).unwrap();
        assert_eq!(
            r,
            RangeSpec::Between {
                start: at("2026-11-21T10:30:00Z"),
                end: Some(at("2026-11-21T10:40:00Z")),
            }
        );
        // Shown in UTC+02:00: 16:30 local is 14:30 UTC... in the future at 12:00 UTC; 13:30 local is fine.
        let plus2 = FixedOffset::east_opt(2 * 3600).unwrap();
        let r = parse_in("13:30..13:40", now(), plus2).unwrap();
        assert_eq!(r.window(now()).start, at("2026-11-21T11:30:00Z"));
        assert_eq!(r.window(now()).end, at("2026-11-21T11:40:00Z"));
        assert!(
            parse_in("16:30..16:40", now(), plus2)
                .unwrap_err()
                .contains("future")
        );
        // Just after midnight local time, "today" is the local day, not the UTC one.
        let minus5 = FixedOffset::west_opt(5 * 3600).unwrap();
        let r = parse_in("06:00..", now(), minus5).unwrap();
        assert_eq!(r.window(now()).start, at("2026-11-21T11:00:00Z"));
    }

    #[test]
    fn presets_are_the_documented_ranges() {
        let labels: Vec<String> = PRESETS
            .iter()
            .map(|d| RangeSpec::Last(*d).label())
            .collect();
        assert_eq!(labels, ["last 15m", "last 1h", "last 3h", "last 24h"]);
        assert_eq!(short_duration(Duration::from_hours(72)), "3d");
    }
}
