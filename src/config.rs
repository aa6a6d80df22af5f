//! The user's config file (`~/.config/lambdash/config.toml`) and the standard directories.
//!
//! ```toml
//! theme = "default"          # any name from `Theme::names`
//! read_only = false          # refuse every mutating action
//!
//! [poll]
//! functions_every = "60s"    # minimum 5s
//!
//! [ui]
//! flash_ttl = "6s"           # how long a status message stays up
//! bell = true                # ring the terminal bell on errors
//!
//! [health]                   # HEALTH flags and ERR% colours (percent; see `config::health`)
//! error_rate_warn = 1.0
//! error_rate_crit = 5.0
//!
//! [[profile]]                # first matching rule wins; `*` and `?` globs
//! pattern = "prod*"
//! theme = "prod"
//! read_only = true
//!
//! [keys]                     # action name → keys (see `app::keymap::overrides`)
//! open_logs = ["L"]
//! ```
//!
//! Every error, syntactic or semantic, is reported as a [`ConfigError`] with the file, the
//! 1-based line and column, and the dotted key (`poll.functions_every`, `profile[0].theme`).

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

mod health;

use crate::app::keymap::KeyOverrides;
use crate::theme::Theme;

/// A config or theme file that could not be read or understood.
///
/// Displays as `FILE:LINE:COLUMN: FIELD: MESSAGE`; parts that are unknown (line 0, empty
/// field, empty file) are left out, so an unreadable file reads `FILE: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file at fault (empty when the error is not about a file, e.g. `--theme nope`).
    pub file: PathBuf,
    /// 1-based line, 0 if unknown.
    pub line: usize,
    /// 1-based column (in characters), 0 if unknown.
    pub column: usize,
    /// Dotted key path, e.g. `poll.functions_every`; empty if unknown.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.file.as_os_str().is_empty() {
            write!(f, "{}", self.file.display())?;
            if self.line > 0 {
                write!(f, ":{}:{}", self.line, self.column)?;
            }
            f.write_str(": ")?;
        }
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// An error about a whole file (unreadable, missing): no line, column or field.
    pub(crate) fn file(file: &Path, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            field: String::new(),
            message: message.into(),
        }
    }

    /// An error at byte offset `span.start` of `text`.
    pub(crate) fn at(
        file: &Path,
        text: &str,
        span: &Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = line_col(text, span.start);
        Self {
            file: file.to_path_buf(),
            line,
            column,
            field: field.into(),
            message: message.into(),
        }
    }

    /// Turns a toml (syntax or serde) error into a located, human error.
    pub(crate) fn from_toml(err: &toml::de::Error, text: &str, file: &Path) -> Self {
        let Some(span) = err.span() else {
            return Self::file(file, err.message().to_owned());
        };
        let mut field = key_path(text, span.start);
        let message = humanize(err.message(), &mut field);
        Self::at(file, text, &span, field, message)
    }

    /// Reads a file, mapping I/O failures to a message that says why.
    pub(crate) fn read(file: &Path) -> Result<String, Self> {
        std::fs::read_to_string(file).map_err(|e| {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "file not found".to_owned(),
                _ => e.to_string(),
            };
            Self::file(file, format!("cannot read file: {why}"))
        })
    }

    /// As [`ConfigError::read`], for a file that decides lambdash's behaviour (config, theme): refused
    /// when it or its directory could be changed by another user (see
    /// [`crate::private_file::check_trusted`]).
    pub(crate) fn read_trusted(file: &Path) -> Result<String, Self> {
        if file.exists() {
            crate::private_file::check_trusted(file).map_err(|why| Self::file(file, why))?;
        }
        Self::read(file)
    }
}

/// 1-based line and character column of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let (mut line, mut column) = (1, 1);
    for (i, c) in text.char_indices() {
        if i >= offset {
            break;
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

/// Rewrites serde/toml wording into something a user can act on; may extend `field`.
fn humanize(message: &str, field: &mut String) -> String {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return match rest.split_once(", ") {
            Some((key, "there are no fields")) => {
                format!("unknown key {key} (no keys allowed here)")
            }
            Some((key, expected)) => format!("unknown key {key} ({expected})"),
            None => format!("unknown key {rest}"),
        };
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let key = rest.trim_matches('`');
        if !field.is_empty() {
            field.push('.');
        }
        field.push_str(key);
        return format!("required key `{key}` is missing");
    }
    if let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        return format!("expected {expected}, found {found}");
    }
    if message.starts_with("invalid basic string") || message.starts_with("invalid literal string")
    {
        return "string is not closed (expected a closing quote on the same line)".to_owned();
    }
    message.to_owned()
}

