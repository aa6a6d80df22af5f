//! Tells the app how much of each AWS quota lambdash is using: once a second, the scheduler's
//! snapshot for the current connection's scope, sent only when a shown figure changed (an idle
//! lambdash sends nothing, so nothing is redrawn).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::app::Msg;
use crate::aws::Clients;
use crate::aws::scheduler::Scheduler;
use crate::domain::quota::QuotaSnapshot;

/// The snapshot as shown: rates to 0.1 rps, so a change the screen would not show is not sent.
fn shown(s: &QuotaSnapshot) -> QuotaSnapshot {
    let round = |x: f64| (x * 10.0).round() / 10.0;
    let mut s = s.clone();
    for g in &mut s.groups {
        g.used_rps_10s = round(g.used_rps_10s);
        g.used_rps_60s = round(g.used_rps_60s);
        g.current_rps = g.current_rps.map(round);
    }
    s
}

pub(super) fn spawn(
    tx: mpsc::UnboundedSender<Msg>,
    scheduler: Scheduler,
    clients: Arc<RwLock<Option<Clients>>>,
) {
    tokio::spawn(async move {
        let mut last: Option<QuotaSnapshot> = None;
        let mut repaired_seen = std::collections::BTreeMap::new();
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            // Answers repaired since the last look: the app flashes what was replaced by U+FFFD.
            for (operation, answers) in scheduler.repaired() {
                if repaired_seen.insert(operation.clone(), answers) != Some(answers)
                    && tx.send(Msg::Repaired { operation, answers }).is_err()
                {
                    return;
                }
            }
            let scope = clients
                .read()
                .ok()
                .and_then(|c| c.as_ref().map(Clients::scope));
            let Some(scope) = scope else { continue };
            let snapshot = shown(&scheduler.snapshot(&scope));
            if last.as_ref() == Some(&snapshot) {
                continue;
            }
            last = Some(snapshot.clone());
            if tx.send(Msg::Quota(Box::new(snapshot))).is_err() {
                return;
            }
        }
    });
}
