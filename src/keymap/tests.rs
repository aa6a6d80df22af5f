//! The binding table: scoped keys win, Ctrl-c quits, no key is bound twice in a scope.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

#[test]
fn scoped_binding_wins_over_global() {
    assert_eq!(
        lookup(&key(KeyCode::Esc), Scope::Detail),
        Some(Action::Back)
    );
    assert_eq!(
        lookup(&key(KeyCode::Char('v')), Scope::Detail),
        Some(Action::RevealEnv)
    );
    assert_eq!(lookup(&key(KeyCode::Char('v')), Scope::Functions), None);
    assert_eq!(
        lookup(&key(KeyCode::Char('j')), Scope::Functions),
        Some(Action::Down)
    );
}

#[test]
fn ctrl_c_quits_but_plain_c_does_not() {
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(lookup(&ctrl_c, Scope::Functions), Some(Action::Quit));
    assert_eq!(lookup(&key(KeyCode::Char('c')), Scope::Functions), None);
}

#[test]
fn no_key_is_bound_twice_in_one_scope() {
    for a in BINDINGS {
        for b in BINDINGS {
            if std::ptr::eq(a, b) || a.scope != b.scope {
                continue;
            }
            for k in a.keys {
                assert!(!b.keys.contains(k), "{k:?} bound twice in {:?}", a.scope);
            }
        }
    }
}
