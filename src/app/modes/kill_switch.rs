//! `K`, the kill switch, on a function (functions list and detail): reads the function's reserved
//! concurrency and lambdash's memory of having stopped it (`Cmd::FetchKillSwitch`), then offers the
//! stop (reserved concurrency → 0) or, when it is at 0, the restore of exactly the remembered value,
//! through the confirm step. What is known of each function's reserved concurrency (these answers,
//! the detail pane, the memory) feeds the `STOPPED` flag of the functions table.

use std::collections::BTreeMap;

#[allow(clippy::wildcard_imports)]
use crate::app::*;
use crate::domain::concurrency::{
    LeverRefusal, Remembered, Reserved, ReservedChange, plan_restore, plan_stop,
};
use crate::writes::levers::{FUNCTION_RESTORE, FUNCTION_STOP, LeverWrite};

/// What lambdash knows of reserved concurrency, per function of this account and region.
#[derive(Clone, Debug, Default)]
pub struct KillSwitchState {
    /// The last value read or written (GetFunctionConcurrency on `K`, the detail, a lever's result).
    pub reserved: BTreeMap<String, Reserved>,
    /// The functions lambdash stopped (`stopped.json`), with the value a restore brings back.
    pub remembered: BTreeMap<String, Remembered>,
    /// The `K` answer awaited (older ones are dropped).
    pub request: u64,
    /// The lever confirmed and running: applied to what is known when it succeeds.
    pub running: Option<ReservedChange>,
}

/// The answer to `Cmd::FetchKillSwitch`: the function's reserved concurrency now, and what lambdash
/// remembers of having stopped it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReservedNow {
    pub current: Reserved,
    pub remembered: Option<Remembered>,
}

impl App {
    /// Whether `function` is known to be stopped (reserved concurrency 0); `None` when unknown.
    pub fn known_stopped(&self, function: &str) -> Option<bool> {
        if let Some(r) = self.kill_switch.reserved.get(function) {
            return Some(r.is_stopped());
        }
        if self.kill_switch.remembered.contains_key(function) {
            return Some(true);
        }
        None
    }

    /// `K`: the function the pane is about, its reserved concurrency read before anything is offered.
    pub(in crate::app) fn on_kill_switch(&mut self) -> Vec<Cmd> {
        let function = match self.view {
            View::Detail => self.detail.as_ref().map(|d| d.function.clone()),
            _ => self.functions.selected_function().map(|f| f.name.clone()),
        };
        let Some(function) = function else {
            self.flash(FlashLevel::Info, "no function selected");
            return Vec::new();
        };
        if self.read_only {
            let action = if self.known_stopped(&function) == Some(true) {
                FUNCTION_RESTORE
            } else {
                FUNCTION_STOP
            };
            self.flash(
                FlashLevel::Warn,
                format!("refused: read-only mode forbids {action} ({function})"),
            );
            return Vec::new();
        }
        let Some(account) = self.account() else {
            self.flash(
                FlashLevel::Error,
                "account id unknown (STS failed): lambdash cannot remember the previous reserved concurrency",
            );
            return Vec::new();
        };
        self.next_request += 1;
        self.kill_switch.request = self.next_request;
        self.flash(
            FlashLevel::Info,
            format!("reading the reserved concurrency of {function}…"),
        );
        vec![Cmd::FetchKillSwitch {
            generation: self.generation,
            request: self.next_request,
            account,
            function,
        }]
    }

    /// The reserved concurrency is known: the confirm step for the stop, or for the restore when the
    /// function is at 0; a refusal (nothing to do, nothing remembered) is flashed.
    pub(in crate::app) fn on_kill_switch_answer(
        &mut self,
        generation: u64,
        request: u64,
        function: &str,
        result: Result<ReservedNow, String>,
    ) -> Vec<Cmd> {
        if generation != self.generation || request != self.kill_switch.request {
            return Vec::new();
        }
        let now = match result {
            Ok(now) => now,
            Err(e) => {
                self.flash(FlashLevel::Error, format!("{function}: {e}"));
                return Vec::new();
            }
        };
        self.kill_switch
            .reserved
            .insert(function.to_string(), now.current);
        match now.remembered {
            Some(r) => self.kill_switch.remembered.insert(function.to_string(), r),
            None => self.kill_switch.remembered.remove(function),
        };
        let Some(account) = self.account() else {
            return Vec::new();
        };
        let planned = if now.current.is_stopped() {
            plan_restore(
                function,
                &account,
                &self.region,
                now.current,
                now.remembered.as_ref(),
                false,
            )
        } else {
            plan_stop(
                function,
                &account,
                &self.region,
                now.current,
                now.remembered.as_ref(),
            )
        };
        match planned {
            Ok(change) => {
                // The "reading…" flash is answered by the confirm step itself.
                self.flash = None;
                self.ask_confirm(Write::Lever(LeverWrite::Reserved(change)), None);
            }
            Err(LeverRefusal::Nothing(why) | LeverRefusal::Refused(why)) => {
                self.flash(FlashLevel::Warn, why);
            }
        }
        Vec::new()
    }

    /// The remembered stops of this account and region, read from `stopped.json` at connect.
    pub(in crate::app) fn on_stopped_loaded(
        &mut self,
        generation: u64,
        remembered: BTreeMap<String, Remembered>,
    ) -> Vec<Cmd> {
        if generation == self.generation {
            self.kill_switch.remembered = remembered;
            self.refresh_row_keys();
        }
        Vec::new()
    }

    /// A confirmed lever finished: what it set is now known (and the memory follows it); the detail
    /// of that function, when open, is read again.
    pub(in crate::app) fn kill_switch_done(&mut self, succeeded: bool) -> Vec<Cmd> {
        let Some(change) = self.kill_switch.running.take() else {
            return Vec::new();
        };
        if !succeeded {
            return Vec::new();
        }
        if change.to.is_stopped() && !change.from.is_stopped() {
            self.kill_switch.remembered.insert(
                change.function.clone(),
                Remembered {
                    at: self.now,
                    previous: change.from,
                },
            );
        } else if !change.to.is_stopped() {
            self.kill_switch.remembered.remove(&change.function);
        }
        let shown = self
            .detail
            .as_ref()
            .is_some_and(|d| d.function == change.function);
        self.kill_switch.reserved.insert(change.function, change.to);
        self.refresh_row_keys();
        if shown {
            self.refresh_detail()
        } else {
            Vec::new()
        }
    }
}

/// The confirm dialog's title and lines for a lever.
pub(in crate::app) fn lever_text(write: &LeverWrite) -> (String, Vec<String>) {
    let mut lines = crate::app::aliases::wrap_words(&format!("This {}.", write.confirm_text()), 84);
    let title = match write {
        LeverWrite::Reserved(c) => match c.intent {
            crate::domain::concurrency::ReservedIntent::Stop => {
                lines.extend([
                    String::new(),
                    format!(
                        "Callers are throttled (TooManyRequestsException) until restored; {} is remembered",
                        c.from
                    ),
                    "across restarts, and K again restores exactly it.".to_string(),
                ]);
                format!("STOP {}", c.function)
            }
            crate::domain::concurrency::ReservedIntent::Restore { .. } => {
                format!("Restore {}", c.function)
            }
            crate::domain::concurrency::ReservedIntent::Set => {
                format!("Reserved concurrency of {}", c.function)
            }
        },
        _ => write.action().to_string(),
    };
    (title, lines)
}
