//! The level of a log line, from its text or its JSON fields.
//!
//! - JSON lines (Powertools, Lambda's JSON log format, pino, structlog…): the `level`, `levelname`,
//!   `severity` (and a few spellings) field, text or pino's numbers; `errorType` alone (the runtime's
//!   unhandled-error payload) is an error.
//! - Text: the leftmost level word among the first 200 bytes (`ERROR`, `WARN`, `WARNING`, `INFO`,
//!   `DEBUG`, `FATAL`, `CRITICAL`, `TRACE`…, upper case, as whole words: Lambda's `[ERROR]` prefix,
//!   Node's `\tERROR\t`, Java's `ERROR`), .NET's lower-case `fail`/`warn`/`info`/`dbug` fields, and
//!   `Task timed out`, a Python traceback, or a `REPORT` with `Status: timeout|error` as errors.
//! - Platform lines (`START`, `END`, `REPORT`, `INIT_START`) and plain prints: [`Level::Unknown`].

use crate::domain::log::Level;

use super::json;

/// How many bytes of a text line are searched for a level word.
const SCAN_BYTES: usize = 200;

/// The level of a raw message.
pub fn detect(message: &str) -> Level {
    let text = message.trim_start();
    if text.starts_with('{')
        && let Some(obj) = json::parse_object(text)
    {
        return from_json(&obj);
    }
    from_text(text)
}

/// A level name (any case) or a pino/bunyan number.
pub fn parse_name(name: &str) -> Level {
    if let Ok(n) = name.trim().parse::<f64>() {
        return match n {
            n if n >= 50.0 => Level::Error,
            n if n >= 40.0 => Level::Warn,
            n if n >= 30.0 => Level::Info,
            n if n >= 0.0 => Level::Debug,
            _ => Level::Unknown,
        };
    }
    match name.trim().to_ascii_uppercase().as_str() {
        "ERROR" | "ERR" | "FATAL" | "CRITICAL" | "CRIT" | "EMERG" | "EMERGENCY" | "ALERT"
        | "PANIC" | "SEVERE" | "FAIL" => Level::Error,
        "WARN" | "WARNING" => Level::Warn,
        "INFO" | "INFORMATION" | "NOTICE" => Level::Info,
        "DEBUG" | "DBUG" | "TRACE" | "TRCE" | "VERBOSE" | "FINE" | "FINER" | "FINEST" => {
            Level::Debug
        }
        _ => Level::Unknown,
    }
}

fn from_json(obj: &json::Json) -> Level {
    if let Some(name) = json::level_field(obj) {
        let level = parse_name(&name);
        if level != Level::Unknown {
            return level;
        }
    }
    if obj.get("errorType").is_some() || obj.get("errorMessage").is_some() {
        return Level::Error;
    }
    // Lambda's JSON platform events.
    if let Some(record) = obj.get("record")
        && matches!(
            record.get("status").and_then(json::Json::as_str),
            Some("error" | "timeout" | "failure")
        )
    {
        return Level::Error;
    }
    Level::Unknown
}

