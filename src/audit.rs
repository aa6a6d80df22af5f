//! The append-only audit log of every write lambdash makes (alarm mute/unmute; DLQ redrive and alias
//! changes use it too).
//!
//! One JSON object per line (JSON Lines), appended with `O_APPEND` so concurrent lambdash processes
//! never overwrite each other and nothing already written is ever truncated:
//!
//! ```json
//! {"time":"2025-03-01T12:00:00.000Z","profile":"prod","region":"eu-west-1","action":"alarm.disable_actions","target":"orders-api-errors","detail":{"actions_enabled":{"from":true,"to":false}},"outcome":{"status":"ok"}}
//! ```
//!
//! The file is `$XDG_STATE_HOME/lambdash/audit.jsonl` unless `LAMBDASH_AUDIT_LOG` names another.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Overrides [`default_path`] (tests, or people who keep audit trails elsewhere).
pub const AUDIT_LOG_ENV: &str = "LAMBDASH_AUDIT_LOG";

/// How a write ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Failed { error: String },
}

/// One write lambdash made or tried to make.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    #[serde(with = "millis")]
    pub time: DateTime<Utc>,
    pub profile: String,
    pub region: String,
    /// What was done, `noun.verb`: `alarm.disable_actions`, `alarm.enable_actions`, …
    pub action: String,
    /// What it was done to (an alarm name, a queue URL, a function:alias).
    pub target: String,
    /// What changed, from → to, counts: whatever the action needs to be understood later.
    pub detail: serde_json::Value,
    pub outcome: Outcome,
}

/// The `action` of an alarm mute (DisableAlarmActions).
pub const ALARM_DISABLE_ACTIONS: &str = "alarm.disable_actions";
/// The `action` of an alarm unmute (EnableAlarmActions).
pub const ALARM_ENABLE_ACTIONS: &str = "alarm.enable_actions";

impl AuditEntry {
    /// The entry for muting (`enabled = false`) or unmuting one alarm, as it was before the change.
    /// `endpoint` (an emulator) is recorded when set, so emulator writes are told apart from AWS ones.
    pub fn alarm_actions(
        time: DateTime<Utc>,
        profile: &str,
        region: &str,
        endpoint: Option<&str>,
        alarm: &crate::domain::alarm::Alarm,
        enabled: bool,
        outcome: Outcome,
    ) -> Self {
        let mut detail = serde_json::json!({
            "actions_enabled": {"from": alarm.actions_enabled, "to": enabled},
            "state": alarm.state,
        });
        if let Some(url) = endpoint {
            detail["endpoint"] = serde_json::json!(url);
        }
        Self {
            time,
            profile: profile.to_string(),
            region: region.to_string(),
            action: if enabled {
                ALARM_ENABLE_ACTIONS
            } else {
                ALARM_DISABLE_ACTIONS
            }
            .to_string(),
            target: alarm.name.clone(),
            detail,
            outcome,
        }
    }
}

/// RFC 3339 in UTC with milliseconds, the same shape as every other time lambdash prints.
mod millis {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

/// Where the audit log goes: `LAMBDASH_AUDIT_LOG` when set and not empty, else
/// `state_dir()/audit.jsonl`; `None` when there is no home directory to put it in.
pub fn default_path() -> Option<PathBuf> {
    choose_path(std::env::var_os(AUDIT_LOG_ENV), crate::config::state_dir())
}

fn choose_path(env: Option<OsString>, state_dir: Option<PathBuf>) -> Option<PathBuf> {
    env.filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| state_dir.map(|d| d.join("audit.jsonl")))
}

/// An audit log opened for appending. Open it before making a change, so a write that could not be
/// recorded is never made.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: File,
}

impl AuditLog {
    /// Opens (creating it and its directories if needed) the log at `path` for appending. A new file is
    /// readable by its owner only.
    pub fn open(path: &Path) -> io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // lambdash's own state directory is made 0700 even when it exists; a directory named by
            // LAMBDASH_AUDIT_LOG is only created private, not changed.
            let ours = crate::config::state_dir().is_some_and(|s| s == dir);
            crate::private_file::private_dir(dir, ours)?;
        }
        // Owner-only, and never through a symlink planted under the name.
        let file = crate::private_file::open_append(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry as one line, written with a single `write` so that lines from concurrent
    /// processes do not interleave.
    pub fn append(&mut self, entry: &AuditEntry) -> io::Result<()> {
        let mut line = serde_json::to_string(entry).map_err(io::Error::other)?;
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.flush()
    }
}

/// Appends one entry to the log at `path` (see [`AuditLog::append`]).
pub fn append(path: &Path, entry: &AuditEntry) -> io::Result<()> {
    AuditLog::open(path)?.append(entry)
}

