//! Themes: a palette of named colours and one style per semantic [`Role`].
//!
//! Built-in themes are the files in `themes/` embedded at compile time; user themes live in
//! [`crate::config::user_theme_dir`]. The file format is documented at the top of
//! `themes/default.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use toml::Spanned;

use crate::config_error::ConfigError;

/// What a piece of the UI means; the theme decides what it looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Text,
    Muted,
    Border,
    BorderFocused,
    Title,
    TableHeader,
    Selection,
    Error,
    Warning,
    Ok,
    Info,
    Accent,
    HeaderBar,
    StatusBar,
    Flash,
    FlashError,
    Highlight,
    Key,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Role; 18] = [
        Role::Text,
        Role::Muted,
        Role::Border,
        Role::BorderFocused,
        Role::Title,
        Role::TableHeader,
        Role::Selection,
        Role::Error,
        Role::Warning,
        Role::Ok,
        Role::Info,
        Role::Accent,
        Role::HeaderBar,
        Role::StatusBar,
        Role::Flash,
        Role::FlashError,
        Role::Highlight,
        Role::Key,
    ];

    /// The `snake_case` name used in theme files (`border_focused`).
    pub fn key(self) -> &'static str {
        match self {
            Role::Text => "text",
            Role::Muted => "muted",
            Role::Border => "border",
            Role::BorderFocused => "border_focused",
            Role::Title => "title",
            Role::TableHeader => "table_header",
            Role::Selection => "selection",
            Role::Error => "error",
            Role::Warning => "warning",
            Role::Ok => "ok",
            Role::Info => "info",
            Role::Accent => "accent",
            Role::HeaderBar => "header_bar",
            Role::StatusBar => "status_bar",
            Role::Flash => "flash",
            Role::FlashError => "flash_error",
            Role::Highlight => "highlight",
            Role::Key => "key",
        }
    }

    /// The role named `key` in a theme file.
    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.key() == key)
    }
}

/// Built-in themes: (name, file contents). Sorted by name.
const BUILTIN: [(&str, &str); 5] = [
    ("default", include_str!("../themes/default.toml")),
    (
        "high-contrast",
        include_str!("../themes/high-contrast.toml"),
    ),
    ("light", include_str!("../themes/light.toml")),
    ("prod", include_str!("../themes/prod.toml")),
    (
        "solarized-dark",
        include_str!("../themes/solarized-dark.toml"),
    ),
];

fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// A resolved theme: a [`Style`] for every [`Role`].
#[derive(Clone, Debug)]
pub struct Theme {
    /// The name it was loaded under.
    pub name: String,
    styles: [Style; Role::ALL.len()],
}

impl Default for Theme {
    fn default() -> Self {
        Theme::default_theme()
    }
}

impl Theme {
    /// The style for `role`.
    pub fn style(&self, role: Role) -> Style {
        self.styles[role as usize]
    }

    /// The built-in dark theme; infallible (tests and fallbacks use it).
    pub fn default_theme() -> Theme {
        let loaded = builtin("default")
            .ok_or_else(|| ConfigError::file(Path::new("default"), "missing built-in theme"))
            .and_then(|text| parse_builtin("default", text))
            .and_then(|layer| resolve("default", &[layer]));
        loaded.unwrap_or_else(|err| {
            // Only reachable if the embedded file is broken, which a unit test rules out.
            tracing::error!("built-in theme is broken: {err}");
            Theme {
                name: "default".to_owned(),
                styles: [Style::new(); Role::ALL.len()],
            }
            .without_color()
        })
    }

