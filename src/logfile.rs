//! lambdash's own log file: owner-only, size-capped, and without request/response bodies or
//! credentials unless they are asked for by name.
//!
//! `tracing-appender` rolls by time only, so a `trace` session could fill a disk; [`RotatingFile`] is
//! a small size-capped writer instead (when the file passes [`MAX_BYTES`] it becomes `.1`, the old
//! `.1` becomes `.2`, and the oldest is dropped). Written here rather than taken from a crate
//! (`file-rotate`, `rolling-file`) because the files must be opened owner-only and never through a
//! symlink ([`crate::private_file::open_append`]), which those crates do not offer.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The size at which the log is rotated.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// How many rotated files are kept (`lambdash.log.1`, `lambdash.log.2`).
pub const KEEP: usize = 2;

/// An append-only file that rotates itself when it passes `max_bytes`.
#[derive(Debug)]
pub struct RotatingFile {
    path: PathBuf,
    file: File,
    written: u64,
    max_bytes: u64,
    keep: usize,
}

fn numbered(path: &Path, n: usize) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(format!(".{n}"));
    PathBuf::from(s)
}

impl RotatingFile {
    /// Opens (owner-only, never through a symlink) `path` for appending.
    pub fn open(path: &Path, max_bytes: u64, keep: usize) -> io::Result<Self> {
        let file = crate::private_file::open_append(path)?;
        let written = file.metadata()?.len();
        Ok(Self {
            path: path.to_path_buf(),
            file,
            written,
            max_bytes,
            keep,
        })
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        for n in (1..self.keep).rev() {
            let from = numbered(&self.path, n);
            if from.exists() {
                std::fs::rename(&from, numbered(&self.path, n + 1))?;
            }
        }
        if self.keep == 0 {
            std::fs::remove_file(&self.path)?;
        } else {
            std::fs::rename(&self.path, numbered(&self.path, 1))?;
        }
        self.file = crate::private_file::open_append(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written > 0 && self.written + buf.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Targets whose `debug`/`trace` events carry request or response bodies (SQS message bodies,
/// receipt handles), signed headers or credential details: the SDK orchestrator's wire logging
/// (`aws_smithy_runtime` "transmitting request" / "received response"), SigV4's canonical request,
/// credential providers, and the HTTP stack underneath.
pub const SENSITIVE_TARGETS: &[&str] = &[
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http",
    "aws_smithy_http_client",
    "aws_smithy_eventstream",
    "aws_sigv4",
    "aws_runtime",
    "aws_config",
    "aws_credential_types",
    "hyper",
    "hyper_util",
    "h2",
    "rustls",
];

/// The target a directive names (`aws_sigv4=trace`, `hyper_util::client[span]=debug`), if any.
fn directive_target(directive: &str) -> Option<&str> {
    let target = directive.split(['=', '[']).next()?.trim();
    let is_level = matches!(
        target.to_ascii_lowercase().as_str(),
        "" | "trace" | "debug" | "info" | "warn" | "error" | "off"
    );
    (!is_level && !directive.trim_start().starts_with('[')).then_some(target)
}

/// The filter directives for `LAMBDASH_LOG` (`info` when unset): each of [`SENSITIVE_TARGETS`] is held
/// at `info` unless the spec names it (or one of its modules) itself, so `LAMBDASH_LOG=trace` never
/// writes message bodies or credentials, and `LAMBDASH_LOG=trace,aws_smithy_runtime=trace` does.
pub fn filter_directives(spec: Option<&str>) -> String {
    let spec = spec
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("info");
    let named: Vec<&str> = spec.split(',').filter_map(directive_target).collect();
    let mut out = spec.to_string();
    for target in SENSITIVE_TARGETS {
        let asked = named
            .iter()
            .any(|n| n == target || n.starts_with(&format!("{target}::")));
        if !asked {
            out.push(',');
            out.push_str(target);
            out.push_str("=info");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn trace_everywhere_still_keeps_bodies_and_credentials_out() {
        let d = filter_directives(Some("trace"));
        assert!(d.starts_with("trace,"), "{d}");
        for t in SENSITIVE_TARGETS {
            assert!(
                d.contains(&format!(",{t}=info")),
                "{t} not held at info: {d}"
            );
        }
        let filter = tracing_subscriber::EnvFilter::try_new(&d).unwrap();
        assert_eq!(
            filter.max_level_hint(),
            Some(tracing::level_filters::LevelFilter::TRACE)
        );
    }

    #[test]
    fn a_target_named_explicitly_is_logged_as_asked() {
        let d = filter_directives(Some("debug,aws_smithy_runtime::client::orchestrator=trace"));
        assert!(!d.contains(",aws_smithy_runtime=info"), "{d}");
        assert!(d.contains(",aws_smithy_runtime_api=info"), "{d}");
        assert!(d.contains(",aws_sigv4=info"), "{d}");
        let d = filter_directives(Some("aws_sigv4=trace"));
        assert!(!d.contains("aws_sigv4=info"), "{d}");
        assert!(tracing_subscriber::EnvFilter::try_new(&d).is_ok());
    }

    #[test]
    fn unset_or_empty_is_info_with_the_caps() {
        for spec in [None, Some(""), Some("  ")] {
            let d = filter_directives(spec);
            assert!(d.starts_with("info,aws_smithy_runtime=info"), "{d}");
        }
        assert_eq!(directive_target("[span]=debug"), None);
        assert_eq!(directive_target("TRACE"), None);
        assert_eq!(directive_target("hyper_util[x]=debug"), Some("hyper_util"));
    }

    #[test]
    fn the_log_rotates_at_its_cap_and_keeps_two_old_files_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lambdash.log");
        let mut f = RotatingFile::open(&path, 100, 2).unwrap();
        for i in 0..10 {
            f.write_all(format!("{i}{}\n", "x".repeat(48)).as_bytes())
                .unwrap();
        }
        f.flush().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["lambdash.log", "lambdash.log.1", "lambdash.log.2"]);
        for n in &names {
            let meta = std::fs::metadata(dir.path().join(n)).unwrap();
            assert!(meta.len() <= 100, "{n} is {} bytes", meta.len());
            assert_eq!(meta.mode() & 0o777, 0o600, "{n}");
        }
        let newest = std::fs::read_to_string(&path).unwrap();
        assert!(
            newest.starts_with('8') && newest.contains("\n9"),
            "{newest}"
        );
    }
}
