//! Where Esc goes back to: a navigation stack. Opening a pane from another one remembers the one left
//! (Logs, Metrics or DLQ opened from the detail → Esc returns to the detail; an alarm's metrics → the
//! alarm), and the pane's frame shows the path as a breadcrumb. The functions list is the root: going
//! to it (Tab, `:functions`, Esc at the bottom of the stack) clears the stack. Going to a view already
//! on the stack cuts the stack there, so it never loops.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::{App, Cmd, FlashLevel, View, keymap};

/// A view to go back to, and what it showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavEntry {
    pub view: View,
    /// For the breadcrumb: `payments-webhook`, `logs payments-webhook`, `alarm order-dlq-not-empty`.
    pub label: String,
    /// The DLQ pane's scope (one function's queues, or every function's).
    dlq_for: Option<String>,
}

/// The deepest the stack goes (older entries are dropped).
const NAV_DEPTH: usize = 16;

impl App {
    /// The breadcrumb label of the view shown now.
    pub fn nav_label(&self) -> String {
        match self.view {
            View::Functions => "Functions".to_string(),
            View::Detail => self
                .detail
                .as_ref()
                .map_or_else(|| "detail".to_string(), |d| d.function.clone()),
            View::Logs => self.logs.as_ref().map_or_else(
                || "logs".to_string(),
                |l| format!("logs {}", l.functions.join("+")),
            ),
            View::Metrics => self.metrics.as_ref().map_or_else(
                || "metrics".to_string(),
                |m| format!("metrics {}", m.function),
            ),
            View::Alarms => match (&self.alarms.detail, &self.alarms.for_function) {
                (Some(d), _) => format!("alarm {}", d.name),
                (None, Some(f)) => format!("alarms of {f}"),
                (None, None) => "alarms".to_string(),
            },
            View::Dlq => {
                let scope = self
                    .dlq
                    .for_function
                    .as_ref()
                    .map_or_else(|| "DLQs".to_string(), |f| format!("DLQs of {f}"));
                match &self.dlq.peek {
                    Some(p) if p.detail => format!("{scope} › {} message", p.queue.name),
                    Some(p) => format!("{scope} › {}", p.queue.name),
                    None => scope,
                }
            }
            View::Aliases => self.aliases.as_ref().map_or_else(
                || "aliases".to_string(),
                |a| format!("aliases of {}", a.function),
            ),
            View::Cost => "cost".to_string(),
        }
    }

    /// The path from the functions list to here, for the pane's frame.
    pub fn breadcrumb(&self) -> Vec<String> {
        let mut path = vec!["Functions".to_string()];
        path.extend(self.nav.iter().map(|e| e.label.clone()));
        if self.view != View::Functions {
            path.push(self.nav_label());
        }
        path
    }

    /// Remembers the view shown now before going to `to` (nothing when it is the same view).
    pub(in crate::app) fn nav_push(&mut self, to: View) {
        if self.view == to {
            return;
        }
        if self.view == View::Functions {
            self.nav.clear();
            return;
        }
        if let Some(at) = self.nav.iter().position(|e| e.view == to) {
            // Back to a view already on the stack: cut it there (no loops).
            self.nav.truncate(at);
            return;
        }
        let entry = NavEntry {
            view: self.view,
            label: self.nav_label(),
            dlq_for: self.dlq.for_function.clone(),
        };
        self.nav.push(entry);
        if self.nav.len() > NAV_DEPTH {
            self.nav.remove(0);
        }
    }

    /// Esc at a pane's top level: back to the view it was opened from (its state as it was left),
    /// else the functions list.
    pub(in crate::app) fn go_back(&mut self) -> Vec<Cmd> {
        while let Some(entry) = self.nav.pop() {
            let rest = self.nav.clone();
            let cmds = match entry.view {
                View::Functions => None,
                View::Detail => self.detail.is_some().then(|| self.back_to(View::Detail)),
                View::Aliases => self.aliases.is_some().then(|| self.back_to(View::Aliases)),
                View::Cost => Some(self.back_to(View::Cost)),
                View::Metrics => self.metrics.is_some().then(|| {
                    let mut cmds = self.back_to(View::Metrics);
                    cmds.extend(self.maybe_fetch_pane_metrics());
                    cmds
                }),
                View::Logs => self.logs.is_some().then(|| {
                    let mut cmds = self.back_to(View::Logs);
                    // The tail stopped when the pane was left: it starts again (same functions,
                    // filter, range and display).
                    cmds.extend(self.restart_tail_kept());
                    cmds
                }),
                View::Alarms => Some(self.open_alarms()),
                View::Dlq => Some(self.open_dlq(entry.dlq_for.clone())),
            };
            if let Some(cmds) = cmds {
                self.nav = rest;
                return cmds;
            }
        }
        self.show_functions()
    }

    /// Shows `view` again (its pane state was kept), stopping the pollers of the view left.
    fn back_to(&mut self, view: View) -> Vec<Cmd> {
        let cmds = self.leave_view();
        self.view = view;
        cmds
    }

    /// A key bound to nothing here: say so, and where to look (no silent keys).
    pub(in crate::app) fn say_key_does_nothing(&mut self, key: &KeyEvent) {
        let label = match key.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => {
                format!("Ctrl-{c}")
            }
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            // Modifier-only and other keys: nothing worth saying.
            _ => return,
        };
        let scope = self.scope();
        self.flash(
            FlashLevel::Info,
            format!(
                "{label} does nothing in {} (? lists the keys)",
                keymap::Scope::title(scope).to_lowercase()
            ),
        );
    }
}

#[cfg(test)]
mod tests;
