//! The reserved concurrency a function had before lambdash stopped it (the kill switch), persisted
//! across restarts so `stop --restore` (and later `K` in the TUI) brings back exactly it: none or N.
//! One entry per account/region/function, in `$XDG_STATE_HOME/lambdash/stopped.json` (0600, written
//! atomically, never through a symlink; the directory 0700), like the alias rollback memory.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::concurrency::Remembered;

/// Every remembered previous value, keyed by `account/region/function`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StoppedStore {
    #[serde(default)]
    pub functions: BTreeMap<String, Remembered>,
}

/// The key of one function.
pub fn key(account: &str, region: &str, function: &str) -> String {
    format!("{account}/{region}/{function}")
}

/// `state_dir()/stopped.json`.
pub fn default_path() -> Option<PathBuf> {
    crate::config::state_dir().map(|d| d.join("stopped.json"))
}

impl StoppedStore {
    /// Reads the store; a missing file is an empty store, a corrupt one an error (never overwritten
    /// silently: the previous values in it may be all anyone knows).
    pub fn load(path: &Path) -> io::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: {e}", path.display()),
                )
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e),
        }
    }

    /// Writes atomically and owner-only (see [`crate::rollback::Store::save`]).
    pub fn save(&self, path: &Path) -> io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let ours = crate::config::state_dir().is_some_and(|s| s == dir);
            crate::private_file::private_dir(dir, ours)?;
        }
        let text = serde_json::to_string_pretty(self).map_err(io::Error::other)?;
        crate::private_file::replace(path, text.as_bytes())
    }

    pub fn get(&self, key: &str) -> Option<&Remembered> {
        self.functions.get(key)
    }

    /// Remembers (replacing a stale entry: the function was running again, so that value is gone).
    pub fn insert(&mut self, key: String, r: Remembered) {
        self.functions.insert(key, r);
    }

    pub fn remove(&mut self, key: &str) -> Option<Remembered> {
        self.functions.remove(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::concurrency::Reserved;

    #[test]
    fn stopped_memory_survives_a_restart_with_none_and_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state").join("stopped.json");
        let mut s = StoppedStore::load(&path).unwrap();
        let now = chrono::Utc::now();
        s.insert(
            key("123", "us-east-1", "a"),
            Remembered {
                at: now,
                previous: Reserved::NONE,
            },
        );
        s.insert(
            key("123", "us-east-1", "b"),
            Remembered {
                at: now,
                previous: Reserved(Some(40)),
            },
        );
        s.save(&path).unwrap();
        let mut again = StoppedStore::load(&path).unwrap();
        assert_eq!(
            again
                .remove(&key("123", "us-east-1", "a"))
                .unwrap()
                .previous,
            Reserved::NONE
        );
        assert_eq!(
            again.get(&key("123", "us-east-1", "b")).unwrap().previous,
            Reserved(Some(40))
        );
        assert!(again.get(&key("123", "eu-west-1", "b")).is_none());
    }

    #[test]
    fn stopped_memory_is_owner_only_and_a_corrupt_file_is_an_error() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state").join("stopped.json");
        StoppedStore::default().save(&path).unwrap();
        StoppedStore::default().save(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
        std::fs::write(&path, "{not json").unwrap();
        assert!(StoppedStore::load(&path).is_err());
    }
}
