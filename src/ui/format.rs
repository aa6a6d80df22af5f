//! Display formatting (times, sizes, ages). Lives in `ui/`, never in the data layer.

use chrono::{DateTime, Utc};

/// `42s`, `5m`, `3h`, `2d` — a compact age.
pub fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds().max(0);
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m", secs / 60),
        3600..=86_399 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86_400),
    }
}

/// `1.2 MB`, `512 B`.
pub fn bytes(n: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `2026-11-21 17:35` (UTC).
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// One spinner frame for the given time (the runtime ticks fast only while loading).
pub fn spinner(now: DateTime<Utc>) -> &'static str {
    const FRAMES: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];
    FRAMES[(now.timestamp_subsec_millis() / 125) as usize % FRAMES.len()]
}

/// Cuts `s` to at most `max` characters, marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

/// A count as the tables show it; a number that could not be fetched is `n/a`, never 0.
pub fn count_reading(r: &crate::domain::metrics::Reading) -> String {
    use crate::domain::metrics::Reading;
    match r {
        Reading::Value(v) if *v >= 10_000.0 => format!("{:.0}k", v / 1000.0),
        Reading::Value(v) => format!("{v:.0}"),
        Reading::NoData => "0".to_string(),
        Reading::Unavailable(_) => "n/a".to_string(),
    }
}

/// Milliseconds as the tables show them (`—` without data, `n/a` when not fetched).
pub fn millis_reading(r: &crate::domain::metrics::Reading) -> String {
    use crate::domain::metrics::Reading;
    match r {
        Reading::Value(v) if *v >= 1000.0 => format!("{:.1}s", v / 1000.0),
        Reading::Value(v) => format!("{v:.0}ms"),
        Reading::NoData => "—".to_string(),
        Reading::Unavailable(_) => "n/a".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ages_are_compact() {
        let now = Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap();
        assert_eq!(age(now, now - chrono::Duration::seconds(5)), "5s");
        assert_eq!(age(now, now - chrono::Duration::minutes(5)), "5m");
        assert_eq!(age(now, now - chrono::Duration::hours(3)), "3h");
        assert_eq!(age(now, now - chrono::Duration::days(2)), "2d");
        assert_eq!(age(now, now + chrono::Duration::days(2)), "0s");
    }

    #[test]
    fn sizes_use_decimal_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1_234_567), "1.2 MB");
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
