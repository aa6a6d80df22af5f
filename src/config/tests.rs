//! Parsing the config file: defaults, every field, located errors, globs, durations and `[keys]`.

use super::error::line_col;
use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse_with_themes(text, Path::new("cfg.toml"), None)
}

fn error(text: &str) -> ConfigError {
    parse(text).expect_err("should fail")
}

#[test]
fn empty_file_gives_defaults() {
    let c = parse("").unwrap();
    assert_eq!(c.functions_poll_every, Duration::from_mins(1));
    assert_eq!(c.flash_ttl, Duration::from_secs(6));
    assert!(c.bell && !c.read_only && c.theme.is_none() && c.profiles.is_empty());
    assert_eq!(c.source.as_deref(), Some(Path::new("cfg.toml")));
}

#[test]
fn logs_mode_is_read_and_checked() {
    assert_eq!(
        parse("").unwrap().logs_mode,
        crate::domain::log::TailMode::Auto
    );
    let c = parse("[logs]\nmode = \"poll\"\n").unwrap();
    assert_eq!(c.logs_mode, crate::domain::log::TailMode::Poll);
    let e = error("[logs]\nmode = \"stream\"\n");
    assert_eq!((e.line, e.column, e.field.as_str()), (2, 8, "logs.mode"));
    assert!(e.message.contains("auto, live or poll"), "{e}");
}

#[test]
fn full_file_parses() {
    let c = parse(
        "theme = \"light\"\nread_only = true\n[poll]\nfunctions_every = \"2m\"\n\
         [ui]\nflash_ttl = \"1500ms\"\nbell = false\n\
         [[profile]]\npattern = \"prod*\"\ntheme = \"prod\"\nread_only = true\n\
         [[profile]]\npattern = \"dev\"\nread_only = false\n",
    )
    .unwrap();
    assert_eq!(c.theme.as_deref(), Some("light"));
    assert!(c.read_only && !c.bell);
    assert_eq!(c.functions_poll_every, Duration::from_mins(2));
    assert_eq!(c.flash_ttl, Duration::from_millis(1500));
    assert_eq!(c.profiles.len(), 2);
    assert_eq!(
        c.rule_for_profile("prod-eu").unwrap().theme.as_deref(),
        Some("prod")
    );
    assert_eq!(c.rule_for_profile("dev").unwrap().read_only, Some(false));
    assert!(c.rule_for_profile("preprod").is_none());
}

#[test]
fn durations() {
    let ok = [
        ("500ms", Duration::from_millis(500)),
        ("30s", Duration::from_secs(30)),
        ("5m", Duration::from_mins(5)),
        ("1h", Duration::from_hours(1)),
        ("2d", Duration::from_hours(48)),
        ("1h30m", Duration::from_mins(90)),
        (" 0s ", Duration::ZERO),
    ];
    for (text, want) in ok {
        assert_eq!(parse_duration(text), Ok(want), "{text}");
    }
    for bad in [
        "",
        "5",
        "s",
        "5 parsecs",
        "1.5s",
        "-1s",
        "5S",
        "1h 30m",
        "99999999999999999999d",
    ] {
        assert!(parse_duration(bad).is_err(), "{bad:?} should be rejected");
    }
    assert_eq!(
        parse_duration("5 parsecs").unwrap_err(),
        "invalid duration \"5 parsecs\" (use e.g. 30s, 5m, 1h)"
    );
}

#[test]
fn globs() {
    let rule = |p: &str| ProfileRule {
        pattern: p.to_owned(),
        theme: None,
        read_only: None,
    };
    assert!(rule("prod*").matches("prod-eu"));
    assert!(rule("prod*").matches("prod"));
    assert!(!rule("prod*").matches("preprod"));
    assert!(rule("*prod").matches("preprod"));
    assert!(rule("*-prod-*").matches("acme-prod-eu"));
    assert!(rule("dev-?").matches("dev-1"));
    assert!(!rule("dev-?").matches("dev-12"));
    assert!(rule("a*b*c").matches("axxbyybc"));
    assert!(!rule("a*b*c").matches("axxbyy"));
    assert!(rule("*").matches(""));
    assert!(!rule("Prod").matches("prod"));
}

#[test]
fn unknown_key_is_located() {
    let e = error("read_only = true\n\n[poll]\nfunctions_evry = \"5s\"\n");
    assert_eq!((e.line, e.column), (4, 1));
    assert_eq!(e.field, "poll.functions_evry");
    assert_eq!(
        e.message,
        "unknown key `functions_evry` (expected `functions_every`)"
    );
    assert_eq!(
        e.to_string(),
        "cfg.toml:4:1: poll.functions_evry: unknown key `functions_evry` (expected `functions_every`)"
    );
    let e = error("colour = 1\n");
    assert_eq!((e.line, e.column, e.field.as_str()), (1, 1, "colour"));
}

#[test]
fn bad_duration_is_located() {
    let e = error("[poll]\nfunctions_every = \"5 parsecs\"\n");
    assert_eq!(
        e.to_string(),
        "cfg.toml:2:19: poll.functions_every: invalid duration \"5 parsecs\" (use e.g. 30s, 5m, 1h)"
    );
    let e = error("[poll]\nfunctions_every = \"1s\"\n");
    assert_eq!((e.line, e.field.as_str()), (2, "poll.functions_every"));
    assert!(e.message.contains("minimum 5s"), "{}", e.message);
    let e = error("[ui]\nbell = true\nflash_ttl = \"0s\"\n");
    assert_eq!(
        (e.line, e.column, e.field.as_str()),
        (3, 13, "ui.flash_ttl")
    );
}

