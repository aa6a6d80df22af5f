//! The cost glance: what a function's invocations cost, from its Invocations and Duration sums, its
//! memory and architecture, and a price file per region.
//!
//! ## How tiers are applied
//!
//! Duration tiers are priced on the **account's monthly total per architecture in a region**, not per
//! function. [`estimate_costs`] therefore projects every function's GB-seconds to a month
//! (× 30 days / range), adds them up per architecture, prices that monthly total through the tiers,
//! and charges each function the resulting **blended rate** (tiered cost ÷ total GB-s): each function
//! pays its pro-rata share. [`estimate_cost`] (one function alone) uses that function's own projection
//! as the total, which for most accounts is the first tier.
//!
//! ## Why it is a lower bound (and where it is not)
//!
//! See [`LOWER_BOUND_NOTES`]: INIT time is billed but not in `Duration`, per-invocation rounding up to
//! 1 ms is lost in the sums, provisioned concurrency and other services are not included. The free
//! tier is not deducted and volume tiers only see this region's functions: both are account-wide and
//! can only lower the bill.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::config::ConfigError;
use crate::domain::Function;

/// Errors in a price file: located like config errors (`FILE:LINE:COLUMN: FIELD: MESSAGE`).
pub type PricesError = ConfigError;

/// Seconds in the 30-day month projections use.
pub const MONTH_S: f64 = 30.0 * 86_400.0;

/// Said with every estimate.
pub const LOWER_BOUND_NOTES: [&str; 5] = [
    "estimate, lower bound: INIT (cold start) time is billed but is not in the Duration metric",
    "each invocation is billed rounded up to the next 1 ms; sums of Duration lose that rounding",
    "provisioned concurrency, data transfer and other services (CloudWatch Logs, X-Ray, …) are not included",
    "the free tier (1M requests and 400,000 GB-s a month) is not deducted: it is account-wide",
    TIERS_NOTE,
];

/// How duration tiers enter the estimate, in the words the cost pane and `lambdash cost` both use.
pub const TIERS_NOTE: &str = "duration tiers are applied to this region's projected monthly GB-s per architecture (each function pays the blended rate); other regions' usage is not counted";

const BUILT_IN: [(&str, &str); 4] = [
    ("us-east-1", include_str!("../../../prices/us-east-1.toml")),
    ("us-east-2", include_str!("../../../prices/us-east-2.toml")),
    ("us-west-2", include_str!("../../../prices/us-west-2.toml")),
    ("eu-west-1", include_str!("../../../prices/eu-west-1.toml")),
];

/// One duration tier: the price per GB-s up to a cumulative monthly total (`None`: no limit).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tier {
    pub up_to_gb_s: Option<f64>,
    pub usd_per_gb_s: f64,
}

/// Provisioned concurrency prices for one architecture.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProvisionedPrices {
    pub concurrency_usd_per_gb_s: f64,
    pub duration_usd_per_gb_s: f64,
}

