//! The function list on disk, so a restart shows every function at once and refreshes it behind:
//! `$XDG_CACHE_HOME/lambdash/functions-<profile>-<region>[-<endpoint hash>].json`.
//!
//! Written like the DLQ topology cache ([`crate::topology_cache`]): private directory and file,
//! temporary file + rename. The functions poller sends the cached list before its first run
//! (`FunctionsMsg::Cached`); the listing that follows updates every row in place and, when it ends,
//! drops the functions deleted since.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::Function;
use crate::topology_cache::{file_safe, fnv1a, save_json};

/// Bumped when the file's shape changes: older files are ignored.
const FORMAT: u32 = 1;
/// A cache file larger than this is not read (10,000 functions are a few MB).
const MAX_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Cached {
    format: u32,
    scope: String,
    saved_at: DateTime<Utc>,
    functions: Vec<Function>,
}

/// Where one connection's list is kept, and whose it is.
#[derive(Clone, Debug)]
pub struct FunctionsCache {
    path: PathBuf,
    scope: String,
}

impl FunctionsCache {
    /// The cache of `profile` in `region` (and `endpoint`, when one is set) inside `dir`.
    pub fn in_dir(dir: &Path, profile: &str, region: &str, endpoint: Option<&str>) -> Self {
        let hash = endpoint
            .map(|e| format!("-{:016x}", fnv1a(e.as_bytes())))
            .unwrap_or_default();
        Self {
            path: dir.join(format!(
                "functions-{}-{}{hash}.json",
                file_safe(profile),
                file_safe(region)
            )),
            scope: format!("{profile}/{region}/{}", endpoint.unwrap_or("")),
        }
    }

    /// The cache in the user's cache directory (`None` without a home).
    pub fn default_for(profile: &str, region: &str, endpoint: Option<&str>) -> Option<Self> {
        crate::topology_cache::default_dir().map(|d| Self::in_dir(&d, profile, region, endpoint))
    }

    /// The cached list and when it was written, or `None` (no file, or one that is not usable: a
    /// log line says why).
    pub fn load(&self) -> Option<(Vec<Function>, DateTime<Utc>)> {
        let meta = std::fs::symlink_metadata(&self.path).ok()?;
        if !meta.file_type().is_file() || meta.len() > MAX_BYTES {
            tracing::warn!(path = %self.path.display(), "function list cache is not a regular file or too large: ignored");
            return None;
        }
        let text = std::fs::read_to_string(&self.path).ok()?;
        match serde_json::from_str::<Cached>(&text) {
            Ok(c) if c.format == FORMAT && c.scope == self.scope => Some((c.functions, c.saved_at)),
            Ok(_) => {
                tracing::info!(path = %self.path.display(), "function list cache of another format or scope: ignored");
                None
            }
            Err(e) => {
                tracing::warn!(path = %self.path.display(), error = %e, "function list cache corrupt: ignored");
                None
            }
        }
    }

    /// Keeps `functions` as the list of this scope (private file, temporary file + rename).
    pub fn save(&self, functions: Vec<Function>, now: DateTime<Utc>) -> std::io::Result<()> {
        save_json(
            &self.path,
            &Cached {
                format: FORMAT,
                scope: self.scope.clone(),
                saved_at: now,
                functions,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn function(name: &str) -> Function {
        Function {
            name: name.into(),
            arn: format!("arn:aws:lambda:eu-west-1:123456789012:function:{name}"),
            runtime: Some("python3.12".into()),
            architecture: "x86_64".into(),
            memory_mb: 128,
            timeout_s: 3,
            last_modified: None,
            state: None,
            code_size_bytes: 0,
            package_type: "Zip".into(),
            log_group: None,
            dead_letter_target: None,
        }
    }

    #[test]
    fn the_list_round_trips_privately_and_only_for_its_own_scope() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("lambdash");
        let cache = FunctionsCache::in_dir(&dir, "prod", "eu-west-1", None);
        assert_eq!(cache.load(), None, "nothing cached yet");
        let list = vec![function("a"), function("b")];
        let now = Utc::now();
        cache.save(list.clone(), now).unwrap();
        assert_eq!(cache.load(), Some((list, now)));
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&cache.path), 0o600);
        let other = FunctionsCache::in_dir(&dir, "prod", "eu-west-1", Some("http://127.0.0.1:1"));
        assert_eq!(other.load(), None, "another endpoint is another account");
        std::fs::write(&cache.path, "{not json").unwrap();
        assert_eq!(cache.load(), None, "corrupt: ignored");
    }
}
