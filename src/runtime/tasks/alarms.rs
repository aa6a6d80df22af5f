//! The alarms pane's one-shot fetch: an alarm's history. (The alarms pollers are in `tasks/mod.rs`.)

use chrono::Utc;

use crate::app::{AlarmsMsg, Msg};
use crate::runtime::Executor;

impl Executor {
    pub(in crate::runtime) fn fetch_alarm_history(
        &self,
        generation: u64,
        request: u64,
        name: String,
    ) {
        self.answer(move |clients, _| async move {
            let result = clients
                .alarm_history(&name)
                .await
                .map_err(|e| (e.to_string(), e.is_unsupported()));
            Msg::Alarms(AlarmsMsg::History {
                generation,
                request,
                result,
                now: Utc::now(),
            })
        });
    }
}