/// Lambda prices for one region.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prices {
    pub region: String,
    /// `built-in us-east-1` or the user file's path.
    pub source: String,
    /// Set when the region has no price file and another region's prices are used.
    pub fallback_note: Option<String>,
    pub requests_usd_per_million: f64,
    pub x86_64: Vec<Tier>,
    pub arm64: Vec<Tier>,
    pub ephemeral_free_mb: f64,
    pub ephemeral_usd_per_gb_s: f64,
    pub provisioned_x86_64: Option<ProvisionedPrices>,
    pub provisioned_arm64: Option<ProvisionedPrices>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrices {
    requests: RawRequests,
    duration: RawDuration,
    ephemeral_storage: RawEphemeral,
    provisioned_concurrency: Option<RawProvisionedArchs>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequests {
    usd_per_million: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDuration {
    x86_64: RawArch,
    arm64: RawArch,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArch {
    tiers: Spanned<Vec<Spanned<RawTier>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    up_to_gb_s: Option<Spanned<f64>>,
    usd_per_gb_s: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEphemeral {
    free_mb: Spanned<f64>,
    usd_per_gb_s: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvisionedArchs {
    x86_64: Option<RawProvisioned>,
    arm64: Option<RawProvisioned>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvisioned {
    concurrency_usd_per_gb_s: Spanned<f64>,
    duration_usd_per_gb_s: Spanned<f64>,
}

impl Prices {
    /// Regions with a built-in price file.
    pub fn built_in_regions() -> Vec<&'static str> {
        BUILT_IN.iter().map(|(r, _)| *r).collect()
    }

    /// The prices for `region`: `user_dir/REGION.toml` when it exists (errors are the user's to fix),
    /// else the built-in file, else the built-in us-east-1 prices with a [`Prices::fallback_note`].
    pub fn load(region: &str, user_dir: Option<&Path>) -> Result<Prices, PricesError> {
        if let Some(path) = user_dir.map(|d| d.join(format!("{region}.toml")))
            && path.exists()
        {
            let text = ConfigError::read(&path)?;
            let mut prices = Self::parse(&text, &path, region)?;
            prices.source = path.display().to_string();
            return Ok(prices);
        }
        let (used, text, note) = match BUILT_IN.iter().find(|(r, _)| *r == region) {
            Some((r, text)) => (*r, *text, None),
            None => (
                "us-east-1",
                BUILT_IN[0].1,
                Some(format!(
                    "no price file for {region}: using us-east-1 list prices (add {region}.toml to the prices directory to fix)"
                )),
            ),
        };
        let file = PathBuf::from(format!("prices/{used}.toml"));
        let mut prices = Self::parse(text, &file, region)?;
        prices.source = format!("built-in {used}");
        prices.fallback_note = note;
        Ok(prices)
    }

    /// Parses a price file; `file` names it in errors.
    pub fn parse(text: &str, file: &Path, region: &str) -> Result<Prices, PricesError> {
        let raw: RawPrices =
            toml::from_str(text).map_err(|e| ConfigError::from_toml(&e, text, file))?;
        let f = PriceFile { file, text };
        let pc = raw.provisioned_concurrency.as_ref();
        Ok(Prices {
            region: region.to_string(),
            source: file.display().to_string(),
            fallback_note: None,
            requests_usd_per_million: f
                .price(&raw.requests.usd_per_million, "requests.usd_per_million")?,
            x86_64: f.tiers(&raw.duration.x86_64, "duration.x86_64.tiers")?,
            arm64: f.tiers(&raw.duration.arm64, "duration.arm64.tiers")?,
            ephemeral_free_mb: f
                .price(&raw.ephemeral_storage.free_mb, "ephemeral_storage.free_mb")?,
            ephemeral_usd_per_gb_s: f.price(
                &raw.ephemeral_storage.usd_per_gb_s,
                "ephemeral_storage.usd_per_gb_s",
            )?,
            provisioned_x86_64: f.provisioned(
                pc.and_then(|p| p.x86_64.as_ref()),
                "provisioned_concurrency.x86_64",
            )?,
            provisioned_arm64: f.provisioned(
                pc.and_then(|p| p.arm64.as_ref()),
                "provisioned_concurrency.arm64",
            )?,
        })
    }

    /// The duration tiers for an architecture (`arm64`, anything else is x86_64).
    pub fn tiers(&self, architecture: &str) -> &[Tier] {
        if architecture == "arm64" {
            &self.arm64
        } else {
            &self.x86_64
        }
    }
}

/// A price file being parsed: checks its values and says where a bad one is.
struct PriceFile<'a> {
    file: &'a Path,
    text: &'a str,
}

impl PriceFile<'_> {
    fn err(&self, span: &Range<usize>, field: &str, message: &str) -> PricesError {
        ConfigError::at(self.file, self.text, span, field, message)
    }

    fn price(&self, v: &Spanned<f64>, field: &str) -> Result<f64, PricesError> {
        let x = *v.get_ref();
        if x.is_finite() && x >= 0.0 {
            Ok(x)
        } else {
            Err(self.err(&v.span(), field, "must be a price ≥ 0"))
        }
    }

    /// The duration tiers of one architecture: limits increasing, the last one without.
    fn tiers(&self, arch: &RawArch, field: &str) -> Result<Vec<Tier>, PricesError> {
        let list = arch.tiers.get_ref();
        if list.is_empty() {
            return Err(self.err(&arch.tiers.span(), field, "at least one tier is needed"));
        }
        let mut out = Vec::new();
        let mut last_limit = 0.0;
        for (i, tier) in list.iter().enumerate() {
            let f = format!("{field}[{i}]");
            let t = tier.get_ref();
            let is_last = i + 1 == list.len();
            let up_to = match (&t.up_to_gb_s, is_last) {
                (Some(v), true) => {
                    return Err(self.err(
                        &v.span(),
                        &format!("{f}.up_to_gb_s"),
                        "the last tier has no limit: remove up_to_gb_s",
                    ));
                }
                (None, false) => {
                    return Err(self.err(
                        &tier.span(),
                        &f,
                        "every tier but the last needs up_to_gb_s",
                    ));
                }
                (Some(v), false) => {
                    if *v.get_ref() <= last_limit {
                        return Err(self.err(
                            &v.span(),
                            &format!("{f}.up_to_gb_s"),
                            "tier limits must increase",
                        ));
                    }
                    last_limit = *v.get_ref();
                    Some(last_limit)
                }
                (None, true) => None,
            };
            out.push(Tier {
                up_to_gb_s: up_to,
                usd_per_gb_s: self.price(&t.usd_per_gb_s, &format!("{f}.usd_per_gb_s"))?,
            });
        }
        Ok(out)
    }

    fn provisioned(
        &self,
        p: Option<&RawProvisioned>,
        field: &str,
    ) -> Result<Option<ProvisionedPrices>, PricesError> {
        p.map(|p| {
            Ok::<_, PricesError>(ProvisionedPrices {
                concurrency_usd_per_gb_s: self.price(
                    &p.concurrency_usd_per_gb_s,
                    &format!("{field}.concurrency_usd_per_gb_s"),
                )?,
                duration_usd_per_gb_s: self.price(
                    &p.duration_usd_per_gb_s,
                    &format!("{field}.duration_usd_per_gb_s"),
                )?,
            })
        })
        .transpose()
    }
}

/// The cost of `monthly_gb_s` GB-seconds in a month, through the tiers.
pub fn tiered_cost(tiers: &[Tier], monthly_gb_s: f64) -> f64 {
    let mut cost = 0.0;
    let mut floor = 0.0;
    for tier in tiers {
        let ceiling = tier.up_to_gb_s.unwrap_or(f64::INFINITY);
        let in_tier = (monthly_gb_s.min(ceiling) - floor).max(0.0);
        cost += in_tier * tier.usd_per_gb_s;
        if monthly_gb_s <= ceiling {
            break;
        }
        floor = ceiling;
    }
    cost
}

/// Average price per GB-s of a monthly total (the first tier's price for an empty month).
pub fn blended_rate(tiers: &[Tier], monthly_gb_s: f64) -> f64 {
    if monthly_gb_s > 0.0 {
        tiered_cost(tiers, monthly_gb_s) / monthly_gb_s
    } else {
        tiers.first().map_or(0.0, |t| t.usd_per_gb_s)
    }
}

/// The factor from a range to a 30-day month.
pub fn month_factor(range: Duration) -> f64 {
    let s = range.as_secs_f64();
    if s > 0.0 { MONTH_S / s } else { 0.0 }
}

/// GB-seconds of `sum_duration_ms` at `memory_mb`.
pub fn gb_seconds(sum_duration_ms: f64, memory_mb: i32) -> f64 {
    sum_duration_ms / 1000.0 * f64::from(memory_mb) / 1024.0
}

/// One function's estimated cost over a range, and projected to a month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostEstimate {
    pub function: String,
    pub architecture: String,
    pub memory_mb: i32,
    pub invocations: f64,
    pub gb_seconds: f64,
    /// The (blended) price per GB-s used.
    pub usd_per_gb_s: f64,
    pub request_cost_usd: f64,
    pub duration_cost_usd: f64,
    pub ephemeral_cost_usd: f64,
    pub total_usd: f64,
    pub projected_monthly_usd: f64,
    pub lower_bound_notes: Vec<String>,
}

/// What one function used over the range.
#[derive(Clone, Debug, PartialEq)]
pub struct CostInput {
    pub function: Function,
    pub invocations: f64,
    pub sum_duration_ms: f64,
    /// `EphemeralStorage.Size`; `None` = the default 512 MB.
    pub ephemeral_storage_mb: Option<i32>,
}

/// One function alone: tiers by its own projected month. See the module docs.
pub fn estimate_cost(
    function: &Function,
    invocations: f64,
    sum_duration_ms: f64,
    range: Duration,
    prices: &Prices,
) -> CostEstimate {
    let gb_s = gb_seconds(sum_duration_ms, function.memory_mb);
    let rate = blended_rate(
        prices.tiers(&function.architecture),
        gb_s * month_factor(range),
    );
    let input = CostInput {
        function: function.clone(),
        invocations,
        sum_duration_ms,
        ephemeral_storage_mb: None,
    };
    estimate_at_rate(&input, range, prices, rate)
}

fn estimate_at_rate(
    input: &CostInput,
    range: Duration,
    prices: &Prices,
    rate: f64,
) -> CostEstimate {
    let f = &input.function;
    let invocations = input.invocations.max(0.0);
    let gb_s = gb_seconds(input.sum_duration_ms.max(0.0), f.memory_mb);
    let request_cost = invocations * prices.requests_usd_per_million / 1_000_000.0;
    let duration_cost = gb_s * rate;
    let extra_gb = input.ephemeral_storage_mb.map_or(0.0, |mb| {
        (f64::from(mb) - prices.ephemeral_free_mb).max(0.0) / 1024.0
    });
    let ephemeral_cost =
        extra_gb * input.sum_duration_ms.max(0.0) / 1000.0 * prices.ephemeral_usd_per_gb_s;
    let total = request_cost + duration_cost + ephemeral_cost;
    let mut notes: Vec<String> = LOWER_BOUND_NOTES.iter().map(ToString::to_string).collect();
    notes.extend(prices.fallback_note.clone());
    CostEstimate {
        function: f.name.clone(),
        architecture: f.architecture.clone(),
        memory_mb: f.memory_mb,
        invocations,
        gb_seconds: gb_s,
        usd_per_gb_s: rate,
        request_cost_usd: request_cost,
        duration_cost_usd: duration_cost,
        ephemeral_cost_usd: ephemeral_cost,
        total_usd: total,
        projected_monthly_usd: total * month_factor(range),
        lower_bound_notes: notes,
    }
}

/// Every function's estimate, most expensive first, with totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostReport {
    pub range_s: u64,
    pub rows: Vec<CostEstimate>,
    pub invocations: f64,
    pub gb_seconds: f64,
    pub total_usd: f64,
    pub projected_monthly_usd: f64,
    /// Projected monthly GB-s per architecture, the basis of the tiers.
    pub monthly_gb_s_by_architecture: BTreeMap<String, f64>,
    pub prices_source: String,
    pub notes: Vec<String>,
}

/// Estimates for a whole region: tiers by the projected monthly total per architecture, pro-rated
/// as a blended rate (see the module docs). Sorted by total, then name.
pub fn estimate_costs(inputs: &[CostInput], range: Duration, prices: &Prices) -> CostReport {
    let factor = month_factor(range);
    let mut monthly: BTreeMap<String, f64> = BTreeMap::new();
    for i in inputs {
        let arch = if i.function.architecture == "arm64" {
            "arm64"
        } else {
            "x86_64"
        };
        *monthly.entry(arch.to_string()).or_default() +=
            gb_seconds(i.sum_duration_ms.max(0.0), i.function.memory_mb) * factor;
    }
    let rate = |arch: &str| {
        let key = if arch == "arm64" { "arm64" } else { "x86_64" };
        blended_rate(prices.tiers(arch), monthly.get(key).copied().unwrap_or(0.0))
    };
    let mut rows: Vec<CostEstimate> = inputs
        .iter()
        .map(|i| estimate_at_rate(i, range, prices, rate(&i.function.architecture)))
        .collect();
    rows.sort_by(|a, b| {
        b.total_usd
            .total_cmp(&a.total_usd)
            .then_with(|| a.function.cmp(&b.function))
    });
    let mut notes: Vec<String> = LOWER_BOUND_NOTES.iter().map(ToString::to_string).collect();
    notes.extend(prices.fallback_note.clone());
    CostReport {
        range_s: range.as_secs(),
        invocations: rows.iter().map(|r| r.invocations).sum(),
        gb_seconds: rows.iter().map(|r| r.gb_seconds).sum(),
        total_usd: rows.iter().map(|r| r.total_usd).sum(),
        projected_monthly_usd: rows.iter().map(|r| r.projected_monthly_usd).sum(),
        rows,
        monthly_gb_s_by_architecture: monthly,
        prices_source: prices.source.clone(),
        notes,
    }
}

/// A function whose cost could not be estimated (its metrics could not be fetched, or there were
/// none): listed apart, never costed at 0.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unestimated {
    pub function: String,
    pub reason: String,
}