/// The dotted key path (`ui.bell`, `profile[1].theme`) of the innermost key or value at `offset`.
///
/// Uses toml's recovering parser, so it also works for most syntax errors.
fn key_path(text: &str, offset: usize) -> String {
    let (root, _) = DeTable::parse_recoverable(text);
    let mut path = Vec::new();
    find_in_table(root.get_ref(), offset, &mut path);
    let path = path.concat();
    path.strip_prefix('.').unwrap_or(&path).to_owned()
}

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

/// Pushes `.key` / `[i]` segments onto `path` down to the match; false if nothing matches.
fn find_in_table(table: &DeTable<'_>, offset: usize, path: &mut Vec<String>) -> bool {
    for (key, value) in table {
        path.push(format!(".{}", key.get_ref()));
        if find_in_value(value, offset, path) || contains(&key.span(), offset) {
            return true;
        }
        path.pop();
    }
    false
}

fn find_in_value(value: &Spanned<DeValue<'_>>, offset: usize, path: &mut Vec<String>) -> bool {
    match value.get_ref() {
        DeValue::Table(table) if find_in_table(table, offset, path) => return true,
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(format!("[{i}]"));
                if find_in_value(item, offset, path) {
                    return true;
                }
                path.pop();
            }
        }
        _ => {}
    }
    contains(&value.span(), offset)
}

/// One `[[profile]]` rule: settings applied when the AWS profile name matches `pattern`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileRule {
    /// Glob on the profile name: `*` matches any run of characters, `?` exactly one.
    pub pattern: String,
    /// Theme to use for matching profiles.
    pub theme: Option<String>,
    /// Force read-only mode on (or off) for matching profiles.
    pub read_only: Option<bool>,
}

impl ProfileRule {
    /// Whether the rule's glob matches the whole of `profile` (case-sensitive).
    pub fn matches(&self, profile: &str) -> bool {
        let pattern: Vec<char> = self.pattern.chars().collect();
        let name: Vec<char> = profile.chars().collect();
        glob_match(&pattern, &name)
    }
}

/// Iterative glob match with single-star backtracking.
fn glob_match(pattern: &[char], name: &[char]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == '?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// The effective configuration (defaults filled in).
#[derive(Clone, Debug)]
pub struct Config {
    /// Theme name (`theme = "..."`); `None` means the built-in default.
    pub theme: Option<String>,
    /// Refuse every mutating action (default false).
    pub read_only: bool,
    /// `[[profile]]` rules, in file order.
    pub profiles: Vec<ProfileRule>,
    /// `[poll] functions_every` (default 60 s, minimum 5 s).
    pub functions_poll_every: Duration,
    /// `[ui] flash_ttl`: how long a flash message stays (default 6 s).
    pub flash_ttl: Duration,
    /// `[ui] bell`: ring the bell on errors (default true).
    pub bell: bool,
    /// `[logs] mode`: how the logs pane follows new events — auto (Live Tail while it works, else
    /// polling), live, or poll (default auto).
    pub logs_mode: crate::domain::log::TailMode,
    /// The file this was read from, if any.
    pub source: Option<PathBuf>,
    /// `[keys]`: the user's key bindings (action name → keys), over the built-in ones.
    pub keys: KeyOverrides,
    /// `[quota]`: the share of each AWS request quota lambdash may use (a third by default).
    pub quota: crate::aws::scheduler::QuotaConfig,
    /// `[health]`: error-rate thresholds (warn 1 %, crit 5 %) and the slow share of the timeout.
    pub health: crate::domain::metrics::HealthThresholds,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            theme: None,
            read_only: false,
            profiles: Vec::new(),
            functions_poll_every: Duration::from_mins(1),
            flash_ttl: Duration::from_secs(6),
            bell: true,
            logs_mode: crate::domain::log::TailMode::Auto,
            source: None,
            keys: KeyOverrides::default(),
            quota: crate::aws::scheduler::QuotaConfig::default(),
            health: crate::domain::metrics::HealthThresholds::default(),
        }
    }
}

