//! Property test: whatever bytes someone writes into a log line, a DLQ message body or an alarm reason,
//! nothing raw reaches the terminal and nothing panics. Deterministic (seeded), many cases, big lines.
#![allow(clippy::unwrap_used)]

use lambdash::logs::{json, level};
use lambdash::sanitize::{is_unsafe, sanitize, sanitize_bytes, sanitize_lines};

/// Fragments an attacker would use, mixed with ordinary text.
const FRAGMENTS: &[&[u8]] = &[
    b"\x1b[2J",                // CSI: clear screen
    b"\x1b[31;1m",             // CSI: colour
    b"\x1b]52;c;ZXZpbA==\x07", // OSC 52: write the clipboard
    b"\x1b]0;pwned\x1b\\",     // OSC: window title, ST-terminated
    b"\x1bP+q544e\x1b\\",      // DCS
    b"\x1b_hidden\x1b\\",      // APC
    b"\xc2\x9b31m",            // C1 CSI (U+009B)
    b"\xc2\x90",               // C1 DCS
    b"\xe2\x80\xae",           // U+202E right-to-left override
    b"\xe2\x81\xa6",           // U+2066 left-to-right isolate
    b"\x07\x08\x00\x7f\r\t\x0b\x0c",
    b"\xff\xfe\xc3", // invalid UTF-8
    b"{\"level\":\"ERROR\",\"message\":\"\x1b[31mboom\"}",
    b"START RequestId: 1 Version: $LATEST",
    b"plain text, caf\xc3\xa9, \xe2\x9c\x93",
    b"\n",
];

fn hostile(rng: &mut fastrand::Rng, max_parts: usize) -> Vec<u8> {
    let parts = rng.usize(1..=max_parts);
    let mut out = Vec::new();
    for _ in 0..parts {
        if rng.u8(..) < 40 {
            // raw random bytes
            let n = rng.usize(1..16);
            out.extend((0..n).map(|_| rng.u8(..)));
        } else {
            out.extend_from_slice(FRAGMENTS[rng.usize(..FRAGMENTS.len())]);
        }
    }
    out
}

fn assert_clean(s: &str, input: &[u8]) {
    assert!(
        !s.chars().any(is_unsafe),
        "unsafe char survived for input {input:?}: {s:?}"
    );
}

#[test]
fn no_control_or_bidi_character_survives_sanitizing() {
    let mut rng = fastrand::Rng::with_seed(0x01a4_bda5);
    for _ in 0..20_000 {
        let input = hostile(&mut rng, 12);
        let text = String::from_utf8_lossy(&input);
        assert_clean(&sanitize(&text), &input);
        assert_clean(&sanitize_bytes(&input), &input);
        for line in sanitize_lines(&text) {
            assert_clean(&line, &input);
        }
    }
}

#[test]
fn log_parsers_never_panic_and_their_output_sanitizes_clean() {
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..20_000 {
        let input = hostile(&mut rng, 8);
        let text = String::from_utf8_lossy(&input);
        let _ = level::detect(&text);
        if let Some(compact) = json::compact(&text) {
            assert_clean(&sanitize(&compact), &input);
        }
        if let Some(pretty) = json::pretty(&text) {
            for line in sanitize_lines(&pretty) {
                assert_clean(&line, &input);
            }
        }
    }
}

#[test]
fn a_256_kib_hostile_line_is_sanitized_whole() {
    let mut rng = fastrand::Rng::with_seed(42);
    let mut input = Vec::new();
    while input.len() < 256 * 1024 {
        input.extend(hostile(&mut rng, 64));
    }
    let out = sanitize_bytes(&input);
    assert_clean(&out, b"(256 KiB line)");
    assert!(out.len() >= input.len() / 2, "nothing silently dropped");
    let _ = json::compact(&out);
    let _ = level::detect(&out);
}