/// The series a cost estimate needs for `function`: invocations and the summed duration.
pub fn cost_series(function: &str) -> [super::SeriesKey; 2] {
    use super::{MetricName, SeriesKey, Stat};
    [
        SeriesKey::new(function, MetricName::Invocations, Stat::Sum),
        SeriesKey::new(function, MetricName::Duration, Stat::Sum),
    ]
}

/// Usage per function from a batch holding [`cost_series`]; functions whose series failed are set
/// apart with the reason.
pub fn cost_inputs(
    functions: &[(Function, Option<i32>)],
    batch: &super::MetricsBatch,
) -> (Vec<CostInput>, Vec<Unestimated>) {
    use super::Reading;
    let mut inputs = Vec::new();
    let mut unestimated = Vec::new();
    for (f, storage) in functions {
        let [inv, dur] = cost_series(&f.name);
        match (batch.reading(&inv), batch.reading(&dur)) {
            (Reading::Value(invocations), Reading::Value(sum_duration_ms)) => {
                inputs.push(CostInput {
                    function: f.clone(),
                    invocations,
                    sum_duration_ms,
                    ephemeral_storage_mb: *storage,
                });
            }
            (Reading::Unavailable(why), _) | (_, Reading::Unavailable(why)) => {
                unestimated.push(Unestimated {
                    function: f.name.clone(),
                    reason: why,
                });
            }
            _ => unestimated.push(Unestimated {
                function: f.name.clone(),
                reason: "no data".into(),
            }),
        }
    }
    (inputs, unestimated)
}