/// Smallest accepted `poll.functions_every`, to stay clear of API throttling.
const MIN_FUNCTIONS_POLL: Duration = Duration::from_secs(5);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    theme: Option<Spanned<String>>,
    read_only: Option<bool>,
    #[serde(default)]
    profile: Vec<Spanned<RawRule>>,
    poll: Option<RawPoll>,
    ui: Option<RawUi>,
    logs: Option<RawLogs>,
    keys: Option<RawKeys>,
    quota: Option<crate::aws::scheduler::config::RawQuota>,
    health: Option<health::RawHealth>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogs {
    mode: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    pattern: Spanned<String>,
    theme: Option<Spanned<String>>,
    read_only: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoll {
    functions_every: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUi {
    flash_ttl: Option<Spanned<String>>,
    bell: Option<bool>,
}

impl Config {
    /// Reads `path` if given (it must exist), else `config_dir()/config.toml` if it exists,
    /// else returns the defaults.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match path {
            Some(path) => path.to_path_buf(),
            None => match config_dir().map(|dir| dir.join("config.toml")) {
                Some(default) if default.exists() => default,
                _ => return Ok(Config::default()),
            },
        };
        let text = ConfigError::read_trusted(&path)?;
        Self::parse(&text, &path)
    }

    /// Parses config text; `file` is used in errors and recorded as [`Config::source`].
    /// Theme names are checked against the built-in themes and [`user_theme_dir`].
    pub fn parse(text: &str, file: &Path) -> Result<Config, ConfigError> {
        Self::parse_with_themes(text, file, user_theme_dir().as_deref())
    }

    fn parse_with_themes(
        text: &str,
        file: &Path,
        theme_dir: Option<&Path>,
    ) -> Result<Config, ConfigError> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| ConfigError::from_toml(&e, text, file))?;
        let err = |span: &Range<usize>, field: &str, message: String| {
            ConfigError::at(file, text, span, field, message)
        };
        let themes = Theme::names(theme_dir);
        let check_theme = |name: &Spanned<String>, field: &str| {
            if themes.iter().any(|t| t == name.get_ref()) {
                Ok(name.get_ref().clone())
            } else {
                let message = format!(
                    "unknown theme \"{}\" (available: {})",
                    name.get_ref(),
                    themes.join(", ")
                );
                Err(err(&name.span(), field, message))
            }
        };
        let duration = |value: &Spanned<String>, field: &str| {
            parse_duration(value.get_ref()).map_err(|m| err(&value.span(), field, m))
        };

        let mut config = Config {
            source: Some(file.to_path_buf()),
            ..Config::default()
        };
        if let Some(theme) = &raw.theme {
            config.theme = Some(check_theme(theme, "theme")?);
        }
        config.read_only = raw.read_only.unwrap_or(config.read_only);
        if let Some(every) = raw.poll.as_ref().and_then(|p| p.functions_every.as_ref()) {
            let field = "poll.functions_every";
            let value = duration(every, field)?;
            if value < MIN_FUNCTIONS_POLL {
                let message = format!("\"{}\" is too frequent (minimum 5s)", every.get_ref());
                return Err(err(&every.span(), field, message));
            }
            config.functions_poll_every = value;
        }
        if let Some(ui) = &raw.ui {
            if let Some(ttl) = &ui.flash_ttl {
                let value = duration(ttl, "ui.flash_ttl")?;
                if value.is_zero() {
                    let message = "must be longer than 0s (e.g. 6s)".to_owned();
                    return Err(err(&ttl.span(), "ui.flash_ttl", message));
                }
                config.flash_ttl = value;
            }
            config.bell = ui.bell.unwrap_or(config.bell);
        }
        if let Some(mode) = raw.logs.as_ref().and_then(|l| l.mode.as_ref()) {
            config.logs_mode = crate::domain::log::TailMode::parse(mode.get_ref())
                .map_err(|m| err(&mode.span(), "logs.mode", m))?;
        }
        for (i, rule) in raw.profile.iter().enumerate() {
            let (span, rule) = (rule.span(), rule.get_ref());
            let field = format!("profile[{i}]");
            if rule.pattern.get_ref().is_empty() {
                let message = "pattern is empty (use e.g. \"prod*\")".to_owned();
                return Err(err(
                    &rule.pattern.span(),
                    &format!("{field}.pattern"),
                    message,
                ));
            }
            if rule.theme.is_none() && rule.read_only.is_none() {
                let message = "rule has no effect: set `theme` and/or `read_only`".to_owned();
                return Err(err(&span, &field, message));
            }
            let theme = match &rule.theme {
                Some(theme) => Some(check_theme(theme, &format!("{field}.theme"))?),
                None => None,
            };
            config.profiles.push(ProfileRule {
                pattern: rule.pattern.get_ref().clone(),
                theme,
                read_only: rule.read_only,
            });
        }
        if let Some(keys) = &raw.keys {
            config.keys = key_overrides(keys, &err)?;
        }
        if let Some(quota) = &raw.quota {
            config.quota = crate::aws::scheduler::config::parse_quota_table(quota, &err)?;
        }
        if let Some(h) = &raw.health {
            config.health = health::thresholds(h, &err)?;
        }
        Ok(config)
    }

    /// Whether the config makes `profile` read-only: `read_only = true`, or the first matching
    /// `[[profile]]` rule says `read_only = true` (the `--read-only` flag is added by the caller).
    pub fn read_only_for(&self, profile: &str) -> bool {
        self.read_only || self.rule_for_profile(profile).and_then(|r| r.read_only) == Some(true)
    }

    /// The first `[[profile]]` rule whose pattern matches `profile`.
    pub fn rule_for_profile(&self, profile: &str) -> Option<&ProfileRule> {
        self.profiles.iter().find(|rule| rule.matches(profile))
    }
}

