//! Concurrency: the account's limit and unreserved pool, each function's reserved and provisioned
//! concurrency, and the kill switch (reserved concurrency 0) with the plans and confirm texts every
//! front end (the `concurrency` / `stop` subcommands, later the TUI) shows before a change.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A function's reserved concurrency: `None` when it has none (it shares the account's unreserved
/// pool), `Some(0)` when it is stopped (every invocation throttled), `Some(n)` at most n at once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Reserved(pub Option<i32>);

impl Reserved {
    pub const NONE: Reserved = Reserved(None);
    pub const STOPPED: Reserved = Reserved(Some(0));

    /// True at 0: no invocation runs.
    pub fn is_stopped(self) -> bool {
        self.0 == Some(0)
    }

    /// Parses `none` or a number ≥ 0 (the `concurrency set` argument).
    pub fn parse(s: &str) -> Result<Reserved, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("none") {
            return Ok(Reserved::NONE);
        }
        match t.parse::<i32>() {
            Ok(n) if n >= 0 => Ok(Reserved(Some(n))),
            _ => Err(format!(
                "{s:?}: reserved concurrency is a whole number ≥ 0, or `none` to remove it"
            )),
        }
    }
}

impl fmt::Display for Reserved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("none"),
            Some(n) => write!(f, "{n}"),
        }
    }
}

/// GetAccountSettings' `AccountLimit`: the region's concurrency limit and what no function reserved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AccountConcurrency {
    pub limit: i32,
    pub unreserved: i32,
}

impl AccountConcurrency {
    /// The sum of every function's (positive) reserved concurrency.
    pub fn reserved_total(self) -> i32 {
        self.limit - self.unreserved
    }
}

/// One provisioned concurrency configuration (ListProvisionedConcurrencyConfigs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Provisioned {
    /// The alias or version it is configured on.
    pub qualifier: String,
    pub requested: Option<i32>,
    pub allocated: Option<i32>,
    /// `AvailableProvisionedConcurrentExecutions`: what is ready to serve now.
    pub available: Option<i32>,
    /// `IN_PROGRESS`, `READY` or `FAILED`.
    pub status: String,
    pub status_reason: Option<String>,
    pub last_modified: Option<String>,
}

/// Whether a part of the view could be read. `Unavailable` names why (the endpoint lacks the API,
/// access denied, …): the rest is shown, and this part says so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum Availability<T> {
    Ok(T),
    Unavailable(String),
    /// Not asked for (`--no-provisioned`).
    Skipped,
}

impl<T> Availability<T> {
    pub fn ok(&self) -> Option<&T> {
        match self {
            Self::Ok(v) => Some(v),
            _ => None,
        }
    }
}

/// One function's concurrency over the range.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FunctionConcurrency {
    pub function: String,
    pub reserved: Availability<Reserved>,
    pub provisioned: Availability<Vec<Provisioned>>,
    /// Maximum of `ConcurrentExecutions` over the range (`None`: no datapoint or not readable).
    pub peak: Option<f64>,
    /// Sum of `Throttles` over the range.
    pub throttles: Option<f64>,
}

impl FunctionConcurrency {
    /// The most this function can run at once: its reservation, else the account's unreserved pool.
    pub fn ceiling(&self, account: Option<AccountConcurrency>) -> Option<i32> {
        match self.reserved.ok() {
            Some(Reserved(Some(n))) => Some(*n),
            _ => account.map(|a| a.unreserved),
        }
    }

    /// Peak over ceiling (0..1+), when both are known and the ceiling is positive.
    pub fn use_of_ceiling(&self, account: Option<AccountConcurrency>) -> Option<f64> {
        let ceiling = self.ceiling(account)?;
        let peak = self.peak?;
        (ceiling > 0).then(|| peak / f64::from(ceiling))
    }

    pub fn is_stopped(&self) -> bool {
        self.reserved.ok().is_some_and(|r| r.is_stopped())
    }
}

/// What `lambdash concurrency` (and the concurrency view) shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConcurrencyReport {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub account: Availability<AccountConcurrency>,
    /// Maximum of the account-wide `ConcurrentExecutions` over the range.
    pub account_peak: Availability<Option<f64>>,
    /// Closest to their ceiling first (see [`sort_closest_first`]).
    pub functions: Vec<FunctionConcurrency>,
    /// Why peaks/throttles are missing, when the metrics could not be read.
    pub metrics_error: Option<String>,
}