/// Provisioned concurrency cost: `units` environments of `memory_mb` kept warm for `seconds`, plus
/// the duration they served (`served_ms`) at the provisioned duration price. `None` when the price
/// file has no provisioned prices for the architecture.
pub fn provisioned_cost(
    prices: &Prices,
    architecture: &str,
    memory_mb: i32,
    units: u32,
    seconds: f64,
    served_ms: f64,
) -> Option<f64> {
    let p = if architecture == "arm64" {
        prices.provisioned_arm64.as_ref()
    } else {
        prices.provisioned_x86_64.as_ref()
    }?;
    let gb = f64::from(memory_mb) / 1024.0;
    Some(
        f64::from(units) * gb * seconds * p.concurrency_usd_per_gb_s
            + gb_seconds(served_ms, memory_mb) * p.duration_usd_per_gb_s,
    )
}

#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    fn us_east_1() -> Prices {
        Prices::load("us-east-1", None).unwrap()
    }

    fn function(arch: &str, memory_mb: i32) -> Function {
        Function {
            name: format!("f-{arch}-{memory_mb}"),
            arn: String::new(),
            runtime: Some("python3.12".into()),
            architecture: arch.into(),
            memory_mb,
            timeout_s: 3,
            last_modified: None,
            state: None,
            code_size_bytes: 0,
            package_type: "Zip".into(),
            log_group: None,
            dead_letter_target: None,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    const DAY: Duration = Duration::from_hours(24);
    const MONTH: Duration = Duration::from_hours(30 * 24);

    #[test]
    fn x86_128mb_one_million_100ms_invocations() {
        // 1M × 100 ms = 100,000 s × 0.125 GB = 12,500 GB-s × $0.0000166667 = $0.20833375;
        // requests 1M × $0.20/M = $0.20; total $0.40833375 over a 30-day range.
        let e = estimate_cost(&function("x86_64", 128), 1e6, 1e8, MONTH, &us_east_1());
        assert!(close(e.gb_seconds, 12_500.0), "{}", e.gb_seconds);
        assert!(close(e.request_cost_usd, 0.20));
        assert!(
            close(e.duration_cost_usd, 0.208_333_75),
            "{}",
            e.duration_cost_usd
        );
        assert!(close(e.total_usd, 0.408_333_75));
        assert!(close(e.projected_monthly_usd, 0.408_333_75));
        assert_eq!(e.ephemeral_cost_usd, 0.0);
    }

    #[test]
    fn arm64_10240mb_with_ephemeral_storage_over_one_day() {
        // 1,000 × 1 s at 10 GB = 10,000 GB-s × $0.0000133334 = $0.133334; requests $0.0002;
        // 10,240 MB /tmp: 9.5 GB above 512 MB × 1,000 s × $0.0000000309 = $0.00029355.
        let input = CostInput {
            function: function("arm64", 10_240),
            invocations: 1000.0,
            sum_duration_ms: 1_000_000.0,
            ephemeral_storage_mb: Some(10_240),
        };
        let report = estimate_costs(&[input], DAY, &us_east_1());
        let e = &report.rows[0];
        assert!(close(e.gb_seconds, 10_000.0));
        assert!(
            close(e.duration_cost_usd, 0.133_334),
            "{}",
            e.duration_cost_usd
        );
        assert!(close(e.request_cost_usd, 0.0002));
        assert!(
            close(e.ephemeral_cost_usd, 0.000_293_55),
            "{}",
            e.ephemeral_cost_usd
        );
        let total = 0.133_334 + 0.0002 + 0.000_293_55;
        assert!(close(e.total_usd, total));
        assert!(close(e.projected_monthly_usd, total * 30.0));
        assert!(close(report.total_usd, total));
    }

    #[test]
    fn x86_10240mb_and_arm64_128mb_single_estimates() {
        let p = us_east_1();
        // 3,600 × 500 ms at 10 GB = 18,000 GB-s × $0.0000166667 = $0.3000006.
        let e = estimate_cost(&function("x86_64", 10_240), 3600.0, 1_800_000.0, DAY, &p);
        assert!(
            close(e.duration_cost_usd, 0.300_000_6),
            "{}",
            e.duration_cost_usd
        );
        // 3,600 × 500 ms at 0.125 GB = 225 GB-s × $0.0000133334 = $0.003000015.
        let e = estimate_cost(&function("arm64", 128), 3600.0, 1_800_000.0, DAY, &p);
        assert!(
            close(e.duration_cost_usd, 0.003_000_015),
            "{}",
            e.duration_cost_usd
        );
    }

    #[test]
    fn tier_boundary_blends_the_account_monthly_total() {
        let p = us_east_1();
        // Exactly at the first boundary: all at the first price.
        assert!(close(tiered_cost(&p.x86_64, 6e9), 6e9 * 0.000_016_666_7));
        // 9e9 GB-s a month: 6e9 × 0.0000166667 + 3e9 × 0.000015 = 100,000.2 + 45,000 = 145,000.2.
        assert!(close(tiered_cost(&p.x86_64, 9e9), 145_000.2));
        // Past the second boundary: + 5e9 × 0.0000133334 = 66,667.
        assert!(close(
            tiered_cost(&p.x86_64, 20e9),
            100_000.2 + 135_000.0 + 66_667.0
        ));
        // Two x86 functions, one month, 4.5e9 GB-s each (9e9 total): both pay the blended rate
        // 145,000.2 / 9e9, so together exactly the tiered cost.
        let gb_per_fn = 4.5e9;
        let ms = gb_per_fn * 1000.0; // at 1024 MB, GB-s = ms / 1000
        let inputs: Vec<CostInput> = ["a", "b"]
            .iter()
            .map(|n| CostInput {
                function: Function {
                    name: (*n).to_string(),
                    ..function("x86_64", 1024)
                },
                invocations: 0.0,
                sum_duration_ms: ms,
                ephemeral_storage_mb: None,
            })
            .collect();
        let r = estimate_costs(&inputs, MONTH, &p);
        assert!(close(r.rows[0].usd_per_gb_s, 145_000.2 / 9e9));
        assert!(close(r.total_usd, 145_000.2), "{}", r.total_usd);
        assert!(close(r.monthly_gb_s_by_architecture["x86_64"], 9e9));
        // Alone, one of them stays in the first tier.
        let alone = estimate_cost(&inputs[0].function, 0.0, ms, MONTH, &p);
        assert!(close(alone.duration_cost_usd, 4.5e9 * 0.000_016_666_7));
    }

    #[test]
    fn zero_invocations_cost_nothing() {
        let e = estimate_cost(&function("x86_64", 128), 0.0, 0.0, DAY, &us_east_1());
        assert_eq!(
            (e.total_usd, e.projected_monthly_usd, e.gb_seconds),
            (0.0, 0.0, 0.0)
        );
        assert!(close(e.usd_per_gb_s, 0.000_016_666_7));
        assert!(e.lower_bound_notes[0].starts_with("estimate, lower bound"));
    }

    #[test]
    fn report_sorts_by_cost_and_projects_a_one_hour_range() {
        let p = us_east_1();
        let mk = |name: &str, inv: f64| CostInput {
            function: Function {
                name: name.into(),
                ..function("x86_64", 128)
            },
            invocations: inv,
            sum_duration_ms: inv * 100.0,
            ephemeral_storage_mb: None,
        };
        let r = estimate_costs(
            &[mk("cheap", 10.0), mk("dear", 1000.0)],
            Duration::from_hours(1),
            &p,
        );
        assert_eq!(r.rows[0].function, "dear");
        assert!(close(r.projected_monthly_usd, r.total_usd * 720.0));
    }

    #[test]
    fn built_in_regions_parse_and_unknown_regions_fall_back_with_a_note() {
        for region in Prices::built_in_regions() {
            let p = Prices::load(region, None).unwrap();
            assert!(close(p.requests_usd_per_million, 0.20));
            assert_eq!(p.x86_64.len(), 3);
            assert!(p.provisioned_arm64.is_some());
        }
        let p = Prices::load("ap-south-2", None).unwrap();
        assert!(p.fallback_note.unwrap().contains("us-east-1"));
    }

    #[test]
    fn user_price_file_overrides_and_errors_name_file_line_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let good = BUILT_IN[0]
            .1
            .replace("usd_per_million = 0.20", "usd_per_million = 0.40");
        std::fs::write(dir.path().join("us-east-1.toml"), good).unwrap();
        let p = Prices::load("us-east-1", Some(dir.path())).unwrap();
        assert!(close(p.requests_usd_per_million, 0.40));
        assert!(p.source.ends_with("us-east-1.toml"));

        let bad = "[requests]\nusd_per_milion = 0.2\n";
        let path = dir.path().join("eu-west-1.toml");
        std::fs::write(&path, bad).unwrap();
        let e = Prices::load("eu-west-1", Some(dir.path())).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        assert!(e.to_string().contains("unknown key"), "{e}");
        assert!(
            e.to_string().starts_with(&path.display().to_string()),
            "{e}"
        );

        let unordered = BUILT_IN[0].1.replace("15_000_000_000", "5_000_000_000");
        let e = Prices::parse(&unordered, Path::new("p.toml"), "us-east-1").unwrap_err();
        assert_eq!(e.field, "duration.x86_64.tiers[1].up_to_gb_s");
        assert!(e.to_string().starts_with("p.toml:13:"), "{e}");
        let negative = BUILT_IN[0].1.replace("0.0000000309", "-1.0");
        let e = Prices::parse(&negative, Path::new("p.toml"), "us-east-1").unwrap_err();
        assert_eq!(e.field, "ephemeral_storage.usd_per_gb_s");
    }

    #[test]
    fn provisioned_concurrency_is_priced_per_gb_second_kept_warm() {
        // 2 × 1 GB for 1 hour = 7,200 GB-s × $0.0000041667 = $0.03000024.
        let c = provisioned_cost(&us_east_1(), "x86_64", 1024, 2, 3600.0, 0.0).unwrap();
        assert!(close(c, 0.030_000_24), "{c}");
    }
}
