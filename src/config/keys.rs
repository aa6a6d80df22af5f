//! The `[keys]` table: action names to key lists, validated into `KeyOverrides`.

use std::ops::Range;

use toml::Spanned;

use super::ConfigError;
use crate::keymap::KeyOverrides;

pub(super) type RawKeys =
    std::collections::BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>;

/// Validates `[keys]`: known action names, known keys, at least one key each, no key doing two things.
pub(super) fn key_overrides(
    raw: &RawKeys,
    err: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
) -> Result<KeyOverrides, ConfigError> {
    use crate::keymap::{action_by_name, action_name, action_names, parse_key};
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
