//! Alarms and queues: an alarm on a function's queue (its DLQ, its event source queue, its on-failure
//! destination — SQS metrics with a `QueueName` dimension) belongs to that function, in the `f` filter,
//! the `l` / `m` jumps and the HEALTH flag. The DLQ topology knows which queue belongs to which function.

use crate::app::App;
use crate::domain::alarm::{Alarm, concerns_function};
use crate::domain::dlq::arn_name;

impl App {
    /// The names of `function`'s queues the DLQ topology knows: its dead-letter queues and on-failure
    /// destinations, and the source queues they belong to.
    pub fn queue_names_of(&self, function: &str) -> Vec<String> {
        let mut names = Vec::new();
        for d in self
            .dlq
            .known
            .iter()
            .filter(|d| d.functions.iter().any(|f| f == function))
        {
            let source = d.source_queue_arn.as_deref().map(arn_name);
            for name in std::iter::once(d.name.as_str()).chain(source) {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
        }
        names
    }

    /// The function an alarm is about: its `FunctionName` (or `Resource`) dimension, else the one
    /// function whose queue its `QueueName` dimension names (a queue shared by several functions
    /// names none).
    pub fn alarm_function(&self, alarm: &Alarm) -> Option<String> {
        if let Some(f) = alarm.function_name() {
            return Some(f.to_string());
        }
        let queue = alarm.dimensions.get("QueueName")?;
        let mut owners: Vec<&str> = Vec::new();
        for d in &self.dlq.known {
            let source = d.source_queue_arn.as_deref().map(arn_name);
            if d.name == *queue || source == Some(queue.as_str()) {
                for f in &d.functions {
                    if !owners.contains(&f.as_str()) {
                        owners.push(f);
                    }
                }
            }
        }
        match owners.as_slice() {
            [one] => Some((*one).to_string()),
            _ => None,
        }
    }

    /// The firing alarms about `function`, its queues' alarms included.
    pub fn firing_alarms_of(&self, function: &str) -> Vec<&Alarm> {
        let queues = self.queue_names_of(function);
        self.firing
            .data
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .filter(|a| concerns_function(a, function, &queues))
            .collect()
    }
}
