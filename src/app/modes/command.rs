//! Running a palette command. A command with a name (`:logs payments-webhook`) opens that function (or
//! alarm, or queue) — never the selected row — or says it does not know the name and opens nothing.
//!
//! A name resolves to the exact name, else to the only name that starts with it; several names
//! starting with it is an error that lists them (no fuzzy match: opening a near miss is acting on the
//! wrong thing).

use super::palette::{Command, PaneName};
use crate::app::{Action, App, Cmd, FlashLevel, Mode};

/// How a typed name resolved against a list of names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::app) enum Resolved {
    One(String),
    Ambiguous(Vec<String>),
    None,
}

/// Exact name, else the unique name starting with `typed`.
pub(in crate::app) fn resolve<'a>(typed: &str, names: impl Iterator<Item = &'a str>) -> Resolved {
    let mut prefixed = Vec::new();
    for name in names {
        if name == typed {
            return Resolved::One(name.to_string());
        }
        if name.starts_with(typed) && !prefixed.iter().any(|p| p == name) {
            prefixed.push(name.to_string());
        }
    }
    match prefixed.len() {
        0 => Resolved::None,
        1 => Resolved::One(prefixed.remove(0)),
        _ => {
            prefixed.sort();
            Resolved::Ambiguous(prefixed)
        }
    }
}

/// `a, b, c` or `a, b, c and 4 more`.
fn some_of(names: &[String]) -> String {
    const SHOWN: usize = 3;
    let head = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        format!("{head} and {} more", names.len() - SHOWN)
    } else {
        head
    }
}

/// The one wording of "that function does not exist" (palette, panes, CLI).
pub use crate::aws::function_not_found;

impl App {
    /// Resolves a typed function name against the functions list.
    fn resolve_function(&self, typed: &str) -> Result<String, String> {
        if self.functions.remote.data.is_none() {
            return Err(format!(
                "{typed}: the function list is not loaded yet (nothing opened)"
            ));
        }
        match resolve(typed, self.functions.all().iter().map(|f| f.name.as_str())) {
            Resolved::One(name) => Ok(name),
            Resolved::Ambiguous(names) => Err(format!(
                "{typed} is ambiguous: {} (nothing opened; Tab completes)",
                some_of(&names)
            )),
            Resolved::None => Err(format!(
                "{} (nothing opened; Tab completes)",
                function_not_found(typed, &self.region)
            )),
        }
    }

    pub(in crate::app) fn run_command(&mut self, cmd: Command) -> Vec<Cmd> {
        match cmd {
            Command::Quit => self.on_action(Action::Quit),
            Command::Quota => {
                self.mode = Mode::Quota;
                Vec::new()
            }
            Command::Open(PaneName::Functions, _) => self.show_functions(),
            Command::Open(PaneName::Cost, _) => self.open_cost(),
            Command::Open(pane, None) => self.open_pane_here(pane),
            Command::Open(pane, Some(name)) => self.open_pane_named(pane, &name),
            Command::Region(region) => {
                self.flash(FlashLevel::Info, format!("switching to region {region}…"));
                self.switching_to = Some(region.clone());
                let profile = Some(self.profile.clone());
                self.reconnect(profile, Some(region))
            }
            Command::Profile(profile) => {
                self.flash(FlashLevel::Info, format!("switching to profile {profile}…"));
                // A new profile brings its own default region unless the user picked one.
                self.reconnect(Some(profile), None)
            }
            Command::Theme(name) => vec![Cmd::LoadTheme(name)],
        }
    }

    /// `:logs` without a name: the function the current pane is about (the selected row's).
    fn open_pane_here(&mut self, pane: PaneName) -> Vec<Cmd> {
        let name = self.current_function();
        match pane {
            PaneName::Aliases => self.open_aliases(),
            PaneName::Alarms => self.open_alarms(),
            PaneName::Dlq => self.open_dlq(None),
            PaneName::Metrics => self.open_metrics(name, None),
            PaneName::Logs => self.open_logs(name.into_iter().collect()),
            PaneName::Functions => self.show_functions(),
            PaneName::Cost => self.open_cost(),
        }
    }

    fn open_pane_named(&mut self, pane: PaneName, typed: &str) -> Vec<Cmd> {
        let function = self.resolve_function(typed);
        match (pane, function) {
            (PaneName::Logs, Ok(f)) => self.open_logs(vec![f]),
            (PaneName::Metrics, Ok(f)) => self.open_metrics(Some(f), None),
            (PaneName::Aliases, Ok(f)) => self.open_aliases_of(f),
            (PaneName::Alarms, Ok(f)) => {
                let cmds = self.open_alarms();
                self.alarms_of_function(Some(f));
                cmds
            }
            (PaneName::Dlq, Ok(f)) => self.open_dlq(Some(f)),
            (PaneName::Alarms, Err(why)) => self.open_named_alarm(typed, &why),
            (PaneName::Dlq, Err(why)) => self.open_named_queue(typed, &why),
            (_, Err(why)) => {
                self.flash(FlashLevel::Warn, why);
                Vec::new()
            }
            (PaneName::Functions | PaneName::Cost, Ok(_)) => self.open_pane_here(pane),
        }
    }