fn head(text: &str) -> &str {
    if text.len() <= SCAN_BYTES {
        return text;
    }
    let mut end = SCAN_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn from_text(text: &str) -> Level {
    if text.starts_with("REPORT ") {
        return if text.contains("Status: timeout") || text.contains("Status: error") {
            Level::Error
        } else {
            Level::Unknown
        };
    }
    if text.starts_with("START ")
        || text.starts_with("END ")
        || text.starts_with("INIT_START ")
        || text.starts_with("INIT_REPORT ")
        || text.starts_with("EXTENSION\t")
        || text.starts_with("TELEMETRY\t")
    {
        return Level::Unknown;
    }
    let scanned = head(text);
    if scanned.contains("Task timed out after")
        || text.starts_with("Traceback (most recent call last)")
    {
        return Level::Error;
    }
    for word in scanned.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.len() < 3 || !word.bytes().all(|b| b.is_ascii_uppercase()) {
            continue;
        }
        let level = match word {
            "ERROR" | "ERR" | "FATAL" | "CRITICAL" | "CRIT" | "EMERG" | "ALERT" | "PANIC"
            | "SEVERE" => Level::Error,
            "WARN" | "WARNING" => Level::Warn,
            "INFO" | "NOTICE" => Level::Info,
            "DEBUG" | "TRACE" => Level::Debug,
            _ => continue,
        };
        return level;
    }
    // .NET's console format: `timestamp\trequest-id\tfail\tmessage`.
    for field in scanned.split('\t').take(4) {
        match field {
            "fail" | "crit" => return Level::Error,
            "warn" => return Level::Warn,
            "info" => return Level::Info,
            "dbug" | "trce" => return Level::Debug,
            _ => {}
        }
    }
    if text.contains("Task timed out after") {
        return Level::Error;
    }
    Level::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_python_prefixes_are_detected() {
        assert_eq!(
            detect("[ERROR]\t2024-05-01T10:00:00.000Z\tabc\tboom\n"),
            Level::Error
        );
        assert_eq!(
            detect("[WARNING]\t2024-05-01T10:00:00.000Z\tabc\tslow\n"),
            Level::Warn
        );
        assert_eq!(
            detect("[INFO]\t2024-05-01T10:00:00.000Z\tabc\tok\n"),
            Level::Info
        );
        assert_eq!(detect("[DEBUG]\tx\n"), Level::Debug);
        assert_eq!(
            detect("[ERROR] KeyError: 'id'\nTraceback (most recent call last):\n"),
            Level::Error
        );
    }

    #[test]
    fn node_java_dotnet_and_custom_formats_are_detected() {
        assert_eq!(
            detect("2024-05-01T10:00:00.000Z\t0f7c2a2e-1111-4222-8333-444455556666\tWARN\tslow\n"),
            Level::Warn
        );
        assert_eq!(
            detect(
                "2024-05-01 10:00:00 0f7c2a2e-1111-4222-8333-444455556666 ERROR OrdersHandler - boom\n"
            ),
            Level::Error
        );
        assert_eq!(
            detect(
                "2024-05-01T10:00:00.000Z\t0f7c2a2e-1111-4222-8333-444455556666\tfail\tSystem.Exception: x\n"
            ),
            Level::Error
        );
        assert_eq!(
            detect("2024-05-01T10:00:00.000Z\tabc\tinfo\tRendered\n"),
            Level::Info
        );
        assert_eq!(
            detect("2024-05-01T10:00:00.000000Z  INFO my_fn: ok\n"),
            Level::Info
        );
    }

    #[test]
    fn leftmost_level_word_wins() {
        assert_eq!(
            detect("INFO retried after ERROR from upstream"),
            Level::Info
        );
        assert_eq!(detect("LAMBDA_WARNING: Unhandled exception."), Level::Warn);
    }

    #[test]
    fn words_must_be_whole_and_upper_case() {
        assert_eq!(detect("no errors here, information only"), Level::Unknown);
        assert_eq!(detect("ERRORS=0 INFORMATIONAL"), Level::Unknown);
        assert_eq!(detect("Error: lower-case is ambiguous"), Level::Unknown);
    }

    #[test]
    fn timeouts_and_failed_reports_are_errors() {
        assert_eq!(
            detect(
                "2024-05-01T10:00:03.000Z 0f7c2a2e-1111-4222-8333-444455556666 Task timed out after 3.00 seconds\n\n"
            ),
            Level::Error
        );
        assert_eq!(
            detect(
                "REPORT RequestId: abc\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tStatus: timeout\t\n"
            ),
            Level::Error
        );
        assert_eq!(
            detect(
                "REPORT RequestId: abc\tDuration: 3.00 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n"
            ),
            Level::Unknown
        );
    }

    #[test]
    fn platform_lines_have_no_level() {
        assert_eq!(
            detect("START RequestId: abc Version: $LATEST\n"),
            Level::Unknown
        );
        assert_eq!(detect("END RequestId: abc\n"), Level::Unknown);
        assert_eq!(
            detect("INIT_START Runtime Version: python:3.12.v40\tRuntime Version ARN: arn\n"),
            Level::Unknown
        );
    }

    #[test]
    fn json_level_fields_are_detected() {
        assert_eq!(detect(r#"{"level":"ERROR","message":"x"}"#), Level::Error);
        assert_eq!(detect(r#"{"levelname":"WARNING","msg":"x"}"#), Level::Warn);
        assert_eq!(detect(r#"{"severity":"info","message":"x"}"#), Level::Info);
        assert_eq!(detect(r#"{"level":20,"msg":"pino debug"}"#), Level::Debug);
        assert_eq!(detect(r#"{"level":50,"msg":"pino error"}"#), Level::Error);
        assert_eq!(
            detect(r#"{"message":"ERROR in text but no level"}"#),
            Level::Unknown
        );
        assert_eq!(
            detect(
                r#"{"errorMessage":"boom","errorType":"java.lang.RuntimeException","stackTrace":[]}"#
            ),
            Level::Error
        );
        assert_eq!(
            detect(
                r#"{"time":"t","type":"platform.report","record":{"requestId":"r","status":"timeout"}}"#
            ),
            Level::Error
        );
    }

    #[test]
    fn long_multibyte_lines_do_not_panic() {
        let line = "é".repeat(500) + " ERROR";
        assert_eq!(detect(&line), Level::Unknown);
    }
}