/// Stopped functions first (nobody must forget one), then by peak / ceiling (highest first), then
/// by throttles, then by name.
pub fn sort_closest_first(rows: &mut [FunctionConcurrency], account: Option<AccountConcurrency>) {
    rows.sort_by(|a, b| {
        b.is_stopped()
            .cmp(&a.is_stopped())
            .then_with(|| {
                let (ua, ub) = (a.use_of_ceiling(account), b.use_of_ceiling(account));
                ub.unwrap_or(-1.0).total_cmp(&ua.unwrap_or(-1.0))
            })
            .then_with(|| {
                b.throttles
                    .unwrap_or(0.0)
                    .total_cmp(&a.throttles.unwrap_or(0.0))
            })
            .then_with(|| a.function.cmp(&b.function))
    });
}

/// Why a reserved-concurrency change is being made: the words of its confirm step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReservedIntent {
    /// The kill switch: to 0, remembering the previous value.
    Stop,
    /// Back to the value remembered when lambdash stopped it.
    Restore { stopped_at: DateTime<Utc> },
    /// A typed value (or `none`).
    Set,
}

/// A planned reserved-concurrency change of one function in one account and region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReservedChange {
    pub function: String,
    pub account: String,
    pub region: String,
    pub from: Reserved,
    pub to: Reserved,
    pub intent: ReservedIntent,
}

impl ReservedChange {
    /// What will happen, in words, ending with `reserved concurrency FROM → TO`.
    pub fn confirm_text(&self) -> String {
        let Self {
            function,
            account,
            region,
            from,
            to,
            ..
        } = self;
        let what = match (self.intent, to.0) {
            (ReservedIntent::Restore { stopped_at }, _) => format!(
                "restores {function} in account {account} {region} to the reserved concurrency it had before lambdash stopped it at {} ({})",
                stopped_at.format("%Y-%m-%d %H:%M UTC"),
                restore_effect(*to)
            ),
            (_, Some(0)) => {
                format!("stops every invocation of {function} in account {account} {region}")
            }
            (_, Some(n)) => format!(
                "limits {function} in account {account} {region} to {n} concurrent invocation(s), reserved from the account's unreserved pool"
            ),
            (_, None) => format!(
                "removes the reserved concurrency of {function} in account {account} {region}: it shares the account's unreserved pool"
            ),
        };
        format!("{what}; reserved concurrency {from} → {to}")
    }
}

fn restore_effect(to: Reserved) -> String {
    match to.0 {
        None => "no reservation: the unreserved pool".to_string(),
        Some(0) => "still stopped".to_string(),
        Some(n) => format!("at most {n} at once"),
    }
}

/// The previous value lambdash remembers when it stops a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    pub at: DateTime<Utc>,
    pub previous: Reserved,
}

/// Why a kill switch or restore has nothing to do, or must not be done.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LeverRefusal {
    /// Nothing to change (exit 0).
    #[error("{0}: nothing to do")]
    Nothing(String),
    /// Would lose or override something (exit 2).
    #[error("{0}")]
    Refused(String),
}

/// The kill switch: to 0 from `current`. Already at 0 is nothing to do (a remembered value stays).
pub fn plan_stop(
    function: &str,
    account: &str,
    region: &str,
    current: Reserved,
    remembered: Option<&Remembered>,
) -> Result<ReservedChange, LeverRefusal> {
    if current.is_stopped() {
        let why = match remembered {
            Some(r) => format!(
                "{function} is already stopped (reserved concurrency 0); `stop --restore` brings back {}",
                r.previous
            ),
            None => format!(
                "{function} is already stopped (reserved concurrency 0), not by lambdash: no previous value is known"
            ),
        };
        return Err(LeverRefusal::Nothing(why));
    }
    Ok(ReservedChange {
        function: function.to_string(),
        account: account.to_string(),
        region: region.to_string(),
        from: current,
        to: Reserved::STOPPED,
        intent: ReservedIntent::Stop,
    })
}

/// The restore: back to what lambdash remembered. Refused when nothing is remembered, or when the
/// function is no longer at 0 (someone changed it since) unless `force`.
pub fn plan_restore(
    function: &str,
    account: &str,
    region: &str,
    current: Reserved,
    remembered: Option<&Remembered>,
    force: bool,
) -> Result<ReservedChange, LeverRefusal> {
    let Some(r) = remembered else {
        return Err(LeverRefusal::Refused(format!(
            "lambdash did not stop {function} in {account}/{region}: no previous reserved concurrency to restore (use `concurrency set {function} N|none`)"
        )));
    };
    if !current.is_stopped() && !force {
        return Err(LeverRefusal::Refused(format!(
            "{function} was changed since lambdash stopped it (reserved concurrency now {current}, not 0): pass --force to restore {} anyway",
            r.previous
        )));
    }
    if current == r.previous {
        return Err(LeverRefusal::Nothing(format!(
            "{function} already has reserved concurrency {current}"
        )));
    }
    Ok(ReservedChange {
        function: function.to_string(),
        account: account.to_string(),
        region: region.to_string(),
        from: current,
        to: r.previous,
        intent: ReservedIntent::Restore { stopped_at: r.at },
    })
}

