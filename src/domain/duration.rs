//! Durations people type (`30s`, `5m`, `1h30m`, `500ms`, `2d`): the config file, `lambdash tail
//! --since`, typed log ranges and the demo's `--every` all read them here, with `humantime`.

use std::time::Duration;

/// Parses durations like `500ms`, `30s`, `5m`, `1h`, `2d` and sums like `1h30m` (any of humantime's
/// units). Whole numbers in one word, as lambdash always read them: `1h 30m`, `1.5s` and `-1s` are
/// refused.
///
/// The error is a complete, user-facing sentence.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let invalid = || format!("invalid duration \"{s}\" (use e.g. 30s, 5m, 1h)");
    let text = s.trim();
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(invalid());
    }
    humantime::parse_duration(text).map_err(|_| invalid())
}