/// Reads every entry of a log; a line that is not an entry is an `InvalidData` error naming the line.
pub fn read(path: &Path) -> io::Result<Vec<AuditEntry>> {
    let reader = BufReader::new(File::open(path)?);
    let mut entries = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let entry = serde_json::from_str(&line).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}:{}: {e}", path.display(), i + 1),
            )
        })?;
        entries.push(entry);
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    fn entry(target: &str, outcome: Outcome) -> AuditEntry {
        AuditEntry {
            time: Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap(),
            profile: "prod".to_string(),
            region: "eu-west-1".to_string(),
            action: "alarm.disable_actions".to_string(),
            target: target.to_string(),
            detail: json!({"actions_enabled": {"from": true, "to": false}}),
            outcome,
        }
    }

    #[test]
    fn append_writes_one_json_object_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        append(&path, &entry("a", Outcome::Ok)).unwrap();
        append(
            &path,
            &entry(
                "b\nwith newline",
                Outcome::Failed {
                    error: "AccessDenied".to_string(),
                },
            ),
        )
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(text.ends_with('\n'));
        let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(first["time"], "2025-03-01T12:00:00.000Z");
        assert_eq!(first["profile"], "prod");
        assert_eq!(first["region"], "eu-west-1");
        assert_eq!(first["action"], "alarm.disable_actions");
        assert_eq!(first["target"], "a");
        assert_eq!(first["detail"]["actions_enabled"]["to"], false);
        assert_eq!(first["outcome"], json!({"status": "ok"}));
        let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(second["target"], "b\nwith newline");
        assert_eq!(
            second["outcome"],
            json!({"status": "failed", "error": "AccessDenied"})
        );
    }

    #[test]
    fn append_never_truncates_what_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        std::fs::write(&path, "{\"earlier\":\"line\"}\n").unwrap();
        append(&path, &entry("a", Outcome::Ok)).unwrap();
        let mut log = AuditLog::open(&path).unwrap();
        log.append(&entry("b", Outcome::Ok)).unwrap();
        log.append(&entry("c", Outcome::Ok)).unwrap();
        drop(log);
        append(&path, &entry("d", Outcome::Ok)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "{\"earlier\":\"line\"}");
        let targets: Vec<String> = lines[1..]
            .iter()
            .map(|l| serde_json::from_str::<AuditEntry>(l).unwrap().target)
            .collect();
        assert_eq!(targets, ["a", "b", "c", "d"]);
    }

    #[test]
    fn append_creates_missing_directories() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir
            .path()
            .join("state")
            .join("lambdash")
            .join("audit.jsonl");
        append(&path, &entry("a", Outcome::Ok)).unwrap();
        assert_eq!(read(&path).unwrap(), vec![entry("a", Outcome::Ok)]);
    }

    #[cfg(unix)]
    #[test]
    fn new_log_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        append(&path, &entry("a", Outcome::Ok)).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "mode {mode:o}");
    }

    #[test]
    fn read_round_trips_and_names_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let failed = entry(
            "x",
            Outcome::Failed {
                error: "boom".to_string(),
            },
        );
        append(&path, &failed).unwrap();
        assert_eq!(read(&path).unwrap(), vec![failed]);
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"not json\n")
            .unwrap();
        let err = read(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains(":2:"), "{err}");
    }

    #[test]
    fn alarm_mute_entry_says_from_and_to() {
        use crate::domain::alarm::{Alarm, AlarmState};
        let time = Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap();
        let alarm = Alarm::new("orders-api-errors", AlarmState::Alarm);
        let e =
            AuditEntry::alarm_actions(time, "prod", "eu-west-1", None, &alarm, false, Outcome::Ok);
        assert_eq!(e.action, ALARM_DISABLE_ACTIONS);
        assert_eq!(e.target, "orders-api-errors");
        assert_eq!(
            e.detail,
            json!({"actions_enabled": {"from": true, "to": false}, "state": "ALARM"})
        );
        let e = AuditEntry::alarm_actions(
            time,
            "prod",
            "eu-west-1",
            Some("http://127.0.0.1:5000"),
            &alarm,
            true,
            Outcome::Ok,
        );
        assert_eq!(e.action, ALARM_ENABLE_ACTIONS);
        assert_eq!(e.detail["endpoint"], "http://127.0.0.1:5000");
    }

    #[test]
    fn env_overrides_the_state_dir_unless_empty() {
        let state = Some(PathBuf::from("/state/lambdash"));
        assert_eq!(
            choose_path(None, state.clone()),
            Some(PathBuf::from("/state/lambdash/audit.jsonl"))
        );
        assert_eq!(
            choose_path(Some("/tmp/a.jsonl".into()), state.clone()),
            Some(PathBuf::from("/tmp/a.jsonl"))
        );
        assert_eq!(
            choose_path(Some(OsString::new()), state),
            Some(PathBuf::from("/state/lambdash/audit.jsonl"))
        );
        assert_eq!(choose_path(None, None), None);
    }

    #[test]
    fn open_fails_when_the_path_is_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        assert!(AuditLog::open(dir.path()).is_err());
    }
}
