//! Which request priority a command's AWS calls get in the scheduler ([`crate::aws::scheduler`]).
//!
//! What the user just asked for (a detail, a peek, a plan before a confirm, every write) is `User`;
//! what a shown pane refreshes is `Visible`. Background discovery (the DLQ topology scan) sets
//! `Background` itself where it is spawned (`tasks/dlq.rs`). Pollers started by `StartPoller` run
//! outside any priority scope and so get the scheduler's default, `Visible`.

use crate::app::Cmd;
use crate::app::dlq::DlqCmd;
use crate::app::msg::{AliasesCmd, LogsCmd};
use crate::aws::scheduler::Priority;

pub(super) fn of(cmd: &Cmd) -> Priority {
    match cmd {
        Cmd::FetchIdentity { .. }
        | Cmd::FetchDetail { .. }
        | Cmd::FetchAlarmHistory { .. }
        | Cmd::Write { .. }
        | Cmd::FetchKillSwitch { .. }
        | Cmd::Aliases(AliasesCmd::Fetch { .. } | AliasesCmd::PlanRollback { .. })
        | Cmd::Dlq(
            DlqCmd::FetchQualifiers { .. }
            | DlqCmd::Peek { .. }
            | DlqCmd::PlanRedrive { .. }
            | DlqCmd::Redrive { .. },
        ) => Priority::User,
        Cmd::StartPoller { .. }
        | Cmd::StopPoller(_)
        | Cmd::RefreshNow(_)
        | Cmd::Copy(_)
        | Cmd::Reconnect { .. }
        | Cmd::LoadTheme(_)
        | Cmd::Logs(LogsCmd::Start { .. } | LogsCmd::SaveFile { .. })
        | Cmd::FetchRowMetrics { .. }
        | Cmd::FetchPaneMetrics { .. }
        | Cmd::FetchCost { .. }
        | Cmd::LoadStopped { .. }
        | Cmd::Aliases(AliasesCmd::FetchComparison { .. } | AliasesCmd::FetchCodeDeploy { .. })
        | Cmd::Dlq(DlqCmd::StartPoller { .. })
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
            of(&Cmd::Dlq(DlqCmd::Peek {
                generation: 1,
                request: 1,
                queue_url: "q".into(),
                n: 10
            })),
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
