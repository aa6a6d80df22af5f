//! The confirm step every write goes through (refused at once in read-only mode).

#[allow(clippy::wildcard_imports)]
use crate::app::*;

impl App {
    /// Opens the confirm step for a write, or refuses it at once in read-only mode.
    pub(in crate::app) fn ask_confirm(&mut self, write: Write, warning: Option<String>) {
        if self.read_only {
            self.flash(
                FlashLevel::Warn,
                format!(
                    "refused: read-only mode forbids {} ({})",
                    write.action(),
                    write.target()
                ),
            );
            return;
        }
        // Changing an alias CodeDeploy manages (or may manage) is warned about: one line, and the
        // detail (which deployment, what it will do) wrapped to the dialog's width.
        let codedeploy = match &write {
            Write::Alias { change, .. } | Write::AliasRollback { change, .. } => {
                self.codedeploy_warning(&change.function, &change.alias)
            }
            _ => None,
        };
        let codedeploy_lines: Vec<String> = codedeploy.as_ref().map_or_else(Vec::new, |(_, d)| {
            std::iter::once(String::new())
                .chain(aliases::wrap_words(d, 84))
                .collect()
        });
        let warning = warning.or(codedeploy.map(|(w, _)| w));
        let (title, lines) = confirm_text(&write, codedeploy_lines);
        let typed_confirmation = match &write {
            Write::Dlq(crate::writes::DlqWrite::Purge { queue_url, .. }) => {
                Some(crate::domain::dlq::queue_name_from_url(queue_url).to_string())
            }
            Write::Dlq(crate::writes::DlqWrite::Delete { queue, .. }) => Some(queue.name.clone()),
            _ => None,
        };
        self.mode = Mode::Confirm(Box::new(Confirm {
            title,
            lines,
            warning,
            write,
            typed_confirmation,
            typed: crate::app::LineEdit::default(),
        }));
    }

    pub(in crate::app) fn confirmed(&mut self, write: Write) -> Vec<Cmd> {
        if self.read_only {
            self.flash(FlashLevel::Warn, "refused: read-only mode");
            return Vec::new();
        }
        if let Write::Redrive { plan } = write {
            if self.dlq.redrive.is_some() {
                self.flash(
                    FlashLevel::Warn,
                    "a redrive is already running: c cancels it",
                );
                return Vec::new();
            }
            self.next_request += 1;
            let cancel = msg::CancelFlag::default();
            self.dlq.redrive = Some(RedriveRun {
                run: self.next_request,
                from: plan.from.name.clone(),
                to: plan.path.to_name(),
                progress: crate::domain::dlq::RedriveProgress::default(),
                cancel: cancel.clone(),
            });
            self.flash(
                FlashLevel::Info,
                format!(
                    "redriving {} → {}… (Esc or c cancels)",
                    plan.from.name,
                    plan.path.to_name()
                ),
            );
            return vec![Cmd::Dlq(DlqCmd::Redrive {
                generation: self.generation,
                run: self.next_request,
                plan,
                cancel,
            })];
        }
        if let Write::Dlq(crate::writes::DlqWrite::Delete { message_ids, .. }) = &write {
            self.dlq.pending_delete.clone_from(message_ids);
        }
        if let Write::Lever(crate::writes::levers::LeverWrite::Reserved(change)) = &write {
            self.kill_switch.running = Some(change.clone());
        }
        self.flash(
            FlashLevel::Info,
            format!("{} {}…", write.action(), write.target()),
        );
        vec![Cmd::Write {
            generation: self.generation,
            write: Box::new(write),
        }]
    }
}

impl App {
    /// A confirmed write finished: flash its summary and refresh what it changed.
    pub(in crate::app) fn on_write_done(
        &mut self,
        generation: u64,
        result: Result<String, String>,
    ) -> Vec<Cmd> {
        if generation != self.generation {
            return Vec::new();
        }
        let succeeded = result.is_ok();
        match result {
            Ok(summary) => self.flash(FlashLevel::Info, summary),
            Err(e) => self.flash(
                FlashLevel::Error,
                format!("write failed, nothing else changed: {e}"),
            ),
        }
        self.dlq.finish_delete(succeeded);
        let mut cmds = self.kill_switch_done(succeeded);
        if self.view == View::Dlq {
            return vec![Cmd::RefreshNow(PollerKind::Dlq)];
        }
        cmds.extend(self.refresh_aliases());
        cmds
    }
}

