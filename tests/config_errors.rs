//! Broken config, keymap (`[keys]`) and theme files must stop `lambdash` before any AWS call, with exit code 2
//! and a one-line `error: FILE:LINE:COLUMN: FIELD: MESSAGE` on stderr.
//!
//! Fixtures live in `tests/invalid_configs/` and `tests/invalid_themes/`; each case below says
//! which line and field the error must point at.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lambdash::config::Config;
use lambdash::theme::Theme;

/// (fixture file, expected line, expected field)
const CONFIG_CASES: &[(&str, usize, &str)] = &[
    ("unknown_key.toml", 6, "ui.bel"),
    ("bad_duration.toml", 5, "poll.functions_every"),
    ("wrong_type.toml", 3, "read_only"),
    ("syntax_error.toml", 5, "ui.flash_ttl"),
    ("bad_profile_rule.toml", 8, "profile[1].theme"),
    ("keys_unknown_action.toml", 6, "keys.teleport"),
    ("keys_bad_key.toml", 4, "keys.refresh"),
    ("keys_conflict.toml", 6, "keys.follow"),
    ("keys_not_a_list.toml", 2, "keys.help"),
    ("quota_bad_share.toml", 5, "quota.share"),
    ("quota_unknown_group.toml", 5, "quota.lambda_everything"),
    ("quota_bad_limit.toml", 4, "quota.sqs"),
];

/// (fixture file, expected line, expected field); installed as the user theme `broken`.
const THEME_CASES: &[(&str, usize, &str)] = &[
    ("unknown_role.toml", 6, "roles.bordr"),
    ("bad_colour.toml", 3, "palette.brick"),
];

fn fixture(dir: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir)
        .join(name)
}

/// A temp `XDG_CONFIG_HOME` holding `themes/broken.toml` copied from `theme` (if any).
fn config_home(theme: Option<&Path>) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temp dir");
    let themes = home.path().join("lambdash").join("themes");
    std::fs::create_dir_all(&themes).expect("themes dir");
    if let Some(theme) = theme {
        std::fs::copy(theme, themes.join("broken.toml")).expect("copy theme fixture");
    }
    home
}

/// Runs the real binary with AWS pointed at a dead endpoint, so a config error is the only
/// thing that can legitimately come out.
fn run(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdash"))
        .args(args)
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "x")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .output()
        .expect("run lambdash")
}

fn assert_config_error(output: &Output, file: &str, line: usize, field: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let context = format!("{file}: status {:?}, stderr:\n{stderr}", output.status);
    assert_eq!(output.status.code(), Some(2), "{context}");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: "), "{context}");
    assert!(first.contains(file), "file name missing: {context}");
    assert!(
        first.contains(&format!(":{line}:")),
        "line {line} missing: {context}"
    );
    assert!(first.contains(field), "field {field} missing: {context}");
    for aws in ["127.0.0.1:9", "dispatch", "connect", "credentials"] {
        assert!(
            !stderr.contains(aws),
            "an AWS call was attempted: {context}"
        );
    }
}

#[test]
fn broken_configs_exit_2_before_any_aws_call() {
    for &(name, line, field) in CONFIG_CASES {
        let home = config_home(None);
        let path = fixture("invalid_configs", name);
        let config = path.to_str().expect("utf-8 path");
        let output = run(home.path(), &["--config", config, "functions"]);
        assert_config_error(&output, name, line, field);
    }
}

#[test]
fn broken_themes_exit_2_before_any_aws_call() {
    for &(name, line, field) in THEME_CASES {
        let home = config_home(Some(&fixture("invalid_themes", name)));
        let output = run(home.path(), &["--theme", "broken", "functions"]);
        assert_config_error(&output, "broken.toml", line, field);
    }
}

/// The same fixtures through the library, so a wrong fixture is told apart from unwired main.
#[test]
fn fixtures_fail_where_they_say() {
    for &(name, line, field) in CONFIG_CASES {
        let path = fixture("invalid_configs", name);
        let err = Config::load(Some(&path)).expect_err(name);
        assert_eq!(
            (err.line, err.field.as_str()),
            (line, field),
            "{name}: {err}"
        );
        assert_eq!(err.file, path);
    }
    for &(name, line, field) in THEME_CASES {
        let home = config_home(Some(&fixture("invalid_themes", name)));
        let themes = home.path().join("lambdash").join("themes");
        let err = Theme::load("broken", Some(&themes)).expect_err(name);
        assert_eq!(
            (err.line, err.field.as_str()),
            (line, field),
            "{name}: {err}"
        );
        assert_eq!(err.file, themes.join("broken.toml"));
    }
}

/// A config or theme file that another user could change decides `read_only`: refused with exit 2,
/// the file named and why, before any AWS call.
#[test]
fn config_or_theme_writable_by_others_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    let home = config_home(None);
    let dir = home.path().join("lambdash");
    let config = dir.join("config.toml");
    std::fs::write(&config, "read_only = false\n").expect("write config");
    mode(&config, 0o666).expect("chmod");
    let output = run(home.path(), &["functions"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: ")
            && stderr.contains(&config.display().to_string())
            && stderr.contains("writable by group or others (mode 0666)"),
        "{stderr}"
    );

    mode(&config, 0o644).expect("chmod");
    mode(&dir, 0o777).expect("chmod dir");
    let output = run(home.path(), &["functions"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("its directory") && stderr.contains("0777"),
        "{stderr}"
    );

    // A theme file in an open themes directory: the same.
    mode(&dir, 0o755).expect("chmod dir");
    std::fs::remove_file(&config).expect("rm config");
    let themes = dir.join("themes");
    std::fs::write(themes.join("mine.toml"), "extends = \"default\"\n").expect("theme");
    mode(&themes, 0o777).expect("chmod themes");
    let output = run(home.path(), &["--theme", "mine", "functions"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("mine.toml") && stderr.contains("its directory"),
        "{stderr}"
    );
    mode(&themes, 0o755).expect("chmod themes");
}

/// `[quota]` errors say what a good value looks like; a bad `--quota-share` is a usage error too.
#[test]
fn quota_errors_say_what_is_expected_and_a_bad_quota_share_flag_exits_2() {
    let home = config_home(None);
    let path = fixture("invalid_configs", "quota_bad_share.toml");
    let output = run(
        home.path(),
        &["--config", path.to_str().expect("utf-8 path"), "quota"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("at most 1"), "{stderr}");
    let output = run(home.path(), &["--quota-share", "0", "quota"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--quota-share"), "{stderr}");
    assert!(stderr.contains("out of range"), "{stderr}");
}
