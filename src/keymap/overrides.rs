//! User key overrides: the `[keys]` table of the config file maps action names to key lists.
//!
//! ```toml
//! [keys]
//! down = ["j", "down", "ctrl-n"]
//! quit = ["q"]            # Ctrl-c always quits as well
//! open_logs = ["L"]
//! ```
//!
//! An action's keys replace its built-in keys in every scope where the action is bound (`back` is `Esc`
//! in every pane). Lookup, help and the footer hints all read the effective keys, so they cannot drift.
//! Validation refuses unknown actions, unknown key names, an empty list, and a key that would then do
//! two things in one scope (or hide a global key in a pane).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Action, BINDINGS, Binding, Key, Scope};

/// The overridden actions and their keys (the rest keep the built-in table's).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyOverrides {
    by_action: Vec<(Action, Vec<Key>)>,
}

const CTRL_C: Key = Key {
    code: KeyCode::Char('c'),
    ctrl: true,
};

impl KeyOverrides {
    pub fn is_empty(&self) -> bool {
        self.by_action.is_empty()
    }

    /// Replaces `action`'s keys. Quit keeps Ctrl-c whatever the list says: there is always a way out.
    pub fn set(&mut self, action: Action, mut keys: Vec<Key>) {
        if action == Action::Quit && !keys.contains(&CTRL_C) {
            keys.push(CTRL_C);
        }
        self.by_action.retain(|(a, _)| *a != action);
        self.by_action.push((action, keys));
    }

    /// The keys in effect for a binding.
    pub fn keys_for<'a>(&'a self, binding: &'a Binding) -> &'a [Key] {
        self.by_action
            .iter()
            .find(|(a, _)| *a == binding.action)
            .map_or(binding.keys, |(_, keys)| keys.as_slice())
    }

    /// `j/↓`: the keys in effect for a binding, for help and hints.
    pub fn label(&self, binding: &Binding) -> String {
        self.keys_for(binding)
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join("/")
    }

    fn overrides(&self, action: Action) -> bool {
        self.by_action.iter().any(|(a, _)| *a == action)
    }

    /// The first key that would do two things once the overrides apply: two actions in one scope, or a
    /// pane's key hiding a different global action. Only conflicts that involve an overridden action are
    /// reported (the built-in table is checked by its own tests). Returns the overridden action at fault
    /// and a sentence saying what collides.
    pub fn first_conflict(&self) -> Option<(Action, String)> {
        for a in BINDINGS.iter().filter(|b| self.overrides(b.action)) {
            for key in self.keys_for(a) {
                for b in BINDINGS {
                    if b.action == a.action || !self.keys_for(b).contains(key) {
                        continue;
                    }
                    let same_scope = a.scope == b.scope;
                    let hides = a.scope == Scope::Global || b.scope == Scope::Global;
                    if same_scope || hides {
                        let where_ = if same_scope {
                            format!("in {}", a.scope.title())
                        } else if b.scope == Scope::Global {
                            format!("everywhere, and {} would hide it there", a.scope.title())
                        } else {
                            format!(
                                "in {}, where it would hide {}",
                                b.scope.title(),
                                action_name(a.action)
                            )
                        };
                        return Some((
                            a.action,
                            format!(
                                "key `{}` is already bound to {} {where_}",
                                key.label(),
                                action_name(b.action)
                            ),
                        ));
                    }
                }
            }
        }
        None
    }
}

/// The config name of an action: `page_down`, `open_logs`; numbered ones count from 1 (`canary_1`).
pub fn action_name(action: Action) -> String {
    let debug = format!("{action:?}");
    let (word, index) = match debug.split_once('(') {
        Some((word, rest)) => (
            word.to_string(),
            rest.trim_end_matches(')').parse::<usize>().ok(),
        ),
        None => (debug.clone(), None),
    };
    let mut out = String::new();
    for (i, c) in word.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    if let Some(n) = index {
        out = format!("{out}_{}", n + 1);
    }
    out
}

