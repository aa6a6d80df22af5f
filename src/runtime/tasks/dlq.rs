//! The DLQ tasks: the poller (topology rarely, depths often), the redrive planning before a confirm,
//! and the aliases/versions a re-invoke can target.

use crate::runtime::{Executor, Poller, PollerKind};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

use super::{backoff, jitter};
use crate::app::Msg;
use crate::app::dlq::{DlqCmd, DlqHints, DlqMsg, DlqPollPlan, ListingProgress, QualifierChoice};
use crate::aws::dlq::{DlqDiscovery, ScanInputs};
use crate::aws::scheduler::{Priority, with_priority};
use crate::aws::{AwsError, Clients};
use crate::domain::Function;
use crate::domain::dlq::topology::Topology;
use crate::domain::dlq::{Dlq, PlanInputs, RedrivePlan, RedriveTarget, plan_path};
use crate::topology_cache;

/// Resolves a DLQ, its source queues and a destination queue into a redrive plan (the same rules as
/// `lambdash dlq redrive`: `domain::dlq::plan_path`). The rate is the app's to set.
pub(in crate::runtime) async fn plan_redrive(
    clients: &Clients,
    mut dlq: Dlq,
    target: &RedriveTarget,
    selected: Option<Vec<String>>,
) -> Result<RedrivePlan, String> {
    let url = dlq
        .queue_url
        .clone()
        .filter(|_| dlq.inspectable)
        .ok_or_else(|| format!("{} is not an SQS queue: it cannot be redriven", dlq.name))?;
    let (from, depth) = clients.queue_info(&url).await.map_err(|e| e.to_string())?;
    let (sources, note) = clients
        .sources_for(&from, Some(target))
        .await
        .map_err(|e| e.to_string())?;
    let destination = match target {
        RedriveTarget::Queue(q) => Some(clients.resolve_queue(q).await.map_err(|e| e.to_string())?),
        _ => None,
    };
    dlq.visible = depth.visible;
    dlq.in_flight = depth.in_flight;
    dlq.delayed = depth.delayed;
    let inputs = PlanInputs {
        from: &from,
        dlq: &dlq,
        sources: &sources,
        queue: destination.as_ref(),
    };
    let path = plan_path(&inputs, target, selected.is_some(), None).map_err(|e| e.to_string())?;
    Ok(RedrivePlan {
        from,
        path,
        selected,
        rate: None,
        visible: depth.visible,
        in_flight: depth.in_flight,
        notes: note.into_iter().collect(),
    })
}

/// Starts the DLQ poller; the returned `Notify` wakes it (`Cmd::RefreshNow`).
pub(in crate::runtime) fn spawn_poller(
    clients: Clients,
    tx: mpsc::UnboundedSender<Msg>,
    generation: u64,
    plan: DlqPollPlan,
) -> (JoinHandle<()>, Arc<Notify>) {
    let wake = Arc::new(Notify::new());
    let task = tokio::spawn(dlq_poller(clients, tx, generation, plan, wake.clone()));
    (task, wake)
}

/// Whether this pass reads the topology: never read, older than `every`, or asked for.
fn topology_due(known: Option<&DlqDiscovery>, every: Duration, reread: bool) -> bool {
    let now = Utc::now();
    reread
        || known
            .and_then(|k| k.topology_at)
            .is_none_or(|at| (now - at).to_std().unwrap_or(Duration::ZERO).ge(&every))
}

/// How long a first scan waits for the functions poller's listing to deliver its next page before
/// listing the functions itself. Both start together and listing twice would spend the Lambda quota
/// twice (at 10,000 functions 200 pages, 40 s at 5 rps), so the scan waits as long as that listing
/// advances, and no longer than this once it stalls; a failed listing ends the wait at once.
const LISTING_STALL: Duration = Duration::from_secs(20);

