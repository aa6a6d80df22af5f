//! The DLQ topology on disk, so a restart does not rescan the account:
//! `$XDG_CACHE_HOME/lambdash/topology-<account or profile>-<region>[-<endpoint hash>].json`.
//!
//! The directory is made private (0700), the file is written private (0600) through a new temporary
//! file (`create_new`: never through a symlink planted at its name) renamed over the old one, so a
//! crash never leaves half a file. A missing file is a first start; a corrupt file, a file of another
//! format or of another scope (account, region, endpoint), or a symlink is ignored with a log line and
//! the topology is scanned again.

use std::io::{self, Write as _};
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use crate::domain::dlq::topology::{TOPOLOGY_FORMAT, Topology};

/// A cache file larger than this is not read (a topology of 10,000 functions is a few MB).
const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// `cache_dir()/lambdash` (`~/.cache/lambdash` unless `XDG_CACHE_HOME` says otherwise).
pub fn default_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("lambdash"))
}

/// Whose topology a file holds: the account (or the profile while the account is not known), the
/// region, and the endpoint when one is set (two emulators are two accounts).
pub fn scope(account_or_profile: &str, region: &str, endpoint: Option<&str>) -> String {
    match endpoint {
        Some(e) => format!("{account_or_profile}/{region}/{e}"),
        None => format!("{account_or_profile}/{region}"),
    }
}

/// The cache file of a scope inside `dir`.
pub fn path_in(
    dir: &Path,
    account_or_profile: &str,
    region: &str,
    endpoint: Option<&str>,
) -> PathBuf {
    let endpoint = endpoint
        .map(|e| format!("-{:016x}", fnv1a(e.as_bytes())))
        .unwrap_or_default();
    dir.join(format!(
        "topology-{}-{}{endpoint}.json",
        file_safe(account_or_profile),
        file_safe(region)
    ))
}

/// Letters, digits, `.`, `_` and `-` kept; anything else (a `/` in a profile name) becomes `_`.
pub(crate) fn file_safe(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    cleaned.trim_start_matches('.').to_string()
}

/// FNV-1a, 64 bits: a short name for an endpoint URL that stays the same across Rust releases.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Reads the topology of `scope` from `path`. `None` when there is none, or when the file is not
/// usable (then a log line says why and the caller scans again).
pub fn load(path: &Path, scope: &str) -> Option<Topology> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "topology cache unreadable: rescanning");
            return None;
        }
    };
    if !meta.file_type().is_file() {
        tracing::warn!(path = %path.display(), "topology cache is not a regular file (a symlink?): ignored, rescanning");
        return None;
    }
    if meta.len() > MAX_BYTES {
        tracing::warn!(path = %path.display(), bytes = meta.len(), "topology cache too large: ignored, rescanning");
        return None;
    }
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "topology cache unreadable: rescanning");
            return None;
        }
    };
    match serde_json::from_str::<Topology>(&text) {
        Ok(t) if t.format != TOPOLOGY_FORMAT => {
            tracing::info!(path = %path.display(), format = t.format, "topology cache of another format: rescanning");
            None
        }
        Ok(t) if t.scope != scope => {
            tracing::warn!(path = %path.display(), found = %t.scope, expected = %scope, "topology cache of another scope: ignored, rescanning");
            None
        }
        Ok(t) => Some(t),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "topology cache corrupt: ignored, rescanning");
            None
        }
    }
}

/// Writes the topology: private directory, private file, temporary file + rename.
pub fn save(path: &Path, topology: &Topology) -> io::Result<()> {
    save_json(path, topology)
}

/// Writes `value` as JSON at `path`: private directory (0700), private file (0600), through a new
/// temporary file (never a planted symlink) renamed over the old one.
pub(crate) fn save_json<T: serde::Serialize>(path: &Path, value: &T) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("the cache path has no directory"))?;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.file_type().is_dir() {
        return Err(io::Error::other(format!(
            "{} is not a directory (a symlink?): not writing the topology cache there",
            dir.display()
        )));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let text = serde_json::to_vec(value).map_err(io::Error::other)?;
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| io::Error::other("the cache path has no file name"))?;
    let tmp = dir.join(format!(
        ".{file_name}.{}.{:08x}.tmp",
        std::process::id(),
        fastrand::u32(..)
    ));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(&text)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::collections::BTreeMap;

    fn topology(scope: &str) -> Topology {
        Topology {
            format: TOPOLOGY_FORMAT,
            scope: scope.to_string(),
            scanned_at: chrono::Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap(),
            functions: BTreeMap::new(),
            redrive: BTreeMap::new(),
            errors: Vec::new(),
        }
    }

    #[test]
    fn cache_round_trips_in_a_private_file_and_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("lambdash");
        let path = path_in(&dir, "123456789012", "eu-west-1", None);
        assert!(path.ends_with("topology-123456789012-eu-west-1.json"));
        let t = topology("123456789012/eu-west-1");
        save(&path, &t).unwrap();
        save(&path, &t).unwrap();
        assert_eq!(load(&path, "123456789012/eu-west-1"), Some(t));
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&path), 0o600);
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn corrupt_foreign_or_other_format_caches_are_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("topology.json");
        assert_eq!(load(&path, "a/r"), None, "missing");
        std::fs::write(&path, "{not json").unwrap();
        assert_eq!(load(&path, "a/r"), None, "corrupt");
        save(&path, &topology("other/r")).unwrap();
        assert_eq!(load(&path, "a/r"), None, "another account");
        let mut old = topology("a/r");
        old.format = TOPOLOGY_FORMAT + 1;
        save(&path, &old).unwrap();
        assert_eq!(load(&path, "a/r"), None, "another format");
    }

    #[test]
    fn a_symlink_is_neither_read_nor_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("elsewhere.json");
        std::fs::write(&target, "precious").unwrap();
        let path = tmp.path().join("topology.json");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        assert_eq!(load(&path, "a/r"), None);
        save(&path, &topology("a/r")).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
        assert!(
            std::fs::symlink_metadata(&path)
                .unwrap()
                .file_type()
                .is_file()
        );
    }

    #[test]
    fn each_endpoint_and_odd_profile_gets_its_own_file_name() {
        let dir = Path::new("/c");
        let a = path_in(
            dir,
            "123456789012",
            "eu-west-1",
            Some("http://127.0.0.1:5000"),
        );
        let b = path_in(
            dir,
            "123456789012",
            "eu-west-1",
            Some("http://127.0.0.1:5001"),
        );
        assert_ne!(a, b);
        let odd = path_in(dir, "../team/prod", "eu-west-1", None);
        assert_eq!(odd, Path::new("/c/topology-_team_prod-eu-west-1.json"));
    }
}
