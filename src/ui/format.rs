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

/// Cuts `s` to at most `max` terminal columns (wide characters count two), marking the cut with
/// `…`. Every name cut to fit a column goes through here, so a cut is never silent.
pub fn truncate(s: &str, max: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if s.width() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// The widths a [`ratatui::widgets::Table`] gives columns with these `constraints` in `width` cells
/// (the same layout the table computes), so cells can be cut to them with [`truncate`].
pub fn column_widths(
    constraints: &[ratatui::layout::Constraint],
    width: u16,
    spacing: u16,
    flex: ratatui::layout::Flex,
) -> Vec<u16> {
    ratatui::layout::Layout::horizontal(constraints.iter().copied())
        .flex(flex)
        .spacing(spacing)
        .split(ratatui::layout::Rect::new(0, 0, width, 1))
        .iter()
        .map(|r| r.width)
        .collect()
}

/// The rows `line` takes when word-wrapped at `width` columns (as `Paragraph` with `Wrap` draws it;
/// a word longer than the width is broken).
pub fn wrapped_rows(line: &ratatui::text::Line<'_>, width: u16) -> u16 {
    use unicode_width::UnicodeWidthStr;
    let width = usize::from(width.max(1));
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut rows = 1usize;
    let mut used = 0usize;
    for word in text.split_whitespace() {
        let w = word.width();
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= width {
            used = need;
        } else if w <= width {
            rows += 1;
            used = w;
        } else {
            // A long word is broken over rows.
            rows += usize::from(used > 0) + (w - 1) / width;
            used = (w - 1) % width + 1;
        }
    }
    u16::try_from(rows).unwrap_or(u16::MAX)
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

/// Dollars, one rule everywhere (cost pane, `lambdash cost`): two decimals from $1 up, four significant
/// digits below ($0.03270, $0.008140), `<$0.0001` below that, `$0` for nothing.
pub fn usd(v: f64) -> String {
    if v == 0.0 {
        "$0".to_string()
    } else if v >= 1.0 {
        format!("${v:.2}")
    } else if v < 0.0001 {
        "<$0.0001".to_string()
    } else {
        // Digits after the point for four significant ones: 3 - floor(log10 v), 4..=7 here.
        let exponent = v.log10().floor();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let decimals = (3.0 - exponent).clamp(4.0, 7.0) as usize;
        let text = format!("${v:.decimals$}");
        // 0.99996 rounds up to a dollar: say it with the dollar rule.
        if text.starts_with("$1") {
            format!("${v:.2}")
        } else {
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_follow_one_precision_rule() {
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd(23.9204), "$23.92");
        assert_eq!(usd(1171.374), "$1171.37");
        assert_eq!(usd(1.0), "$1.00");
        assert_eq!(usd(0.0327), "$0.03270");
        assert_eq!(usd(0.008_140), "$0.008140");
        assert_eq!(usd(0.48083), "$0.4808");
        assert_eq!(usd(0.000_123_4), "$0.0001234");
        assert_eq!(usd(0.999_96), "$1.00");
        assert_eq!(usd(0.000_000_2), "<$0.0001");
    }
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
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("abc", 1), "…");
    }

    #[test]
    fn long_messages_wrap_at_words() {
        let line = ratatui::text::Line::from("one two three four");
        assert_eq!(wrapped_rows(&line, 80), 1);
        assert_eq!(wrapped_rows(&line, 9), 3, "one two / three / four");
        assert_eq!(wrapped_rows(&line, 13), 2, "one two three / four");
        assert_eq!(wrapped_rows(&line, 5), 4);
        assert_eq!(wrapped_rows(&ratatui::text::Line::from("abcdefghij"), 4), 3);
        assert_eq!(wrapped_rows(&ratatui::text::Line::default(), 10), 1);
    }

    #[test]
    fn truncate_counts_terminal_columns_not_characters() {
        use unicode_width::UnicodeWidthStr;
        // Each ideograph is two columns wide: four columns hold one and the ellipsis.
        let cut = truncate("日本語の関数", 4);
        assert_eq!(cut, "日…");
        assert!(cut.width() <= 4);
        assert_eq!(truncate("payments-webhook-errors", 12), "payments-we…");
    }

    #[test]
    fn column_widths_match_a_table_squeezed_into_a_narrow_area() {
        use ratatui::layout::{Constraint, Flex};
        let w = column_widths(
            &[Constraint::Length(20), Constraint::Min(10)],
            24,
            1,
            Flex::Start,
        );
        assert_eq!(w.iter().sum::<u16>() + 1, 24);
        assert!(w[0] < 20, "{w:?}");
    }
}