/// Waits for the functions poller's complete listing (`None`: it failed or stalled: list by itself).
async fn wait_for_listing(hints: &DlqHints) -> Option<Arc<Vec<Function>>> {
    let mut last = (tokio::time::Instant::now(), hints.progress());
    loop {
        if let Some(listing) = hints.listing() {
            return Some(listing);
        }
        let progress = hints.progress();
        if progress == ListingProgress::Failed {
            tracing::info!("the functions listing failed: the DLQ scan lists by itself");
            return None;
        }
        if progress != last.1 {
            last = (tokio::time::Instant::now(), progress);
        } else if last.0.elapsed() >= LISTING_STALL {
            tracing::info!(
                ?progress,
                "the functions listing stalled: the DLQ scan lists by itself"
            );
            return None;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Reads topologies: from the on-disk cache at start, then incrementally from the last one, reusing
/// the functions poller's listing, and writes each one back to the cache.
#[derive(Clone)]
struct Topologist {
    clients: Clients,
    hints: DlqHints,
    scope: String,
    /// `None`: no cache directory (no home): every start scans.
    cache: Option<PathBuf>,
}

impl Topologist {
    fn new(clients: Clients, hints: DlqHints, account: Option<&str>) -> Self {
        let who = account.unwrap_or(&clients.profile).to_string();
        let endpoint = clients.endpoint_url.clone();
        let scope = topology_cache::scope(&who, &clients.region, endpoint.as_deref());
        let cache = topology_cache::default_dir()
            .map(|dir| topology_cache::path_in(&dir, &who, &clients.region, endpoint.as_deref()));
        Self {
            clients,
            hints,
            scope,
            cache,
        }
    }

    /// The cached topology with fresh depths (SQS and CloudWatch only), if there is a usable cache.
    async fn load_cached(&self) -> Option<DlqDiscovery> {
        let path = self.cache.clone()?;
        let scope = self.scope.clone();
        let cached = tokio::task::spawn_blocking(move || topology_cache::load(&path, &scope))
            .await
            .ok()??;
        tracing::info!(scanned_at = %cached.scanned_at, functions = cached.functions.len(), "DLQ topology loaded from the cache");
        let mut found = self.clients.discovery_from(cached).await;
        found.from_cache = true;
        Some(found)
    }

    /// Scans from `previous` (asking only about what changed), then writes the cache.
    async fn scan(&self, previous: Option<Arc<Topology>>) -> Result<DlqDiscovery, AwsError> {
        let listing = match self.hints.listing() {
            None if previous.is_none() => wait_for_listing(&self.hints).await,
            listing => listing,
        };
        let priority = self.hints.priority();
        let topology = self
            .clients
            .scan_topology(ScanInputs {
                previous: previous.as_deref(),
                listing: listing.map(|l| l.as_ref().clone()),
                priority: &priority,
                scope: self.scope.clone(),
            })
            .await?;
        if let Some(path) = self.cache.clone() {
            let copy = topology.clone();
            let saved =
                tokio::task::spawn_blocking(move || topology_cache::save(&path, &copy)).await;
            match saved {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "DLQ topology cache not written"),
                Err(e) => tracing::warn!(error = %e, "DLQ topology cache writer failed"),
            }
        }
        Ok(self.clients.discovery_from(topology).await)
    }
}

/// The DLQ poller: the DLQ topology (which queue belongs to which function) when due — from the
/// on-disk cache at start, then in O(pages) asking only about changed functions (see
/// [`crate::domain::dlq::topology`]) —, the known queues' depths and ages (one GetQueueAttributes a
/// queue, one GetMetricData) on every other pass. Each pass sends the whole picture as `Msg::Dlq(DlqMsg::Discovered)`.
async fn dlq_poller(
    clients: Clients,
    tx: mpsc::UnboundedSender<Msg>,
    generation: u64,
    plan: DlqPollPlan,
    wake: Arc<Notify>,
) {
    let DlqPollPlan {
        depth_every,
        topology_every,
        first_in,
        seed,
        reread,
        hints,
        account,
    } = plan;
    // The account names the cache file (shared with `lambdash dlq list`); the poller may start before
    // the app's identity answered, so it asks STS itself then (not a Lambda call).
    let account = match account {
        Some(a) => Some(a),
        None => clients.identity().await.ok().map(|i| i.account),
    };
    let topologist = Topologist::new(clients.clone(), hints, account.as_deref());
    let mut topology_errors: Vec<String> = seed
        .as_ref()
        .map(|s| s.partial_errors.clone())
        .unwrap_or_default();
    let mut known = seed.filter(|s| s.topology_at.is_some());
    let mut delay = first_in;
    let mut failures: u32 = 0;
    // A periodic rescan runs in its own task while the depths keep being refreshed on the topology
    // already known: under a slow or failing endpoint a rescan can take minutes, and the pane must
    // keep showing fresh depths (or the outage) meanwhile.
    let mut rescan: Option<Rescan> = None;
    loop {
        let rescanned = tokio::select! {
            () = tokio::time::sleep(delay) => None,
            () = wake.notified() => None,
            done = async {
                match rescan.as_mut() {
                    Some(Rescan(handle)) => handle.await.ok(),
                    None => std::future::pending().await,
                }
            } => { rescan = None; done }
        };
        let asked = reread.take();
        let result = if let Some(found) = rescanned {
            found.inspect(|d| topology_errors.clone_from(&d.partial_errors))
        } else if let Some(k) = known.as_ref() {
            if topology_due(Some(k), topology_every, asked) && rescan.is_none() {
                let topologist = topologist.clone();
                let previous = k.topology.clone();
                // Discovery: background priority, behind what the user asked for and what is shown.
                rescan = Some(Rescan(tokio::spawn(with_priority(
                    Priority::Background,
                    async move { topologist.scan(previous).await },
                ))));
            }
            let mut next = k.clone();
            clients
                .refresh_dlq_depths(&mut next.dlqs)
                .await
                .map(|errors| {
                    next.partial_errors = topology_errors.clone();
                    next.partial_errors.extend(errors);
                    next
                })
        } else if let Some(cached) = topologist.load_cached().await {
            topology_errors.clone_from(&cached.partial_errors);
            Ok(cached)
        } else {
            with_priority(Priority::Background, topologist.scan(None))
                .await
                .inspect(|d| topology_errors.clone_from(&d.partial_errors))
        };
        delay = match &result {
            Ok(d) => {
                failures = 0;
                known = Some(d.clone());
                jitter(depth_every)
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::warn!(error = %e, "DLQ poll failed");
                if asked {
                    // Asked for and not done: the next pass tries again.
                    reread.raise();
                }
                backoff(failures, e.is_throttling(), depth_every)
            }
        };
        let msg = Msg::Dlq(DlqMsg::Discovered {
            generation,
            result: result.map_err(|e| e.to_string()),
            now: Utc::now(),
        });
        if tx.send(msg).is_err() {
            return;
        }
    }
}

/// A topology rescan running beside the depth passes; aborted when the poller is (dropping the
/// poller's task drops this).
struct Rescan(JoinHandle<Result<DlqDiscovery, AwsError>>);

impl Drop for Rescan {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs [`DlqCmd::FetchQualifiers`] in its own task; the answer comes back as `Msg::Dlq`.
fn fetch_qualifiers(
    clients: Clients,
    tx: mpsc::UnboundedSender<Msg>,
    (generation, request): (u64, u64),
    function: String,
) {
    tokio::spawn(with_priority(Priority::User, async move {
        let result = tokio::try_join!(
            clients.list_aliases(&function),
            clients.list_versions(&function)
        )
        .map(|(aliases, versions)| {
            aliases
                .into_iter()
                .map(QualifierChoice::Alias)
                .chain(
                    // Newest first, as ListVersionsByFunction is read by the aliases pane.
                    versions
                        .into_iter()
                        .filter(|v| v.version != "$LATEST")
                        .map(QualifierChoice::Version),
                )
                .collect()
        })
        .map_err(|e| e.to_string());
        let _ = tx.send(Msg::Dlq(DlqMsg::Qualifiers {
            generation,
            request,
            result,
        }));
    }));
}

impl Executor {
    /// Runs the DLQ pane's commands: the poller, the peek, the redrive and its plan, the re-invoke targets.
    pub(in crate::runtime) fn dlq(&mut self, cmd: DlqCmd) {
        match cmd {
            DlqCmd::StartPoller { generation, plan } => {
                self.stop(PollerKind::Dlq);
                if let Some(clients) = self.clients() {
                    let (task, wake) = spawn_poller(clients, self.tx.clone(), generation, *plan);
                    self.pollers.insert(PollerKind::Dlq, Poller { task, wake });
                }
            }
            DlqCmd::Peek {
                generation,
                request,
                queue_url,
                n,
            } => self.answer(move |clients, _| async move {
                let result = clients.peek(&queue_url, n).await.map_err(|e| e.to_string());
                Msg::Dlq(DlqMsg::Peeked {
                    generation,
                    request,
                    result,
                    now: Utc::now(),
                })
            }),
            DlqCmd::PlanRedrive {
                generation,
                dlq,
                target,
                selected,
            } => self.answer(move |clients, _| async move {
                let result = plan_redrive(&clients, *dlq, &target, selected)
                    .await
                    .map(Box::new);
                Msg::Dlq(DlqMsg::RedrivePlanned { generation, result })
            }),
            DlqCmd::Redrive {
                generation,
                run,
                plan,
                cancel,
            } => {
                if let Some(clients) = self.clients() {
                    let tx = self.tx.clone();
                    tokio::spawn(with_priority(Priority::User, async move {
                        let progress_tx = tx.clone();
                        let result = crate::writes::execute_redrive(
                            &clients,
                            &plan,
                            &crate::aws::dlq::DrainOptions::default(),
                            move |p| {
                                let _ = progress_tx.send(Msg::Dlq(DlqMsg::RedriveProgress {
                                    generation,
                                    run,
                                    progress: p.clone(),
                                }));
                                if cancel.is_cancelled() {
                                    std::ops::ControlFlow::Break(())
                                } else {
                                    std::ops::ControlFlow::Continue(())
                                }
                            },
                        )
                        .await
                        .map(Box::new);
                        if let Err(e) = &result {
                            tracing::warn!(queue = %plan.from.name, "redrive failed: {e}");
                        }
                        let _ = tx.send(Msg::Dlq(DlqMsg::RedriveDone {
                            generation,
                            run,
                            result,
                        }));
                    }));
                }
            }
            DlqCmd::FetchQualifiers {
                generation,
                request,
                function,
            } => {
                if let Some(clients) = self.clients() {
                    fetch_qualifiers(clients, self.tx.clone(), (generation, request), function);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_first_scan_waits_while_the_listing_advances_and_not_after_it_stalls() {
        let hints = DlqHints::default();
        hints.set_progress(ListingProgress::Running { pages: 0 });
        let started = tokio::time::Instant::now();
        let feeder = {
            let hints = hints.clone();
            tokio::spawn(async move {
                // 200 pages at 5 rps: 40 s, longer than the stall limit, never stalling.
                for pages in 1..=200 {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    hints.set_progress(ListingProgress::Running { pages });
                }
                hints.set_listing(Some(vec![]));
            })
        };
        let listing = wait_for_listing(&hints).await;
        assert!(listing.is_some(), "the poller's listing is used");
        assert!(started.elapsed() >= Duration::from_secs(40));
        feeder.await.unwrap();

        let stalled = DlqHints::default();
        stalled.set_progress(ListingProgress::Running { pages: 7 });
        let started = tokio::time::Instant::now();
        assert!(wait_for_listing(&stalled).await.is_none());
        let waited = started.elapsed();
        assert!(waited >= LISTING_STALL && waited < LISTING_STALL + Duration::from_secs(1));

        let failed = DlqHints::default();
        failed.set_progress(ListingProgress::Failed);
        let started = tokio::time::Instant::now();
        assert!(wait_for_listing(&failed).await.is_none());
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "a failed listing ends the wait"
        );
    }

    #[test]
    fn topology_is_read_when_never_read_old_or_asked_for() {
        let every = Duration::from_mins(10);
        assert!(topology_due(None, every, false));
        let fresh = DlqDiscovery {
            topology_at: Some(Utc::now()),
            ..DlqDiscovery::default()
        };
        assert!(!topology_due(Some(&fresh), every, false));
        assert!(topology_due(Some(&fresh), every, true));
        let old = DlqDiscovery {
            topology_at: Some(Utc::now() - chrono::Duration::minutes(11)),
            ..DlqDiscovery::default()
        };
        assert!(topology_due(Some(&old), every, false));
    }
}
