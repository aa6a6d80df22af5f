//! The one output writer of every subcommand.
//!
//! AWS text (function and queue names, descriptions, log lines, message bodies, alarm reasons, error
//! messages) is untrusted: whoever can write a log line can write escape sequences, and `lambdash dlq
//! peek Q | less -R` or `lambdash tail FN | grep …` would pass them to a terminal. So, whether or not
//! stdout is a terminal:
//!
//! - plain text is escaped ([`cell`] for one-line fields, [`text`] keeps tabs and line breaks) unless
//!   `--raw` was given;
//! - JSON is always written with DEL, C1 and bidi controls as `\uXXXX` ([`json_pretty`],
//!   [`json_line`]): lossless, so `--raw` does not change it;
//! - stderr ([`errln!`]) is always escaped: it is for people, and error messages echo AWS text.

use std::borrow::Cow;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::sanitize::{sanitize, sanitize_text};

static RAW: AtomicBool = AtomicBool::new(false);

/// `--raw`: plain-text output carries AWS text byte for byte (set once, by `cli::main`).
pub fn set_raw(raw: bool) {
    RAW.store(raw, Ordering::Relaxed);
}

/// Whether plain-text output escapes untrusted text (everything but `--raw`).
pub fn escape() -> bool {
    !RAW.load(Ordering::Relaxed)
}

/// One untrusted field for a table cell or a single line: every control escaped (tabs become a space)
/// unless `--raw`.
pub fn cell(s: &str) -> Cow<'_, str> {
    if escape() {
        sanitize(s)
    } else {
        Cow::Borrowed(s)
    }
}

/// Untrusted multi-line text: tabs and line breaks kept, every other control escaped, unless `--raw`.
pub fn text(s: &str) -> Cow<'_, str> {
    if escape() {
        sanitize_text(s)
    } else {
        Cow::Borrowed(s)
    }
}

/// A JSON document (pretty, with a final newline), DEL/C1/bidi controls escaped.
pub fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    crate::sanitize::json_string_pretty(value).map(|s| s + "\n")
}

/// One JSON line (with its newline), DEL/C1/bidi controls escaped.
pub fn json_line<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    crate::sanitize::json_string(value).map(|s| s + "\n")
}

/// Writes `text` to stdout and flushes; a closed pipe (`| head`) ends quietly with success.
pub fn stdout(text: &str) -> ExitCode {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if let Err(code) = super::emit(&mut out, text) {
        return code;
    }
    match out.flush() {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            stderr_line(&format!("error: writing output: {e}"));
            ExitCode::from(super::EXIT_AWS)
        }
        _ => ExitCode::SUCCESS,
    }
}

/// Writes one line to stderr, escaped (tabs and line breaks kept), whatever `--raw` says.
pub fn stderr_line(line: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{}", sanitize_text(line));
}

/// Writes to stderr without a newline (a prompt), escaped.
pub fn stderr_prompt(text: &str) {
    let mut err = io::stderr().lock();
    let _ = write!(err, "{}", sanitize_text(text));
    let _ = err.flush();
}

/// `eprintln!` through the sanitiser: every message of a subcommand that may carry AWS text.
macro_rules! errln {
    ($($arg:tt)+) => {
        $crate::cli::output::stderr_line(&format!($($arg)+))
    };
}
pub(crate) use errln;

/// A note on stderr for every operation whose answers had to be repaired before they could be read
/// (characters the protocol forbids, shown as U+FFFD).
pub fn repaired_notes(clients: &crate::aws::Clients) {
    for (operation, answers) in clients.scheduler.repaired() {
        errln!(
            "note: {}",
            crate::aws::scheduler::repair::describe(&operation, answers)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_and_cells_never_carry_raw_controls() {
        let hostile = "no queue \"\u{1b}[31mX\u{7}\": \u{9b}2J\u{202e}";
        assert!(
            !sanitize_text(hostile)
                .chars()
                .any(crate::sanitize::is_unsafe)
        );
        assert!(!cell(hostile).chars().any(crate::sanitize::is_unsafe));
        assert_eq!(text("a\tb\nc"), "a\tb\nc");
    }
}
