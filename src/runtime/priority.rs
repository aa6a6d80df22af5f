//! Which request priority a command's AWS calls get in the scheduler ([`crate::aws::scheduler`]).
//!
//! What the user just asked for (a detail, a peek, a plan before a confirm, every write) is `User`;
//! what a shown pane refreshes is `Visible`. Background discovery (the DLQ topology scan) sets
//! `Background` itself where it is spawned (`dlq_task`). Pollers started by `StartPoller` run outside
//! any priority scope and so get the scheduler's default, `Visible`.

use crate::app::Cmd;
use crate::aws::scheduler::Priority;

pub(super) fn of(cmd: &Cmd) -> Priority {
    match cmd {
        Cmd::FetchIdentity { .. }
        | Cmd::FetchDetail { .. }
        | Cmd::FetchAliases { .. }
        | Cmd::FetchAlarmHistory { .. }
        | Cmd::PlanRollback { .. }
        | Cmd::Write { .. }
        | Cmd::Dlq(_)
        | Cmd::PeekDlq { .. }
        | Cmd::PlanRedrive { .. }
        | Cmd::Redrive { .. } => Priority::User,
        Cmd::StartPoller { .. }
        | Cmd::StopPoller(_)
        | Cmd::RefreshNow(_)
        | Cmd::Copy(_)
        | Cmd::Reconnect { .. }
        | Cmd::LoadTheme(_)
        | Cmd::StartLogs { .. }
        | Cmd::SaveFile { .. }
        | Cmd::FetchRowMetrics { .. }
        | Cmd::FetchPaneMetrics { .. }
        | Cmd::FetchCost { .. }
        | Cmd::FetchAliasComparison { .. }
        | Cmd::FetchCodeDeploy { .. }
        | Cmd::StartDlqPoller { .. }
        | Cmd::Bell
        | Cmd::Quit => Priority::Visible,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_asked_for_fetches_are_user_priority_and_refreshes_visible() {
        let write = Cmd::FetchDetail {
            generation: 1,
            request: 1,
            function: "orders".into(),
        };
        assert_eq!(of(&write), Priority::User);
        assert_eq!(
            of(&Cmd::PeekDlq {
                generation: 1,
                request: 1,
                queue_url: "q".into(),
                n: 10
            }),
            Priority::User
        );
        assert_eq!(
            of(&Cmd::FetchRowMetrics {
                generation: 1,
                request: 1,
                functions: Vec::new()
            }),
            Priority::Visible
        );
    }
}
