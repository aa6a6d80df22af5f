//! The kill switch's reads: one function's reserved concurrency (GetFunctionConcurrency) with
//! lambdash's memory of having stopped it, and the memory alone at connect (`stopped.json`, no AWS
//! call). The write itself goes through `Cmd::Write` like every other.

use std::collections::BTreeMap;

use crate::app::Msg;
use crate::app::modes::kill_switch::ReservedNow;
use crate::domain::concurrency::Remembered;
use crate::runtime::Executor;
use crate::writes::stopped::{self, StoppedStore};

/// The memory file, read; unreadable (or no state directory) is an error, as it refuses the stop.
fn load_memory() -> Result<StoppedStore, String> {
    let path = stopped::default_path().ok_or(
        "no state directory (set XDG_STATE_HOME or HOME) to remember the previous reserved concurrency",
    )?;
    StoppedStore::load(&path).map_err(|e| format!("cannot read the stopped-function memory: {e}"))
}

/// The remembered stops of `account`/`region`, by function name.
fn remembered_in(
    store: &StoppedStore,
    account: &str,
    region: &str,
) -> BTreeMap<String, Remembered> {
    let prefix = stopped::key(account, region, "");
    store
        .functions
        .iter()
        .filter_map(|(k, r)| k.strip_prefix(&prefix).map(|f| (f.to_string(), *r)))
        .collect()
}

impl Executor {
    pub(in crate::runtime) fn fetch_kill_switch(
        &self,
        generation: u64,
        request: u64,
        account: String,
        function: String,
    ) {
        self.answer(move |clients, _| async move {
            let result = match load_memory() {
                Ok(store) => clients
                    .reserved_concurrency(&function)
                    .await
                    .map(|current| ReservedNow {
                        current,
                        remembered: store
                            .get(&stopped::key(&account, &clients.region, &function))
                            .copied(),
                    })
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            Msg::KillSwitch {
                generation,
                request,
                function,
                result,
            }
        });
    }

    pub(in crate::runtime) fn load_stopped(&self, generation: u64, account: String) {
        self.answer(move |clients, _| async move {
            // An unreadable memory shows no flag here; `K` reports why.
            let remembered = load_memory()
                .map(|s| remembered_in(&s, &account, &clients.region))
                .unwrap_or_default();
            Msg::StoppedLoaded {
                generation,
                remembered,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::concurrency::Reserved;

    #[test]
    fn remembered_stops_are_those_of_this_account_and_region_only() {
        let mut store = StoppedStore::default();
        let r = Remembered {
            at: chrono::Utc::now(),
            previous: Reserved(Some(7)),
        };
        store.insert(stopped::key("123", "us-east-1", "orders-api"), r);
        store.insert(stopped::key("123", "eu-west-1", "other-region"), r);
        store.insert(stopped::key("999", "us-east-1", "other-account"), r);
        let got = remembered_in(&store, "123", "us-east-1");
        assert_eq!(got.keys().collect::<Vec<_>>(), ["orders-api"]);
        assert_eq!(got["orders-api"].previous, Reserved(Some(7)));
    }
}