#[test]
fn wrong_type_is_located() {
    let e = error("[ui]\nbell = \"yes\"\n");
    assert_eq!((e.line, e.column, e.field.as_str()), (2, 8, "ui.bell"));
    assert_eq!(e.message, "expected a boolean, found string \"yes\"");
}

#[test]
fn syntax_error_is_located() {
    let e = error("read_only = false\n[ui]\nflash_ttl = \"6s\nbell = true\n");
    assert_eq!(
        (e.line, e.column, e.field.as_str()),
        (3, 16, "ui.flash_ttl")
    );
    assert!(
        e.message.starts_with("string is not closed"),
        "{}",
        e.message
    );
    let e = error("[poll\n");
    assert_eq!(e.line, 1);
}

#[test]
fn profile_rule_errors_are_located() {
    let e = error(
        "[[profile]]\npattern = \"a\"\ntheme = \"prod\"\n\n[[profile]]\npattern = \"b\"\ntheme = \"nope\"\n",
    );
    assert_eq!(
        (e.line, e.column, e.field.as_str()),
        (7, 9, "profile[1].theme")
    );
    assert!(
        e.message
            .starts_with("unknown theme \"nope\" (available: default,"),
        "{}",
        e.message
    );
    let e = error("[[profile]]\ntheme = \"prod\"\n");
    assert_eq!((e.line, e.field.as_str()), (1, "profile[0].pattern"));
    assert_eq!(e.message, "required key `pattern` is missing");
    let e = error("[[profile]]\npattern = \"x\"\n");
    assert_eq!((e.line, e.field.as_str()), (1, "profile[0]"));
    let e = error("[[profile]]\npattern = \"\"\nread_only = true\n");
    assert_eq!((e.line, e.field.as_str()), (2, "profile[0].pattern"));
    let e = error("[[profile]]\npattern = \"x\"\nread_only = true\nthem = \"prod\"\n");
    assert_eq!((e.line, e.field.as_str()), (4, "profile[0].them"));
    let e = error("profile = [{ pattern = \"x\", oops = 1 }]\n");
    assert_eq!(
        (e.line, e.column, e.field.as_str()),
        (1, 29, "profile[0].oops")
    );
}

#[test]
fn unknown_top_level_theme() {
    let e = error("\ntheme = \"nope\"\n");
    assert_eq!((e.line, e.column, e.field.as_str()), (2, 9, "theme"));
}

#[test]
fn unreadable_file_reads_well() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let e = Config::load(Some(&missing)).unwrap_err();
    assert_eq!((e.line, e.column, e.field.as_str()), (0, 0, ""));
    assert_eq!(
        e.to_string(),
        format!("{}: cannot read file: file not found", missing.display())
    );
}

#[test]
fn load_reads_explicit_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, "read_only = true\n").unwrap();
    let c = Config::load(Some(&path)).unwrap();
    assert!(c.read_only);
    assert_eq!(c.source.as_deref(), Some(path.as_path()));
}

#[test]
fn key_overrides_parse() {
    let c = parse("[keys]\ndown = [\"ctrl-n\", \"down\"]\nquit = [\"ctrl-q\"]\n").unwrap();
    let down = crate::keymap::BINDINGS
        .iter()
        .find(|b| b.action == crate::keymap::Action::Down)
        .unwrap();
    assert_eq!(c.keys.label(down), "Ctrl-n/↓");
    let quit = crate::keymap::BINDINGS
        .iter()
        .find(|b| b.action == crate::keymap::Action::Quit)
        .unwrap();
    assert_eq!(c.keys.label(quit), "Ctrl-q/Ctrl-c");
    assert!(parse("").unwrap().keys.is_empty());
}

#[test]
fn key_override_errors_are_located() {
    let e = error("read_only = false\n[keys]\nteleport = [\"t\"]\n");
    assert_eq!(
        (e.line, e.column, e.field.as_str()),
        (3, 1, "keys.teleport")
    );
    assert!(
        e.message
            .starts_with("unknown action `teleport` (actions: down, up,"),
        "{}",
        e.message
    );
    let e = error("[keys]\nquit = [\"q\", \"hyper-q\"]\n");
    assert_eq!((e.line, e.column, e.field.as_str()), (2, 14, "keys.quit"));
    assert!(
        e.message.starts_with("unknown key \"hyper-q\""),
        "{}",
        e.message
    );
    let e = error("[keys]\nhelp = []\n");
    assert_eq!((e.line, e.field.as_str()), (2, "keys.help"));
    assert!(e.message.starts_with("no keys given"), "{}", e.message);
    let e = error("[keys]\nhelp = \"h\"\n");
    assert_eq!((e.line, e.field.as_str()), (2, "keys.help"));
    let e = error("[keys]\nrefresh = [\"ctrl-c\"]\n");
    assert_eq!((e.line, e.column), (2, 12));
    assert!(e.message.contains("ctrl-c always quits"), "{}", e.message);
    let e = error("[keys]\nwrap = [\"w\"]\nfollow = [\"F\"]\n");
    assert_eq!((e.line, e.field.as_str()), (3, "keys.follow"));
    assert!(e.message.contains("server_filter"), "{}", e.message);
}

#[test]
fn columns_count_characters() {
    assert_eq!(line_col("é = 1\nab", 8), (2, 2));
    assert_eq!(line_col("abc", 99), (1, 4));
}
