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

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

pub use crate::config_error as error;
mod health;
mod keys;

pub use error::ConfigError;
use keys::{RawKeys, key_overrides};

use crate::keymap::KeyOverrides;
use crate::theme::Theme;

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

/// Kept at its old path for its users (`logs::range`, `cli::metrics`).
pub use crate::domain::duration::parse_duration;

#[cfg(test)]
mod tests;
