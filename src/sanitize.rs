//! Untrusted text (log lines, env values, tags, message bodies, alarm reasons) made safe for a terminal.
//!
//! Anyone who can write to a log can write escape sequences. ESC, CSI, OSC, DCS, every C0 and C1
//! control, DEL and the Unicode bidi overrides are rendered visibly escaped (`\x1b`, `\u{202e}`), so
//! nothing in a message can move the cursor, retitle the window, write to the clipboard or reorder text.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Bidi controls that can make text display in an order other than the bytes (Trojan Source).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// True for anything that must not reach the terminal raw (tab and newline included: callers that
/// want line structure use [`sanitize_lines`]).
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn escape_into(out: &mut String, c: char) {
    let code = u32::from(c);
    if code < 0x80 {
        let _ = write!(out, "\\x{code:02x}");
    } else {
        let _ = write!(out, "\\u{{{code:x}}}");
    }
}

/// One line of untrusted text, every control escaped. Tabs become a single space (alignment in a
/// table cell is meaningless); newlines are escaped as `\x0a`.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if c == '\t' {
            out.push(' ');
        } else if is_unsafe(c) {
            escape_into(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Multi-line untrusted text: split on `\n` (a trailing `\r` is dropped), each line sanitised.
pub fn sanitize_lines(s: &str) -> Vec<String> {
    s.split('\n')
        .map(|line| sanitize(line.strip_suffix('\r').unwrap_or(line)).into_owned())
        .collect()
}

/// Bytes that may not be UTF-8 (a raw log payload): invalid sequences become U+FFFD, then sanitised.
pub fn sanitize_bytes(b: &[u8]) -> String {
    sanitize(&String::from_utf8_lossy(b)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(sanitize("hello wörld ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn csi_osc_dcs_and_c1_are_escaped() {
        let s = sanitize("a\x1b[2Jb\x1b]52;c;ZXZpbA==\x07c\x1bPq#0\x1b\\d\u{9b}31m");
        assert!(!s.chars().any(is_unsafe), "{s}");
        assert_eq!(
            s,
            "a\\x1b[2Jb\\x1b]52;c;ZXZpbA==\\x07c\\x1bPq#0\\x1b\\d\\u{9b}31m"
        );
    }

    #[test]
    fn bidi_overrides_are_escaped() {
        assert_eq!(sanitize("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(sanitize("x\u{2066}y"), "x\\u{2066}y");
    }

    #[test]
    fn tabs_become_spaces_and_newlines_are_visible() {
        assert_eq!(sanitize("a\tb\nc"), "a b\\x0ac");
        assert_eq!(sanitize_lines("one\r\ntwo\x1b"), vec!["one", "two\\x1b"]);
    }

    #[test]
    fn invalid_utf8_is_replaced_not_panicking() {
        let s = sanitize_bytes(b"ok \xff\xfe \x1b[31m");
        assert!(s.contains('\u{fffd}'));
        assert!(s.contains("\\x1b[31m"));
    }
}