type RawKeys = std::collections::BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>;

/// Validates `[keys]`: known action names, known keys, at least one key each, no key doing two things.
fn key_overrides(
    raw: &RawKeys,
    err: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
) -> Result<KeyOverrides, ConfigError> {
    use crate::app::keymap::{action_by_name, action_name, action_names, parse_key};
    let mut overrides = KeyOverrides::default();
    let mut spans = Vec::new();
    for (name, keys) in raw {
        let field = format!("keys.{}", name.get_ref());
        let action = action_by_name(name.get_ref()).ok_or_else(|| {
            let message = format!(
                "unknown action `{}` (actions: {})",
                name.get_ref(),
                action_names().join(", ")
            );
            err(&name.span(), &field, message)
        })?;
        if keys.get_ref().is_empty() {
            let message = "no keys given (an action needs at least one, e.g. [\"q\"])".to_owned();
            return Err(err(&keys.span(), &field, message));
        }
        let mut parsed = Vec::new();
        for key in keys.get_ref() {
            let k = parse_key(key.get_ref()).map_err(|m| err(&key.span(), &field, m))?;
            if k.ctrl
                && k.code == crossterm::event::KeyCode::Char('c')
                && action_name(action) != "quit"
            {
                let message = "ctrl-c always quits: bind another key".to_owned();
                return Err(err(&key.span(), &field, message));
            }
            parsed.push(k);
        }
        overrides.set(action, parsed);
        spans.push((action, field, keys.span()));
    }
    if let Some((action, message)) = overrides.first_conflict()
        && let Some((_, field, span)) = spans.iter().find(|(a, _, _)| *a == action)
    {
        return Err(err(span, field, message));
    }
    Ok(overrides)
}

/// An absolute directory from the environment variable `var`, if set.
fn xdg_dir(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
}

/// `$XDG_CONFIG_HOME/lambdash`, else the platform config dir (`~/.config/lambdash` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    xdg_dir("XDG_CONFIG_HOME")
        .or_else(dirs::config_dir)
        .map(|d| d.join("lambdash"))
}

/// `config_dir()/themes`: user themes, one `NAME.toml` each.
pub fn user_theme_dir() -> Option<PathBuf> {
    config_dir().map(|d| d.join("themes"))
}

/// `$XDG_STATE_HOME/lambdash`, else `~/.local/state/lambdash` (logs, audit log, rollback state).
pub fn state_dir() -> Option<PathBuf> {
    xdg_dir("XDG_STATE_HOME")
        .or_else(dirs::state_dir)
        .or_else(|| dirs::home_dir().map(|h| h.join(".local").join("state")))
        .map(|d| d.join("lambdash"))
}

/// Parses durations like `500ms`, `30s`, `5m`, `1h`, `2d` and sums like `1h30m`.
///
/// The error is a complete, user-facing sentence.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let invalid = || format!("invalid duration \"{s}\" (use e.g. 30s, 5m, 1h)");
    let mut rest = s.trim();
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total = Duration::ZERO;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let number: u64 = rest[..digits].parse().map_err(|_| invalid())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let millis_per_unit: u64 = match &rest[..unit_len] {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(invalid()),
        };
        rest = &rest[unit_len..];
        let part = number
            .checked_mul(millis_per_unit)
            .map(Duration::from_millis)
            .ok_or_else(invalid)?;
        total = total.checked_add(part).ok_or_else(invalid)?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
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
        let down = crate::app::keymap::BINDINGS
            .iter()
            .find(|b| b.action == crate::app::keymap::Action::Down)
            .unwrap();
        assert_eq!(c.keys.label(down), "Ctrl-n/↓");
        let quit = crate::app::keymap::BINDINGS
            .iter()
            .find(|b| b.action == crate::app::keymap::Action::Quit)
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
}