/// The confirm dialog's title and lines: what the write changes, from what to what, and how.
fn confirm_text(write: &Write, codedeploy_lines: Vec<String>) -> (String, Vec<String>) {
    match write {
        Write::Alias { change, .. } => (
            format!("Change alias {}:{}", change.function, change.alias),
            vec![
                format!("from  {}", change.from),
                format!("to    {}", change.to),
                String::new(),
                "UpdateAlias with the alias's revision id: refused by AWS if it changed meanwhile."
                    .to_string(),
                "R restores the previous state (remembered across restarts).".to_string(),
            ]
            .into_iter()
            .chain(codedeploy_lines)
            .collect(),
        ),
        Write::AliasRollback { change, .. } => (
            format!("Roll back alias {}:{}", change.function, change.alias),
            vec![
                format!("from  {}", change.from),
                format!(
                    "to    {}   (its state before lambdash's last change)",
                    change.to
                ),
            ]
            .into_iter()
            .chain(codedeploy_lines)
            .collect(),
        ),
        Write::AlarmActions { alarms, enabled } => alarm_actions_text(alarms, *enabled),
        Write::PublishVersion {
            function,
            description,
        } => (
            format!("Publish a new version of {function}"),
            vec![
                "from  $LATEST (code and configuration as they are now)".to_string(),
                format!(
                    "description  {}",
                    if description.is_empty() {
                        "(none)"
                    } else {
                        description
                    }
                ),
            ],
        ),
        Write::Redrive { plan } => redrive_text(plan),
        Write::Lever(lever) => super::kill_switch::lever_text(lever),
        Write::Dlq(crate::writes::DlqWrite::Purge { queue_url, visible }) => (
            format!(
                "PURGE queue {}",
                crate::domain::dlq::queue_name_from_url(queue_url)
            ),
            vec![
                format!("queue   {queue_url}"),
                format!(
                    "deletes every message: {visible} visible now, and any in flight or delayed"
                ),
                "PurgeQueue cannot be undone; SQS allows one purge per queue every 60 s."
                    .to_string(),
            ],
        ),
        Write::Dlq(crate::writes::DlqWrite::Delete { queue, message_ids }) => (
            format!(
                "DELETE {} message(s) from {}",
                message_ids.len(),
                queue.name
            ),
            message_ids
                .iter()
                .map(|id| format!("message {id}"))
                .chain(std::iter::once(
                    "Deleted messages are gone for good: x exports them first if you need them."
                        .to_string(),
                ))
                .collect(),
        ),
    }
}

/// The confirm dialog's title and lines for muting or unmuting alarms.
fn alarm_actions_text(
    alarms: &[crate::domain::alarm::Alarm],
    enabled: bool,
) -> (String, Vec<String>) {
    (
        format!(
            "{} actions of {} alarm{}",
            if enabled { "Enable (unmute)" } else { "Disable (mute)" },
            alarms.len(),
            if alarms.len() == 1 { "" } else { "s" }
        ),
        alarms
            .iter()
            .map(|a| {
                format!(
                    "{}  actions {} → {}  ({}, {} action{})",
                    a.name,
                    if a.actions_enabled { "enabled" } else { "disabled" },
                    if enabled { "enabled" } else { "disabled" },
                    a.state.as_str(),
                    a.alarm_actions.len(),
                    if a.alarm_actions.len() == 1 { "" } else { "s" }
                )
            })
            .chain(std::iter::once(String::new()))
            .chain(std::iter::once(if enabled {
                "Notifications and automations fire again on the next state change.".to_string()
            } else {
                "The alarms keep evaluating; their notifications and automations stop until unmuted.".to_string()
            }))
            .collect(),
    )
}

/// The confirm dialog's title and lines for a redrive: path, destination, method, count, rate.
fn redrive_text(plan: &crate::domain::dlq::RedrivePlan) -> (String, Vec<String>) {
    (
        format!("Redrive {} → {}", plan.from.name, plan.path.to_name()),
        vec![
            format!("from    queue {}", plan.from.name),
            format!("to      {}", plan.path.destination()),
            format!("method  {}", plan.path.method()),
            format!(
                "count   {}",
                plan.selected.as_ref().map_or_else(
                    || format!("all {} visible message(s)", plan.visible),
                    |ids| format!(
                        "{} selected message(s): {}",
                        ids.len(),
                        crate::app::dlq::id_list(ids)
                    )
                )
            ),
            format!("rate    {}", crate::app::dlq::rate_label(plan.rate)),
            String::new(),
            plan.describe(),
            String::new(),
            "Progress shows moved / failed / remaining; Esc or c cancels (the batch in hand is finished).".to_string(),
        ],
    )
}
