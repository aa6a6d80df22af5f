//! The alarms pane: every alarm of the account/region, firing first, filterable, narrowed to the
//! selected function on demand; a detail with the alarm's history; mute and unmute.

mod queues;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_queues;
mod update;

use std::collections::BTreeSet;

use crate::domain::Remote;
use crate::domain::alarm::{Alarm, AlarmHistoryItem, concerns_function, sort_alarms};

use crate::app::filter::Filter;

/// The detail of one alarm: its configuration (from the list) and its history.
#[derive(Clone, Debug)]
pub struct AlarmDetail {
    pub name: String,
    pub history: Remote<Vec<AlarmHistoryItem>>,
    /// The endpoint does not implement DescribeAlarmHistory (the emulator): say so, do not retry.
    pub history_unsupported: bool,
    pub request: u64,
    pub scroll: u16,
}

#[derive(Clone, Debug, Default)]
pub struct AlarmsPane {
    /// Sorted: ALARM first, then most recent.
    pub remote: Remote<Vec<Alarm>>,
    pub view: Vec<usize>,
    pub selected: usize,
    pub offset: usize,
    pub filter_input: String,
    /// Only alarms that concern this function (dimension FunctionName / Resource).
    pub for_function: Option<String>,
    /// The queues of `for_function` (its DLQs, source queues, on-failure destinations): alarms on them
    /// (dimension `QueueName`) are that function's too.
    pub for_function_queues: Vec<String>,
    /// Alarms marked with Space for a bulk mute / unmute.
    pub marked: BTreeSet<String>,
    pub detail: Option<AlarmDetail>,
}

impl AlarmsPane {
    pub fn all(&self) -> &[Alarm] {
        self.remote.data.as_deref().unwrap_or(&[])
    }

    pub fn rows(&self) -> impl Iterator<Item = &Alarm> {
        let all = self.all();
        self.view.iter().filter_map(move |&i| all.get(i))
    }

    pub fn selected_alarm(&self) -> Option<&Alarm> {
        self.view
            .get(self.selected)
            .and_then(|&i| self.all().get(i))
    }

    /// The alarms a mute/unmute applies to: the marked ones, else the selected one.
    pub fn targets(&self) -> Vec<Alarm> {
        if self.marked.is_empty() {
            self.selected_alarm().cloned().into_iter().collect()
        } else {
            self.all()
                .iter()
                .filter(|a| self.marked.contains(&a.name))
                .cloned()
                .collect()
        }
    }

    /// Replaces the list (sorted), keeping the selected alarm selected.
    pub fn set(&mut self, mut alarms: Vec<Alarm>) {
        let keep = self.selected_alarm().map(|a| a.name.clone());
        sort_alarms(&mut alarms);
        self.marked.retain(|m| alarms.iter().any(|a| &a.name == m));
        self.remote.data = Some(alarms);
        self.rebuild_view(keep.as_deref());
    }

    pub fn rebuild_view(&mut self, keep: Option<&str>) {
        let filter = Filter::parse(&self.filter_input);
        let all = self.remote.data.as_deref().unwrap_or(&[]);
        let view: Vec<usize> = (0..all.len())
            .filter(|&i| {
                let a = &all[i];
                let metric = a.metric.as_deref().unwrap_or("");
                filter.matches(&[&a.name, metric, a.state.as_str()])
                    && self
                        .for_function
                        .as_deref()
                        .is_none_or(|f| concerns_function(a, f, &self.for_function_queues))
            })
            .collect();
        let found = keep.and_then(|name| view.iter().position(|&i| all[i].name == name));
        self.view = view;
        self.selected = found.unwrap_or(self.selected.min(self.view.len().saturating_sub(1)));
    }

    pub fn move_by(&mut self, delta: isize) {
        self.selected = self
            .selected
            .saturating_add_signed(delta)
            .min(self.view.len().saturating_sub(1));
    }

    pub fn scroll_into_view(&mut self, rows: usize) {
        self.offset =
            crate::app::scrolled_offset(self.selected, self.offset, rows, self.view.len());
    }
}