/// A typed value (`concurrency set FN N|none`).
pub fn plan_set(
    function: &str,
    account: &str,
    region: &str,
    current: Reserved,
    to: Reserved,
) -> Result<ReservedChange, LeverRefusal> {
    if current == to {
        return Err(LeverRefusal::Nothing(format!(
            "{function} already has reserved concurrency {to}"
        )));
    }
    Ok(ReservedChange {
        function: function.to_string(),
        account: account.to_string(),
        region: region.to_string(),
        from: current,
        to,
        intent: ReservedIntent::Set,
    })
}

/// A planned provisioned-concurrency change on one alias or version: `Some(n)` keeps n execution
/// environments initialised (billed while configured), `None` removes the configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProvisionedChange {
    pub function: String,
    pub qualifier: String,
    pub account: String,
    pub region: String,
    /// The requested amount configured now (`None`: no configuration).
    pub from: Option<i32>,
    pub to: Option<i32>,
}

impl ProvisionedChange {
    /// `None`/`Some(n ≥ 1)` for `to`; `$LATEST` is refused (AWS takes an alias or a version).
    pub fn plan(
        function: &str,
        qualifier: &str,
        account: &str,
        region: &str,
        from: Option<i32>,
        to: Reserved,
    ) -> Result<Self, LeverRefusal> {
        if qualifier == "$LATEST" {
            return Err(LeverRefusal::Refused(
                "provisioned concurrency is configured on an alias or a published version, not $LATEST"
                    .to_string(),
            ));
        }
        let to = match to.0 {
            Some(0) => {
                return Err(LeverRefusal::Refused(
                    "provisioned concurrency is at least 1: use `none` to remove it".to_string(),
                ));
            }
            other => other,
        };
        if from == to {
            return Err(LeverRefusal::Nothing(format!(
                "{function}:{qualifier} already has provisioned concurrency {}",
                Reserved(to)
            )));
        }
        Ok(Self {
            function: function.to_string(),
            qualifier: qualifier.to_string(),
            account: account.to_string(),
            region: region.to_string(),
            from,
            to,
        })
    }