/// Every action that has a binding, by name, in table order (each once).
pub fn action_names() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for b in BINDINGS {
        let name = action_name(b.action);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The action called `name` (see [`action_name`]), if it is bound anywhere.
pub fn action_by_name(name: &str) -> Option<Action> {
    BINDINGS
        .iter()
        .map(|b| b.action)
        .find(|a| action_name(*a) == name)
}

/// Parses a key: a single character (`j`, `G`, `$`), a name (`enter`, `esc`, `tab`, `backtab`,
/// `space`, `up`, `down`, `left`, `right`, `home`, `end`, `pgup`, `pgdn`, `backspace`, `delete`,
/// `insert`, `f1`…`f12`), or `ctrl-` and a character (`ctrl-r`).
pub fn parse_key(text: &str) -> Result<Key, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(rest) = lower
        .strip_prefix("ctrl-")
        .or_else(|| lower.strip_prefix("ctrl+"))
        .or_else(|| lower.strip_prefix("c-"))
    {
        let mut chars = rest.chars();
        return match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_alphanumeric() => Ok(Key {
                code: KeyCode::Char(c),
                ctrl: true,
            }),
            _ => Err(format!(
                "unknown key \"{text}\" (ctrl- takes one letter or digit, e.g. ctrl-r)"
            )),
        };
    }
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_control() {
            return Err(format!("unknown key {text:?} (a control character)"));
        }
        return Ok(Key {
            code: KeyCode::Char(c),
            ctrl: false,
        });
    }
    if let Some(n) = lower
        .strip_prefix('f')
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|n| (1..=12).contains(n))
    {
        return Ok(Key {
            code: KeyCode::F(n),
            ctrl: false,
        });
    }
    let code = match lower.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" | "s-tab" | "shift-tab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        _ => {
            return Err(format!(
                "unknown key \"{text}\" (a character, ctrl-X, or one of enter, esc, tab, backtab, \
                 space, up, down, left, right, home, end, pgup, pgdn, backspace, delete, insert, f1…f12)"
            ));
        }
    };
    Ok(Key { code, ctrl: false })
}

/// The action bound to `ev` in `scope` with the user's overrides applied, scoped bindings first.
pub fn lookup_with(overrides: &KeyOverrides, ev: &KeyEvent, scope: Scope) -> Option<Action> {
    if overrides.is_empty() {
        return super::lookup(ev, scope);
    }
    let pressed =
        |k: &Key| k.code == ev.code && k.ctrl == ev.modifiers.contains(KeyModifiers::CONTROL);
    let find = |s: Scope| {
        BINDINGS
            .iter()
            .filter(|b| b.scope == s)
            .find(|b| overrides.keys_for(b).iter().any(pressed))
            .map(|b| b.action)
    };
    find(scope).or_else(|| find(Scope::Global))
}

