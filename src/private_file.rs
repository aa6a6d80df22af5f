//! Files lambdash writes or trusts, handled as a careful Unix program does.
//!
//! - What lambdash writes may hold message bodies, log lines and PII: files are created owner-only
//!   (0600) in owner-only directories (0700), exclusively (a temp file with a random name, then a
//!   rename that never replaces an existing name), so a symlink planted under the name is never
//!   followed and nothing is overwritten ([`save_new`], [`replace`], [`open_append`]).
//! - What lambdash reads as configuration (config and theme files) decides `read_only`: a file, or its
//!   directory, that another user could change is refused ([`check_trusted`]).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Owner read/write only.
pub const FILE_MODE: u32 = 0o600;
/// Owner only.
pub const DIR_MODE: u32 = 0o700;

fn euid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// Creates `dir` (and missing parents) owner-only. An existing directory is left as it is unless
/// `tighten`: then, when it is ours and open to group or others, it is made 0700.
pub fn private_dir(dir: &Path, tighten: bool) -> io::Result<()> {
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)?;
    if tighten {
        let meta = std::fs::symlink_metadata(dir)?;
        if meta.is_dir() && meta.uid() == euid() && meta.mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(DIR_MODE))?;
        }
    }
    Ok(())
}

/// `name` with anything but letters, digits, `.`, `_`, `+` and `-` replaced by `_` (no `/`, no
/// leading dot: the name stays in its directory and visible).
pub fn safe_file_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with('.') || out.is_empty() {
        out.insert(0, '_');
    }
    out
}

fn temp_in(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".lambdash-")
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(FILE_MODE))
        .tempfile_in(dir)
}

/// Writes `contents` to a new file named `name` (made safe) in `dir`, owner-only. Never follows a
/// symlink and never replaces anything: when the name is taken (a file, a directory, a planted
/// symlink), `-1`, `-2`, … is added before the extension. Returns the path written.
pub fn save_new(dir: &Path, name: &str, contents: &[u8]) -> io::Result<PathBuf> {
    let name = safe_file_name(name);
    let mut tmp = temp_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name.as_str(), ""),
    };
    for n in 0..100 {
        let candidate = if n == 0 {
            dir.join(&name)
        } else {
            dir.join(format!("{stem}-{n}{ext}"))
        };
        match tmp.persist_noclobber(&candidate) {
            Ok(_) => return Ok(candidate),
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => return Err(e.error),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "{}: 100 files by that name already exist",
            dir.join(&name).display()
        ),
    ))
}

/// [`save_new`] for the app's `s` / `x`: `path` is a bare name (in the current directory) or a path;
/// answers the absolute path written, or a message naming the file and what went wrong.
pub fn save_here(path: &str, contents: &[u8]) -> Result<String, String> {
    let p = Path::new(path);
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.ok_or_else(|| format!("{path}: not a file name"))?;
    let written = save_new(dir, &name, contents).map_err(|e| format!("{path}: {e}"))?;
    Ok(std::fs::canonicalize(&written)
        .unwrap_or(written)
        .display()
        .to_string())
}

/// Replaces `path` atomically with `contents`, owner-only: a temp file with a random name in the same
/// directory (created exclusively), then a rename over `path` (a symlink at `path` is replaced, never
/// followed). The directory is created owner-only when missing.
pub fn replace(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    private_dir(dir, false)?;
    let mut tmp = temp_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A state file of lambdash's (`rollback.json`, `stopped.json`): a missing file is the empty value,
/// a corrupt one an error (never overwritten silently: what is in it may be all anyone knows).
pub fn load_state<T: serde::de::DeserializeOwned + Default>(path: &Path) -> io::Result<T> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {e}", path.display()),
            )
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(e),
    }
}

/// Writes a state file atomically and owner-only: [`replace`] (a temp file created exclusively 0600,
/// then a rename: a symlink there is replaced, never followed; a crash never leaves half a file) in a
/// directory created 0700 (lambdash's state directory is tightened to 0700 when it exists wider).
pub fn save_state<T: serde::Serialize>(path: &Path, value: &T) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let ours = crate::config::state_dir().is_some_and(|s| s == dir);
        private_dir(dir, ours)?;
    }
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    replace(path, text.as_bytes())
}

/// Opens `path` for appending, created owner-only; refuses a symlink (`O_NOFOLLOW`). An existing file
/// of ours that is open to group or others is made 0600.
pub fn open_append(path: &Path) -> io::Result<File> {
    let nofollow = rustix::fs::OFlags::NOFOLLOW.bits();
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(FILE_MODE)
        .custom_flags(i32::try_from(nofollow).unwrap_or(0))
        .open(path)?;
    let meta = file.metadata()?;
    if meta.uid() == euid() && meta.mode() & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))?;
    }
    Ok(file)
}

