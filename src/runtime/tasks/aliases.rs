//! The aliases pane's one-shot network tasks: the versions behind an alias side by side, and the
//! CodeDeploy scan.

use crate::app::AliasesCmd;
use crate::app::AliasesMsg;
use crate::app::aliases::AliasData;
use crate::runtime::Executor;
use crate::runtime::tasks::plan_rollback;
use chrono::Utc;
use tokio::sync::mpsc;

use crate::app::Msg;
use crate::aws::Clients;
use crate::domain::alias::AliasState;
use crate::domain::metrics::PercentileSupport;

/// GetMetricData for the versions behind `function:alias`; answers `Msg::Aliases(AliasesMsg::Comparison)`.
pub(in crate::runtime) async fn compare(
    clients: Clients,
    tx: mpsc::UnboundedSender<Msg>,
    support: PercentileSupport,
    (generation, request): (u64, u64),
    (function, alias, state): (String, String, AliasState),
) {
    let result = clients
        .compare_versions(&function, &alias, &state, Utc::now(), &support)
        .await
        .map(Box::new)
        .map_err(|e| e.to_string());
    if let Err(e) = &result {
        tracing::warn!(%function, %alias, "versions side by side: {e}");
    }
    let _ = tx.send(Msg::Aliases(AliasesMsg::Comparison {
        generation,
        request,
        function,
        alias,
        result,
        now: Utc::now(),
    }));
}

/// The account's CodeDeploy deployments to Lambda aliases; answers `Msg::Aliases(AliasesMsg::CodeDeploy)`.
pub(in crate::runtime) async fn codedeploy(
    clients: Clients,
    tx: mpsc::UnboundedSender<Msg>,
    (generation, request): (u64, u64),
) {
    let result = clients
        .codedeploy_scan()
        .await
        .map(Box::new)
        .map_err(|e| e.to_string());
    if let Err(e) = &result {
        tracing::warn!("CodeDeploy scan: {e}");
    }
    let _ = tx.send(Msg::Aliases(AliasesMsg::CodeDeploy {
        generation,
        request,
        result,
        now: Utc::now(),
    }));
}

impl Executor {
    /// Runs the aliases pane's commands, each in its own task.
    pub(in crate::runtime) fn aliases(&mut self, cmd: AliasesCmd) {
        match cmd {
            AliasesCmd::Fetch {
                generation,
                request,
                function,
            } => self.answer(move |clients, _| async move {
                let result = tokio::try_join!(
                    clients.list_aliases(&function),
                    clients.list_versions(&function)
                )
                .map(|(aliases, versions)| AliasData { aliases, versions })
                .map_err(|e| e.to_string());
                Msg::Aliases(AliasesMsg::Loaded {
                    generation,
                    request,
                    result,
                    now: Utc::now(),
                })
            }),
            AliasesCmd::FetchComparison {
                generation,
                request,
                function,
                alias,
                state,
            } => {
                if let Some(clients) = self.clients() {
                    tokio::spawn(compare(
                        clients,
                        self.tx.clone(),
                        self.percentiles.clone(),
                        (generation, request),
                        (function, alias, state),
                    ));
                }
            }
            AliasesCmd::FetchCodeDeploy {
                generation,
                request,
            } => {
                if let Some(clients) = self.clients() {
                    tokio::spawn(codedeploy(clients, self.tx.clone(), (generation, request)));
                }
            }
            AliasesCmd::PlanRollback {
                generation,
                account,
                function,
                alias,
            } => self.answer(move |clients, _| async move {
                let result = plan_rollback(&clients, account, &function, &alias).await;
                Msg::Aliases(AliasesMsg::RollbackPlanned { generation, result })
            }),
        }
    }
}