/// Footer hints for a scope with the user's overrides applied.
pub fn hints_with(overrides: &KeyOverrides, scope: Scope) -> Vec<(String, &'static str)> {
    let of = |s: Scope| {
        BINDINGS
            .iter()
            .filter(move |b| b.scope == s)
            .filter_map(|b| b.hint.map(|h| (overrides.label(b), h)))
    };
    let mut out: Vec<(String, &'static str)> = of(scope).collect();
    out.extend(of(Scope::Global));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    fn overrides(pairs: &[(&str, &[&str])]) -> KeyOverrides {
        let mut o = KeyOverrides::default();
        for (name, keys) in pairs {
            let action = action_by_name(name).unwrap();
            o.set(action, keys.iter().map(|k| parse_key(k).unwrap()).collect());
        }
        o
    }

    #[test]
    fn action_names_are_snake_case_and_round_trip() {
        assert_eq!(action_name(Action::PageDown), "page_down");
        assert_eq!(action_name(Action::CopyConsoleUrl), "copy_console_url");
        assert_eq!(action_name(Action::Canary(0)), "canary_1");
        assert_eq!(action_name(Action::Canary(4)), "canary_5");
        let names = action_names();
        assert!(names.contains(&"quit".to_string()));
        for name in &names {
            let action = action_by_name(name).unwrap();
            assert_eq!(&action_name(action), name);
        }
        assert_eq!(action_by_name("teleport"), None);
    }

    #[test]
    fn keys_parse_by_character_name_and_ctrl() {
        assert_eq!(
            parse_key("j").unwrap(),
            Key {
                code: KeyCode::Char('j'),
                ctrl: false
            }
        );
        assert_eq!(parse_key("G").unwrap().code, KeyCode::Char('G'));
        assert_eq!(
            parse_key("ctrl-R").unwrap(),
            Key {
                code: KeyCode::Char('r'),
                ctrl: true
            }
        );
        assert_eq!(parse_key("PgDn").unwrap().code, KeyCode::PageDown);
        assert_eq!(parse_key("space").unwrap().code, KeyCode::Char(' '));
        assert_eq!(parse_key("f5").unwrap().code, KeyCode::F(5));
        for bad in ["", "ctrl-", "ctrl-ab", "hyper-x", "f13", "\u{1b}", "jj"] {
            assert!(parse_key(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn an_override_replaces_the_keys_everywhere_the_action_is_bound() {
        let o = overrides(&[("down", &["n"]), ("back", &["backspace"])]);
        assert_eq!(
            lookup_with(&o, &key(KeyCode::Char('n')), Scope::Functions),
            Some(Action::Down)
        );
        assert_eq!(
            lookup_with(&o, &key(KeyCode::Char('j')), Scope::Functions),
            None
        );
        for scope in [Scope::Detail, Scope::Aliases, Scope::Logs] {
            assert_eq!(
                lookup_with(&o, &key(KeyCode::Backspace), scope),
                Some(Action::Back)
            );
            assert_eq!(
                lookup_with(&o, &key(KeyCode::Esc), scope),
                None,
                "{scope:?}"
            );
        }
        // Untouched actions keep their keys.
        assert_eq!(
            lookup_with(&o, &key(KeyCode::Char('?')), Scope::Logs),
            Some(Action::Help)
        );
    }

    #[test]
    fn quit_keeps_ctrl_c() {
        let o = overrides(&[("quit", &["x"])]);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            lookup_with(&o, &ctrl_c, Scope::Functions),
            Some(Action::Quit)
        );
        assert_eq!(
            lookup_with(&o, &key(KeyCode::Char('x')), Scope::Functions),
            Some(Action::Quit)
        );
        assert_eq!(
            lookup_with(&o, &key(KeyCode::Char('q')), Scope::Functions),
            None
        );
    }

    #[test]
    fn help_and_hints_show_the_effective_keys() {
        let o = overrides(&[("help", &["h", "f1"])]);
        let hints = hints_with(&o, Scope::Functions);
        assert!(hints.contains(&("h/F1".to_string(), "help")), "{hints:?}");
        assert!(!hints.iter().any(|(k, _)| k == "?"), "{hints:?}");
        let help = BINDINGS.iter().find(|b| b.action == Action::Help).unwrap();
        assert_eq!(o.label(help), "h/F1");
        assert_eq!(
            hints_with(&KeyOverrides::default(), Scope::Logs),
            super::super::hints(Scope::Logs)
        );
    }

    #[test]
    fn conflicts_are_found_only_where_they_bite() {
        // `F` is the logs pane's server-side filter.
        let (action, why) = overrides(&[("follow", &["F"])]).first_conflict().unwrap();
        assert_eq!(action, Action::Follow);
        assert!(
            why.contains("server_filter") && why.contains("Logs"),
            "{why}"
        );
        // A global key that a pane uses for something else would be hidden there.
        let (_, why) = overrides(&[("help", &["l"])]).first_conflict().unwrap();
        assert!(why.contains("open_logs"), "{why}");
        // Swapping two keys is fine when both are overridden.
        assert_eq!(
            overrides(&[("down", &["k"]), ("up", &["j"])]).first_conflict(),
            None
        );
        assert_eq!(overrides(&[("wrap", &["W"])]).first_conflict(), None);
    }
}