    /// `:alarms NAME` where NAME is no function: the alarm of that name, its detail open.
    fn open_named_alarm(&mut self, typed: &str, not_a_function: &str) -> Vec<Cmd> {
        let names: Vec<String> = self.alarms.all().iter().map(|a| a.name.clone()).collect();
        let known = names.iter().map(String::as_str).chain(
            self.firing
                .data
                .as_deref()
                .unwrap_or(&[])
                .iter()
                .map(|a| a.name.as_str()),
        );
        match resolve(typed, known) {
            Resolved::One(alarm) => {
                let mut cmds = self.open_alarms();
                self.alarms.for_function = None;
                self.alarms.filter_input.clear();
                self.alarms.rebuild_view(Some(&alarm));
                if self
                    .alarms
                    .selected_alarm()
                    .is_some_and(|a| a.name == alarm)
                {
                    cmds.extend(self.on_alarms_list_action(Action::Enter, 0));
                } else {
                    // Not listed yet (the list is loading): filtered to it, so it is what shows.
                    self.flash(
                        FlashLevel::Info,
                        format!("alarm {alarm}: shown when the list arrives"),
                    );
                    self.alarms.filter_input = alarm;
                    self.alarms.rebuild_view(None);
                }
                cmds
            }
            Resolved::Ambiguous(names) => {
                self.flash(
                    FlashLevel::Warn,
                    format!("{typed} is ambiguous: {} (nothing opened)", some_of(&names)),
                );
                Vec::new()
            }
            Resolved::None => {
                self.flash(
                    FlashLevel::Warn,
                    format!("no function or alarm named {typed} ({not_a_function})"),
                );
                Vec::new()
            }
        }
    }

    /// `:dlq NAME` where NAME is no function: the queue of that name, selected.
    fn open_named_queue(&mut self, typed: &str, not_a_function: &str) -> Vec<Cmd> {
        let names: Vec<String> = self.dlq.known.iter().map(|d| d.name.clone()).collect();
        match resolve(typed, names.iter().map(String::as_str)) {
            Resolved::One(queue) => {
                let cmds = self.open_dlq(None);
                if let Some(i) = self.dlq.all().iter().position(|d| d.name == queue) {
                    self.dlq.selected = i;
                    let rows = self.page_rows();
                    self.dlq.scroll_into_view(rows);
                }
                cmds
            }
            Resolved::Ambiguous(names) => {
                self.flash(
                    FlashLevel::Warn,
                    format!("{typed} is ambiguous: {} (nothing opened)", some_of(&names)),
                );
                Vec::new()
            }
            Resolved::None => {
                self.flash(
                    FlashLevel::Warn,
                    format!("no function or queue named {typed} ({not_a_function})"),
                );
                Vec::new()
            }
        }
    }

    /// After a reconnect asked by `:region`: say it is done.
    pub(in crate::app) fn say_switched(&mut self) {
        if let Some(region) = self.switching_to.take() {
            self.flash(FlashLevel::Info, format!("switched to region {region}"));
        }
    }

    /// Narrows the alarms list to `function`'s alarms (its queues' alarms too), or shows all.
    pub(in crate::app) fn alarms_of_function(&mut self, function: Option<String>) {
        let keep = self.alarms.selected_alarm().map(|a| a.name.clone());
        self.alarms.for_function_queues = function
            .as_deref()
            .map(|f| self.queue_names_of(f))
            .unwrap_or_default();
        self.alarms.for_function = function;
        self.alarms.rebuild_view(keep.as_deref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_resolves_exactly_then_by_unique_prefix() {
        let names = ["payments-webhook", "payments-webhook-v2", "orders-api"];
        assert_eq!(
            resolve("payments-webhook", names.into_iter()),
            Resolved::One("payments-webhook".into()),
            "exact wins over the longer name it prefixes"
        );
        assert_eq!(
            resolve("ord", names.into_iter()),
            Resolved::One("orders-api".into())
        );
        assert_eq!(
            resolve("pay", names.into_iter()),
            Resolved::Ambiguous(vec![
                "payments-webhook".into(),
                "payments-webhook-v2".into()
            ])
        );
        assert_eq!(resolve("webhook", names.into_iter()), Resolved::None);
    }
}
