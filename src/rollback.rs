//! The alias states lambdash replaced, persisted across restarts so `R` (TUI) and `lambdash alias
//! rollback` restore the state before lambdash's last change. One stack per account/region/function/alias;
//! a rollback pops the entry it restored (pressing `R` again goes one more change back).

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::alias::AliasState;

/// One change lambdash made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub before: AliasState,
    pub after: AliasState,
}

/// All remembered changes, keyed by `account/region/function/alias`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Store {
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<Entry>>,
}

/// The key of one alias.
pub fn key(account: &str, region: &str, function: &str, alias: &str) -> String {
    format!("{account}/{region}/{function}/{alias}")
}

/// `state_dir()/rollback.json`.
pub fn default_path() -> Option<PathBuf> {
    crate::config::state_dir().map(|d| d.join("rollback.json"))
}

impl Store {
    /// Reads the store; a missing file is an empty store, a corrupt one an error (see
    /// [`crate::private_file::load_state`]).
    pub fn load(path: &Path) -> io::Result<Store> {
        crate::private_file::load_state(path)
    }

    /// Writes atomically and owner-only (see [`crate::private_file::save_state`]).
    pub fn save(&self, path: &Path) -> io::Result<()> {
        crate::private_file::save_state(path, self)
    }

    pub fn record(&mut self, key: String, entry: Entry) {
        self.aliases.entry(key).or_default().push(entry);
    }

    pub fn last(&self, key: &str) -> Option<&Entry> {
        self.aliases.get(key).and_then(|v| v.last())
    }

    pub fn pop(&mut self, key: &str) -> Option<Entry> {
        let stack = self.aliases.get_mut(key)?;
        let e = stack.pop();
        if stack.is_empty() {
            self.aliases.remove(key);
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollback_store_survives_a_restart_and_pops_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state").join("rollback.json");
        let k = key("123", "us-east-1", "f", "live");
        let mut s = Store::load(&path).unwrap();
        s.record(
            k.clone(),
            Entry {
                at: Utc::now(),
                before: AliasState::plain("1"),
                after: AliasState::plain("2"),
            },
        );
        s.record(
            k.clone(),
            Entry {
                at: Utc::now(),
                before: AliasState::plain("2"),
                after: AliasState::plain("3"),
            },
        );
        s.save(&path).unwrap();
        let mut again = Store::load(&path).unwrap();
        assert_eq!(again.pop(&k).unwrap().before, AliasState::plain("2"));
        assert_eq!(again.pop(&k).unwrap().before, AliasState::plain("1"));
        assert!(again.pop(&k).is_none());
    }

    #[test]
    fn rollback_store_is_owner_only_in_an_owner_only_directory() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state").join("rollback.json");
        Store::default().save(&path).unwrap();
        Store::default().save(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temp file left behind");
    }

    #[test]
    fn corrupt_store_is_an_error_not_a_silent_reset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rollback.json");
        std::fs::write(&path, "{not json").unwrap();
        assert!(Store::load(&path).is_err());
    }
}
