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

/// Multi-line untrusted text for a file or a pipe: tabs and newlines kept (a CR before a newline
/// dropped), every other control and bidi character escaped as [`sanitize`] does.
pub fn sanitize_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && c != '\t' && c != '\n') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if c == '\t' || c == '\n' || !is_unsafe(c) {
            out.push(c);
        } else {
            escape_into(&mut out, c);
        }
    }
    Cow::Owned(out)
}

/// Untrusted text for the clipboard (a paste into a shell must not run anything): tabs kept, every
/// other control (CR and LF included) and bidi character escaped, a trailing line break dropped.
pub fn sanitize_copy(s: &str) -> String {
    let s = s.trim_end_matches(['\n', '\r']);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\t' || !is_unsafe(c) {
            out.push(c);
        } else {
            escape_into(&mut out, c);
        }
    }
    out
}

/// The OSC 52 sequence that puts `text`, sanitised by [`sanitize_copy`], on the clipboard.
pub fn osc52(text: &str) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(sanitize_copy(text).as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

/// True for characters JSON allows raw but a terminal acts on: DEL, the C1 controls and the bidi
/// controls. (serde_json already escapes C0 controls, `"` and `\\`.)
fn json_must_escape(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}') || is_bidi_control(c)
}

/// A serde_json formatter that writes DEL, C1 and bidi controls as `\uXXXX` (lossless: any JSON
/// reader gets the same string back), around another formatter (compact or pretty).
pub struct SafeJson<F>(pub F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeJson<F> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if json_must_escape(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

fn json_with<T: serde::Serialize + ?Sized, F: serde_json::ser::Formatter>(
    value: &T,
    formatter: F,
) -> serde_json::Result<String> {
    let mut buf = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, SafeJson(formatter));
    value.serialize(&mut ser)?;
    // serde_json writes valid UTF-8 and the escapes are ASCII.
    String::from_utf8(buf).map_err(|e| serde_json::Error::io(std::io::Error::other(e)))
}

/// `serde_json::to_string` with DEL, C1 and bidi controls escaped: every `--json` line and export.
pub fn json_string<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    json_with(value, serde_json::ser::CompactFormatter)
}

/// `serde_json::to_string_pretty` with DEL, C1 and bidi controls escaped: every `--json` document.
pub fn json_string_pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    json_with(value, serde_json::ser::PrettyFormatter::new())
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
    fn text_keeps_tabs_and_newlines_and_escapes_the_rest() {
        assert_eq!(sanitize_text("a\tb\r\nc"), "a\tb\nc");
        assert_eq!(
            sanitize_text("x\x1b[31my\rz\u{9b}\u{202e}"),
            "x\\x1b[31my\\x0dz\\u{9b}\\u{202e}"
        );
        assert!(matches!(sanitize_text("plain\ttext\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn clipboard_payload_keeps_tabs_and_nothing_else_raw() {
        use base64::Engine as _;
        let line = "a\tb\r\x1b[31mc\nrm -rf /\u{9b}\u{202e}x\n";
        assert_eq!(
            sanitize_copy(line),
            "a\tb\\x0d\\x1b[31mc\\x0arm -rf /\\u{9b}\\u{202e}x"
        );
        let seq = osc52(line);
        let b64 = seq
            .strip_prefix("\x1b]52;c;")
            .and_then(|s| s.strip_suffix('\x07'))
            .unwrap();
        let payload = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let payload = String::from_utf8(payload).unwrap();
        assert_eq!(payload, sanitize_copy(line));
        assert!(
            !payload.chars().any(|c| c != '\t' && is_unsafe(c)),
            "{payload:?}"
        );
    }

    #[test]
    fn json_escapes_c1_bidi_and_del_and_stays_lossless() {
        let hostile = "a\u{1b}[2J\u{9b}31m\u{202e}\u{2066}\u{200f}\u{61c}\u{7f}é✓\"\\";
        let v = serde_json::json!({ "k\u{202e}": [hostile] });
        for s in [json_string(&v).unwrap(), json_string_pretty(&v).unwrap()] {
            assert!(!s.chars().any(|c| c != '\n' && is_unsafe(c)), "{s:?}");
            assert!(s.contains("\\u009b") && s.contains("\\u202e") && s.contains("\\u007f"));
            assert!(s.contains("é✓"), "printable non-ASCII stays as is: {s}");
            let back: serde_json::Value = serde_json::from_str(&s).unwrap();
            assert_eq!(back, v);
        }
        assert_eq!(
            json_string_pretty(&v).unwrap().lines().count(),
            serde_json::to_string_pretty(&v).unwrap().lines().count()
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_not_panicking() {
        let s = sanitize_bytes(b"ok \xff\xfe \x1b[31m");
        assert!(s.contains('\u{fffd}'));
        assert!(s.contains("\\x1b[31m"));
    }
}