/// Why `path` (a config or theme file) must not be trusted, if it must not: it, or the directory it
/// is in, is writable by group or others, or owned by another user (root-owned is fine). A
/// world-writable directory with the sticky bit (`/tmp`) is fine: others cannot replace our file there.
pub fn check_trusted(path: &Path) -> Result<(), String> {
    let me = euid();
    let file = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    let meta = std::fs::metadata(&file).map_err(|e| e.to_string())?;
    let owner_ok = |uid: u32| uid == me || uid == 0;
    if !owner_ok(meta.uid()) {
        return Err(format!(
            "refused: owned by another user (uid {}, you are {me}); lambdash only reads config it \
             or root owns",
            meta.uid()
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "refused: writable by group or others (mode {:04o}); run `chmod go-w {}`",
            meta.mode() & 0o7777,
            file.display()
        ));
    }
    let Some(dir) = file.parent() else {
        return Ok(());
    };
    let dmeta = std::fs::metadata(dir).map_err(|e| e.to_string())?;
    if !owner_ok(dmeta.uid()) {
        return Err(format!(
            "refused: its directory {} is owned by another user (uid {})",
            dir.display(),
            dmeta.uid()
        ));
    }
    let sticky = dmeta.mode() & 0o1000 != 0;
    if dmeta.mode() & 0o022 != 0 && !sticky {
        return Err(format!(
            "refused: its directory {} is writable by group or others (mode {:04o}); run \
             `chmod go-w {}`",
            dir.display(),
            dmeta.mode() & 0o7777,
            dir.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().mode() & 0o7777
    }

    #[test]
    fn saved_files_are_owner_only_and_never_follow_a_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let planted = dir.path().join("lambdash-fn-1.log");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let written = save_new(dir.path(), "lambdash-fn-1.log", b"line\n").unwrap();
        assert_eq!(written, dir.path().join("lambdash-fn-1-1.log"));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(std::fs::symlink_metadata(&planted).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&written).unwrap(), "line\n");
        assert_eq!(mode(&written), 0o600);
        // No temp file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 3);
    }

    #[test]
    fn saved_names_stay_in_their_directory() {
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._.._etc_passwd");
        assert_eq!(safe_file_name(".hidden"), "_.hidden");
        assert_eq!(safe_file_name("a+b-c_1.jsonl"), "a+b-c_1.jsonl");
    }

    #[test]
    fn replace_is_owner_only_and_replaces_a_symlink_instead_of_following_it() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let state = dir.path().join("state");
        let path = state.join("rollback.json");
        replace(&path, b"{}").unwrap();
        assert_eq!(mode(&state), 0o700);
        assert_eq!(mode(&path), 0o600);
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        replace(&path, b"{\"a\":1}").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(!std::fs::symlink_metadata(&path).unwrap().is_symlink());
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn appended_files_are_owner_only_tightened_and_never_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("lambdash.log");
        open_append(&log).unwrap();
        assert_eq!(mode(&log), 0o600);
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
        open_append(&log).unwrap();
        assert_eq!(mode(&log), 0o600, "a wider existing file is tightened");
        let link = dir.path().join("link.log");
        std::os::unix::fs::symlink(&log, &link).unwrap();
        assert!(open_append(&link).is_err(), "a symlink is refused");
    }

    #[test]
    fn private_dirs_are_created_0700_and_tightened_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("a").join("lambdash");
        private_dir(&state, true).unwrap();
        assert_eq!(mode(&state), 0o700);
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&state, false).unwrap();
        assert_eq!(mode(&state), 0o755, "left alone unless asked");
        private_dir(&state, true).unwrap();
        assert_eq!(mode(&state), 0o700);
    }

    #[test]
    fn config_writable_by_others_or_in_an_open_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "read_only = true\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(check_trusted(&file), Ok(()));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
        let err = check_trusted(&file).unwrap_err();
        assert!(
            err.contains("writable by group or others (mode 0666)"),
            "{err}"
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let err = check_trusted(&file).unwrap_err();
        assert!(
            err.contains("its directory") && err.contains("0777"),
            "{err}"
        );
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
        assert_eq!(
            check_trusted(&file),
            Ok(()),
            "a sticky directory (/tmp) is fine"
        );
    }

    #[test]
    fn config_owned_by_another_user_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "read_only = false\n").unwrap();
        // Only root can give a file away; as another user the rule is the same code path.
        if euid() != 0 {
            eprintln!("not root: cannot chown a file to another user; skipped");
            return;
        }
        std::os::unix::fs::chown(&file, Some(65534), None).unwrap();
        let err = check_trusted(&file).unwrap_err();
        assert!(err.contains("owned by another user (uid 65534"), "{err}");
    }
}
