//! The aliases pane's one-shot network tasks: the versions behind an alias side by side, and the
//! CodeDeploy scan.

use chrono::Utc;
use tokio::sync::mpsc;

use crate::app::Msg;
use crate::aws::Clients;
use crate::domain::alias::AliasState;
use crate::domain::metrics::PercentileSupport;

/// GetMetricData for the versions behind `function:alias`; answers `Msg::AliasComparison`.
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
    let _ = tx.send(Msg::AliasComparison {
        generation,
        request,
        function,
        alias,
        result,
        now: Utc::now(),
    });
}

/// The account's CodeDeploy deployments to Lambda aliases; answers `Msg::CodeDeploy`.
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
    let _ = tx.send(Msg::CodeDeploy {
        generation,
        request,
        result,
        now: Utc::now(),
    });
}