    /// Built-in names plus the `*.toml` names in `user_dir`, sorted and deduplicated.
    pub fn names(user_dir: Option<&Path>) -> Vec<String> {
        let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| (*n).to_owned()).collect();
        if let Some(entries) = user_dir.and_then(|dir| std::fs::read_dir(dir).ok()) {
            for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
                if path.extension().is_some_and(|ext| ext == "toml")
                    && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
                {
                    names.push(stem.to_owned());
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// Built-in theme `name`, overlaid by `user_dir/NAME.toml` if that exists. A user file
    /// may also define a new theme, laid over `extends` (default `"default"`).
    /// An unknown name, or any error in the file, is an `Err`.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, ConfigError> {
        let valid_name = !name.is_empty()
            && !name.starts_with('.')
            && !name.contains(['/', '\\', std::path::MAIN_SEPARATOR]);
        let user_file = user_dir
            .filter(|_| valid_name)
            .map(|dir| dir.join(format!("{name}.toml")))
            .filter(|path| path.is_file());
        let Some(user_file) = user_file else {
            let text = builtin(name).ok_or_else(|| unknown_theme(name, user_dir))?;
            return resolve(name, &[parse_builtin(name, text)?]);
        };
        let text = ConfigError::read_trusted(&user_file)?;
        let user = Layer::parse(text, user_file)?;
        let base_name = match &user.file.extends {
            Some(extends) => {
                if builtin(extends.get_ref()).is_none() {
                    let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                    let message = format!(
                        "unknown built-in theme \"{}\" (expected one of: {})",
                        extends.get_ref(),
                        names.join(", ")
                    );
                    return Err(user.error(&extends.span(), "extends", message));
                }
                extends.get_ref().as_str()
            }
            None if builtin(name).is_some() => name,
            None => "default",
        };
        let base_text = builtin(base_name).unwrap_or_default();
        let base = parse_builtin(base_name, base_text)?;
        resolve(name, &[base, user])
    }

    /// Strips every colour (for `NO_COLOR`) and keeps the modifiers. Roles that would
    /// otherwise vanish get one: selection is reversed; errors and focus are bold.
    #[must_use]
    pub fn without_color(mut self) -> Theme {
        for role in Role::ALL {
            let style = self.styles[role as usize];
            let extra = match role {
                Role::Selection => Modifier::REVERSED,
                Role::Error | Role::FlashError | Role::BorderFocused | Role::Title | Role::Key => {
                    Modifier::BOLD
                }
                Role::Highlight => Modifier::UNDERLINED,
                _ => Modifier::empty(),
            };
            self.styles[role as usize] = Style::new()
                .add_modifier(style.add_modifier)
                .remove_modifier(style.sub_modifier)
                .add_modifier(extra);
        }
        self
    }
}

fn unknown_theme(name: &str, user_dir: Option<&Path>) -> ConfigError {
    let hint = user_dir
        .map(|dir| format!("; user themes go in {}/NAME.toml", dir.display()))
        .unwrap_or_default();
    let names = Theme::names(user_dir).join(", ");
    ConfigError {
        field: "theme".to_owned(),
        ..ConfigError::file(
            Path::new(""),
            format!("unknown theme \"{name}\" (available: {names}){hint}"),
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    extends: Option<Spanned<String>>,
    #[serde(default)]
    palette: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    roles: BTreeMap<Spanned<String>, RawStyle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    fg: Option<Spanned<String>>,
    bg: Option<Spanned<String>>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
}

/// One parsed theme file, kept with its text so later errors can be located.
struct Layer {
    file_name: PathBuf,
    text: String,
    file: ThemeFile,
}

impl Layer {
    fn parse(text: String, file_name: PathBuf) -> Result<Layer, ConfigError> {
        let file: ThemeFile =
            toml::from_str(&text).map_err(|e| ConfigError::from_toml(&e, &text, &file_name))?;
        let layer = Layer {
            file_name,
            text,
            file,
        };
        for key in layer.file.roles.keys() {
            if Role::from_key(key.get_ref()).is_none() {
                let names: Vec<&str> = Role::ALL.iter().map(|r| r.key()).collect();
                let message = format!(
                    "unknown role \"{}\" (expected one of: {})",
                    key.get_ref(),
                    names.join(", ")
                );
                return Err(layer.error(&key.span(), &format!("roles.{}", key.get_ref()), message));
            }
        }
        Ok(layer)
    }

    fn error(&self, span: &std::ops::Range<usize>, field: &str, message: String) -> ConfigError {
        ConfigError::at(&self.file_name, &self.text, span, field, message)
    }
}

fn parse_builtin(name: &str, text: &str) -> Result<Layer, ConfigError> {
    Layer::parse(
        text.to_owned(),
        PathBuf::from(format!("<built-in>/{name}.toml")),
    )
}

const COLOUR_HELP: &str = "use #rrggbb, 0-255, or a name like red, lightblue, darkgray, reset";

/// Merges the layers (later wins: palette entry by entry, roles whole) into a [`Theme`].
fn resolve(name: &str, layers: &[Layer]) -> Result<Theme, ConfigError> {
    let mut palette: BTreeMap<&str, Color> = BTreeMap::new();
    for layer in layers {
        for (key, value) in &layer.file.palette {
            let colour = value.get_ref().parse::<Color>().map_err(|_| {
                let message = format!("invalid colour \"{}\" ({COLOUR_HELP})", value.get_ref());
                layer.error(&value.span(), &format!("palette.{key}"), message)
            })?;
            palette.insert(key, colour);
        }
    }
    let mut roles: BTreeMap<Role, (&Layer, &RawStyle)> = BTreeMap::new();
    for layer in layers {
        for (key, raw) in &layer.file.roles {
            if let Some(role) = Role::from_key(key.get_ref()) {
                roles.insert(role, (layer, raw));
            }
        }
    }
    let mut styles = [Style::new(); Role::ALL.len()];
    for role in Role::ALL {
        let Some((layer, raw)) = roles.get(&role) else {
            let file = layers
                .last()
                .map_or(Path::new(""), |l| l.file_name.as_path());
            return Err(ConfigError {
                field: format!("roles.{}", role.key()),
                ..ConfigError::file(file, "role is not defined")
            });
        };
        let colour =
            |value: &Option<Spanned<String>>, attr: &str| {
                let Some(value) = value else { return Ok(None) };
                let text = value.get_ref();
                palette
                .get(text.as_str())
                .copied()
                .or_else(|| text.parse::<Color>().ok())
                .map(Some)
                .ok_or_else(|| {
                    let names: Vec<&str> = palette.keys().copied().collect();
                    let message = format!(
                        "\"{text}\" is neither a palette entry ({}) nor a colour ({COLOUR_HELP})",
                        names.join(", ")
                    );
                    layer.error(&value.span(), &format!("roles.{}.{attr}", role.key()), message)
                })
            };
        let mut style = Style::new();
        style.fg = colour(&raw.fg, "fg")?;
        style.bg = colour(&raw.bg, "bg")?;
        for (on, modifier) in [
            (raw.bold, Modifier::BOLD),
            (raw.dim, Modifier::DIM),
            (raw.italic, Modifier::ITALIC),
            (raw.underline, Modifier::UNDERLINED),
            (raw.reversed, Modifier::REVERSED),
        ] {
            if on {
                style = style.add_modifier(modifier);
            }
        }
        styles[role as usize] = style;
    }
    Ok(Theme {
        name: name.to_owned(),
        styles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn every_builtin_parses_and_defines_every_role() {
        for (name, text) in BUILTIN {
            let layer = parse_builtin(name, text).unwrap();
            for role in Role::ALL {
                assert!(
                    layer.file.roles.keys().any(|k| k.get_ref() == role.key()),
                    "{name} does not define {}",
                    role.key()
                );
            }
            let theme = Theme::load(name, None).unwrap();
            assert_eq!(theme.name, name);
        }
        assert_eq!(
            Theme::default_theme().style(Role::Error).fg,
            Some(Color::Rgb(0xf7, 0x76, 0x8e))
        );
    }

    #[test]
    fn builtins_are_sorted_and_named_like_their_files() {
        let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        assert!(names.contains(&"prod"));
    }

    #[test]
    fn role_keys_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_key(role.key()), Some(role));
            assert_eq!(Role::ALL[role as usize], role);
        }
    }

    #[test]
    fn prod_has_a_red_frame() {
        let prod = Theme::load("prod", None).unwrap();
        assert!(
            matches!(prod.style(Role::Border).fg, Some(Color::Rgb(r, g, b)) if r > 150 && g < 100 && b < 100)
        );
    }

    #[test]
    fn names_include_user_themes() {
        let dir = user_dir(&[("mine.toml", ""), ("light.toml", ""), ("notes.txt", "")]);
        let names = Theme::names(Some(dir.path()));
        assert_eq!(
            names,
            [
                "default",
                "high-contrast",
                "light",
                "mine",
                "prod",
                "solarized-dark"
            ]
        );
        assert_eq!(
            Theme::names(Some(Path::new("/no/such/dir"))).len(),
            BUILTIN.len()
        );
    }

    #[test]
    fn user_overlay_overrides_one_role() {
        let dir = user_dir(&[(
            "light.toml",
            "[roles]\nerror = { fg = \"#010203\", italic = true }\n",
        )]);
        let builtin = Theme::load("light", None).unwrap();
        let theme = Theme::load("light", Some(dir.path())).unwrap();
        assert_eq!(
            theme.style(Role::Error),
            Style::new().fg(Color::Rgb(1, 2, 3)).italic()
        );
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Error) {
            assert_eq!(theme.style(role), builtin.style(role), "{role:?}");
        }
    }

    #[test]
    fn user_palette_recolours_builtin_roles() {
        let dir = user_dir(&[("default.toml", "[palette]\nred = \"magenta\"\n")]);
        let theme = Theme::load("default", Some(dir.path())).unwrap();
        assert_eq!(theme.style(Role::Error).fg, Some(Color::Magenta));
        assert_eq!(theme.style(Role::FlashError).bg, Some(Color::Magenta));
    }

    #[test]
    fn new_user_theme_extends_a_builtin() {
        let dir = user_dir(&[
            ("mine.toml", "[roles]\nborder = { fg = \"236\" }\n"),
            ("sol.toml", "extends = \"solarized-dark\"\n"),
            ("bad.toml", "extends = \"nope\"\n"),
        ]);
        let mine = Theme::load("mine", Some(dir.path())).unwrap();
        assert_eq!(mine.name, "mine");
        assert_eq!(mine.style(Role::Border).fg, Some(Color::Indexed(236)));
        assert_eq!(
            mine.style(Role::Text),
            Theme::default_theme().style(Role::Text)
        );
        let sol = Theme::load("sol", Some(dir.path())).unwrap();
        let builtin = Theme::load("solarized-dark", None).unwrap();
        assert_eq!(sol.style(Role::Text), builtin.style(Role::Text));
        let e = Theme::load("bad", Some(dir.path())).unwrap_err();
        assert_eq!((e.line, e.column, e.field.as_str()), (1, 11, "extends"));
    }

    #[test]
    fn unknown_theme_is_an_error() {
        let e = Theme::load("nope", None).unwrap_err();
        assert_eq!(e.field, "theme");
        assert!(
            e.to_string()
                .starts_with("theme: unknown theme \"nope\" (available: default, "),
            "{e}"
        );
        assert!(Theme::load("../default", Some(Path::new("/tmp"))).is_err());
    }

    #[test]
    fn no_color_strips_colours_but_keeps_selection_visible() {
        for (name, _) in BUILTIN {
            let theme = Theme::load(name, None).unwrap().without_color();
            for role in Role::ALL {
                let style = theme.style(role);
                assert_eq!((style.fg, style.bg), (None, None), "{name} {role:?}");
            }
            assert!(
                theme
                    .style(Role::Selection)
                    .add_modifier
                    .contains(Modifier::REVERSED)
            );
            assert!(
                theme
                    .style(Role::Error)
                    .add_modifier
                    .contains(Modifier::BOLD)
            );
            assert!(
                theme
                    .style(Role::FlashError)
                    .add_modifier
                    .contains(Modifier::BOLD)
            );
        }
        let italic = Theme::load("high-contrast", None).unwrap().without_color();
        assert!(
            italic
                .style(Role::Muted)
                .add_modifier
                .contains(Modifier::ITALIC)
        );
    }

    fn broken(text: &str) -> ConfigError {
        let dir = user_dir(&[("broken.toml", text)]);
        let e = Theme::load("broken", Some(dir.path())).unwrap_err();
        assert_eq!(e.file, dir.path().join("broken.toml"));
        e
    }

    #[test]
    fn unknown_role_is_located() {
        let e = broken("[roles]\ntext = { fg = \"red\" }\nbordr = { fg = \"red\" }\n");
        assert_eq!((e.line, e.column, e.field.as_str()), (3, 1, "roles.bordr"));
        assert!(
            e.message
                .starts_with("unknown role \"bordr\" (expected one of: text, muted,"),
            "{}",
            e.message
        );
    }

    #[test]
    fn bad_colours_are_located() {
        let e = broken("[palette]\nsky = \"#12345\"\n");
        assert_eq!((e.line, e.column, e.field.as_str()), (2, 7, "palette.sky"));
        assert!(
            e.message.starts_with("invalid colour \"#12345\""),
            "{}",
            e.message
        );
        let e = broken("[roles]\nborder = { fg = \"red\", bg = \"skyblue\" }\n");
        assert_eq!(
            (e.line, e.column, e.field.as_str()),
            (2, 29, "roles.border.bg")
        );
        assert!(
            e.message.contains("neither a palette entry"),
            "{}",
            e.message
        );
    }

    #[test]
    fn bad_keys_are_located() {
        let e = broken("[roles]\nborder = { fg = \"red\", bolt = true }\n");
        assert_eq!(
            (e.line, e.column, e.field.as_str()),
            (2, 24, "roles.border.bolt")
        );
        let e = broken("\n[colours]\n");
        assert_eq!((e.line, e.field.as_str()), (2, "colours"));
        let e = broken("[roles]\ntext = { fg = \"red\", bold = \"yes\" }\n");
        assert_eq!((e.line, e.field.as_str()), (2, "roles.text.bold"));
    }
}