    /// What will happen, in words, ending with `provisioned concurrency FROM → TO`.
    pub fn confirm_text(&self) -> String {
        let target = format!(
            "{}:{} in account {} {}",
            self.function, self.qualifier, self.account, self.region
        );
        let what = match self.to {
            Some(n) => format!(
                "keeps {n} execution environment(s) of {target} initialised, billed while configured whether used or not"
            ),
            None => format!(
                "removes the provisioned concurrency of {target}: its invocations may start cold again"
            ),
        };
        format!(
            "{what}; provisioned concurrency {} → {}",
            Reserved(self.from),
            Reserved(self.to)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-07T03:14:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn kill_switch_confirm_says_it_stops_every_invocation_in_words() {
        let c = plan_stop(
            "orders-api",
            "123456789012",
            "us-east-1",
            Reserved::NONE,
            None,
        )
        .unwrap();
        assert_eq!(
            c.confirm_text(),
            "stops every invocation of orders-api in account 123456789012 us-east-1; reserved concurrency none → 0"
        );
        let c = plan_stop("f", "1", "eu-west-1", Reserved(Some(25)), None).unwrap();
        assert!(c.confirm_text().ends_with("reserved concurrency 25 → 0"));
    }

    #[test]
    fn stopping_a_stopped_function_is_nothing_to_do_and_keeps_the_memory() {
        let r = Remembered {
            at: t(),
            previous: Reserved(Some(7)),
        };
        let e = plan_stop("f", "1", "r", Reserved::STOPPED, Some(&r)).unwrap_err();
        assert!(
            matches!(&e, LeverRefusal::Nothing(m) if m.contains("brings back 7")),
            "{e}"
        );
        let e = plan_stop("f", "1", "r", Reserved::STOPPED, None).unwrap_err();
        assert!(matches!(&e, LeverRefusal::Nothing(m) if m.contains("not by lambdash")));
    }

    #[test]
    fn restore_brings_back_exactly_the_remembered_value_and_says_so() {
        for previous in [Reserved::NONE, Reserved(Some(5))] {
            let r = Remembered { at: t(), previous };
            let c = plan_restore(
                "orders-api",
                "123",
                "us-east-1",
                Reserved::STOPPED,
                Some(&r),
                false,
            )
            .unwrap();
            assert_eq!(c.to, previous);
            let text = c.confirm_text();
            assert!(
                text.starts_with("restores orders-api in account 123 us-east-1"),
                "{text}"
            );
            assert!(text.contains("2026-12-07 03:14 UTC"), "{text}");
            assert!(
                text.ends_with(&format!("reserved concurrency 0 → {previous}")),
                "{text}"
            );
        }
    }

    #[test]
    fn restore_refuses_without_memory_or_after_someone_else_changed_it() {
        let e = plan_restore("f", "1", "r", Reserved::STOPPED, None, false).unwrap_err();
        assert!(matches!(e, LeverRefusal::Refused(_)));
        let r = Remembered {
            at: t(),
            previous: Reserved::NONE,
        };
        let e = plan_restore("f", "1", "r", Reserved(Some(3)), Some(&r), false).unwrap_err();
        assert!(
            matches!(&e, LeverRefusal::Refused(m) if m.contains("--force")),
            "{e}"
        );
        let forced = plan_restore("f", "1", "r", Reserved(Some(3)), Some(&r), true).unwrap();
        assert_eq!(
            (forced.from, forced.to),
            (Reserved(Some(3)), Reserved::NONE)
        );
    }

    #[test]
    fn set_parses_none_and_numbers_and_refuses_the_rest() {
        assert_eq!(Reserved::parse("none"), Ok(Reserved::NONE));
        assert_eq!(Reserved::parse("NONE"), Ok(Reserved::NONE));
        assert_eq!(Reserved::parse("0"), Ok(Reserved::STOPPED));
        assert_eq!(Reserved::parse("12"), Ok(Reserved(Some(12))));
        assert!(Reserved::parse("-1").is_err());
        assert!(Reserved::parse("ten").is_err());
        let c = plan_set("f", "1", "r", Reserved(Some(5)), Reserved::NONE).unwrap();
        assert!(
            c.confirm_text()
                .contains("shares the account's unreserved pool")
        );
        assert!(plan_set("f", "1", "r", Reserved::NONE, Reserved::NONE).is_err());
        let c = plan_set("f", "1", "r", Reserved::NONE, Reserved::STOPPED).unwrap();
        assert!(c.confirm_text().starts_with("stops every invocation of f"));
    }

    fn row(name: &str, reserved: Reserved, peak: Option<f64>) -> FunctionConcurrency {
        FunctionConcurrency {
            function: name.to_string(),
            reserved: Availability::Ok(reserved),
            provisioned: Availability::Skipped,
            peak,
            throttles: None,
        }
    }

    #[test]
    fn stopped_functions_first_then_closest_to_their_ceiling() {
        let account = Some(AccountConcurrency {
            limit: 1000,
            unreserved: 900,
        });
        let mut rows = vec![
            row("idle", Reserved::NONE, None),
            row("busy-pool", Reserved::NONE, Some(450.0)),
            row("near-cap", Reserved(Some(10)), Some(9.0)),
            row("stopped", Reserved::STOPPED, None),
        ];
        sort_closest_first(&mut rows, account);
        let names: Vec<&str> = rows.iter().map(|r| r.function.as_str()).collect();
        assert_eq!(names, ["stopped", "near-cap", "busy-pool", "idle"]);
        assert_eq!(rows[1].use_of_ceiling(account), Some(0.9));
        assert_eq!(rows[2].ceiling(account), Some(900));
        assert_eq!(rows[2].ceiling(None), None);
    }

    #[test]
    fn provisioned_change_names_the_cost_and_refuses_latest_and_zero() {
        let c = ProvisionedChange::plan(
            "orders-api",
            "live",
            "123",
            "us-east-1",
            None,
            Reserved(Some(20)),
        )
        .unwrap();
        assert_eq!(
            c.confirm_text(),
            "keeps 20 execution environment(s) of orders-api:live in account 123 us-east-1 initialised, billed while configured whether used or not; provisioned concurrency none → 20"
        );
        let r = ProvisionedChange::plan("f", "live", "1", "r", Some(20), Reserved::NONE).unwrap();
        assert!(
            r.confirm_text()
                .ends_with("provisioned concurrency 20 → none")
        );
        assert!(
            ProvisionedChange::plan("f", "$LATEST", "1", "r", None, Reserved(Some(1))).is_err()
        );
        assert!(ProvisionedChange::plan("f", "live", "1", "r", None, Reserved(Some(0))).is_err());
        assert!(matches!(
            ProvisionedChange::plan("f", "live", "1", "r", None, Reserved::NONE),
            Err(LeverRefusal::Nothing(_))
        ));
    }
}
