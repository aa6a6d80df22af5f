//! Answers the SDK could not read, repaired before it parses them: one malformed item (an alarm whose
//! description holds a raw ESC, a log event that is not UTF-8) must not fail a whole pane.
//!
//! - XML (the query protocol: CloudWatch, SQS's old protocol): XML 1.0 forbids the C0 controls but tab,
//!   newline and carriage return, U+FFFE / U+FFFF and unpaired surrogates — raw or as character
//!   references (`&#27;`). Each is replaced by U+FFFD.
//! - JSON: raw C0 controls other than tab, newline and carriage return are invalid anywhere in JSON
//!   text; each is replaced by U+FFFD.
//! - Either: bytes that are not UTF-8 become U+FFFD.
//!
//! The connector counts the repaired answers per operation ([`super::Scheduler::repaired`]) so the UI
//! can say that some text is shown with � in place of what the endpoint sent.

/// The body's protocol, from its content type (or its first byte when there is none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    Xml,
    Json,
}

impl BodyKind {
    pub fn of(content_type: Option<&str>, body: &[u8]) -> Option<BodyKind> {
        if let Some(ct) = content_type {
            let ct = ct.to_ascii_lowercase();
            if ct.contains("xml") {
                return Some(BodyKind::Xml);
            }
            if ct.contains("json") {
                return Some(BodyKind::Json);
            }
            if ct.contains("cbor") || ct.contains("eventstream") || ct.contains("octet") {
                return None;
            }
        }
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'<') => Some(BodyKind::Xml),
            Some(b'{' | b'[') => Some(BodyKind::Json),
            _ => None,
        }
    }
}

const REPLACEMENT: char = '\u{FFFD}';

/// A control character neither XML 1.0 nor JSON allow raw.
fn forbidden_control(c: char) -> bool {
    (c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// A code point XML 1.0 forbids even as a character reference.
fn forbidden_in_xml(n: u32) -> bool {
    match char::from_u32(n) {
        None => true, // surrogates, beyond U+10FFFF
        Some(c) => forbidden_control(c),
    }
}

/// `&#27;` / `&#x1B;` at the start of `s` naming a forbidden code point: the reference's length.
fn forbidden_reference(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("&#")?;
    let end = rest.find(';')?;
    let digits = &rest[..end];
    let value = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => digits.parse::<u32>().ok(),
    };
    // An unreadable number (`&#99999999999;`) is as fatal to the parser as a forbidden one.
    (value.is_none_or(forbidden_in_xml) && !digits.is_empty() && end <= 12).then_some(end + 3)
}

/// The repaired body and how many characters were replaced; `None` when nothing needed it.
pub fn repair(kind: BodyKind, body: &[u8]) -> Option<(Vec<u8>, usize)> {
    let text = String::from_utf8_lossy(body);
    let mut replaced = match &text {
        std::borrow::Cow::Borrowed(_) => 0,
        std::borrow::Cow::Owned(s) => {
            // Every U+FFFD the lossy decoding added (those the body already had were valid).
            let had = body.windows(3).filter(|w| w == b"\xEF\xBF\xBD").count();
            s.matches(REPLACEMENT).count().saturating_sub(had)
        }
    };
    let needs_chars =
        text.chars().any(forbidden_control) || (kind == BodyKind::Xml && text.contains("&#"));
    if !needs_chars {
        return (replaced > 0).then(|| (text.into_owned().into_bytes(), replaced));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(c) = rest.chars().next() {
        if kind == BodyKind::Xml
            && c == '&'
            && let Some(len) = forbidden_reference(rest)
        {
            out.push(REPLACEMENT);
            replaced += 1;
            rest = &rest[len..];
            continue;
        }
        if forbidden_control(c) {
            out.push(REPLACEMENT);
            replaced += 1;
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    (replaced > 0).then(|| (out.into_bytes(), replaced))
}

/// What the UI says about them: "1 answer from DescribeAlarms carried characters it could not encode;
/// shown as �".
pub fn describe(operation: &str, answers: u64) -> String {
    if answers == 1 {
        format!(
            "1 answer from {operation} carried characters it could not encode; shown as \u{FFFD}"
        )
    } else {
        format!(
            "{answers} answers from {operation} carried characters they could not encode; shown as \u{FFFD}"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(kind: BodyKind, body: &[u8]) -> Option<(String, usize)> {
        repair(kind, body).map(|(b, n)| (String::from_utf8(b).unwrap(), n))
    }

    #[test]
    fn a_raw_escape_in_an_xml_answer_becomes_a_replacement_character() {
        let body = b"<AlarmDescription>evil \x1b[31m red</AlarmDescription>";
        assert_eq!(
            fixed(BodyKind::Xml, body),
            Some((
                "<AlarmDescription>evil \u{FFFD}[31m red</AlarmDescription>".into(),
                1
            ))
        );
    }

    #[test]
    fn forbidden_character_references_are_replaced_and_allowed_ones_kept() {
        let body = b"<a>x&#27;y&#x1b;z&#10;&#233;&amp;&#xFFFE;</a>";
        assert_eq!(
            fixed(BodyKind::Xml, body),
            Some((
                "<a>x\u{FFFD}y\u{FFFD}z&#10;&#233;&amp;\u{FFFD}</a>".into(),
                3
            ))
        );
    }

    #[test]
    fn tabs_newlines_and_valid_text_are_left_alone() {
        assert_eq!(fixed(BodyKind::Xml, b"<a>\tok\r\n\xc3\xa9</a>"), None);
        assert_eq!(fixed(BodyKind::Json, b"{\"m\":\"ok \\u001b\"}\n"), None);
    }

    #[test]
    fn json_with_invalid_utf8_or_raw_controls_is_repaired() {
        assert_eq!(
            fixed(BodyKind::Json, b"{\"m\":\"a\xff\x01b\"}"),
            Some(("{\"m\":\"a\u{FFFD}\u{FFFD}b\"}".into(), 2))
        );
    }

    #[test]
    fn the_protocol_comes_from_the_content_type_or_the_first_byte() {
        assert_eq!(BodyKind::of(Some("text/xml"), b""), Some(BodyKind::Xml));
        assert_eq!(
            BodyKind::of(Some("application/x-amz-json-1.1"), b""),
            Some(BodyKind::Json)
        );
        assert_eq!(BodyKind::of(Some("application/cbor"), b"<"), None);
        assert_eq!(BodyKind::of(None, b"  <?xml"), Some(BodyKind::Xml));
        assert_eq!(BodyKind::of(None, b"{}"), Some(BodyKind::Json));
        assert_eq!(BodyKind::of(None, b"\x00\x01"), None);
    }
}
