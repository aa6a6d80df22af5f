//! The behaviour model: how many invocations a minute, how long they take, how often they fail.
//!
//! Pure functions of a spec, a time and a seeded RNG, shared by the history (`seed_demo`) and the
//! live traffic (`traffic_tick`). The model plans invocations; metrics are aggregated from the
//! invocations as they ran (see `sim`), so metrics and logs tell the same story.

use chrono::{DateTime, Timelike, Utc};

use super::catalog::{Family, FunctionSpec, Load};
use super::logs::Outcome;

/// What one function did in one minute.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MinuteStats {
    pub invocations: u32,
    pub errors: u32,
    /// Of the errors, how many were timeouts.
    pub timeouts: u32,
    pub throttles: u32,
    pub duration_sum: f64,
    pub duration_min: f64,
    pub duration_max: f64,
    pub concurrency: u32,
}

/// A standard normal sample (Box–Muller).
pub fn normal(rng: &mut fastrand::Rng) -> f64 {
    let u1 = rng.f64().max(1e-12);
    let u2 = rng.f64();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A Poisson-like count with mean `mean` (normal approximation, clamped at 0; exact enough here).
pub fn count(rng: &mut fastrand::Rng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    if mean < 12.0 {
        // Knuth's method for small means.
        let l = (-mean).exp();
        let mut k = 0_u32;
        let mut p = 1.0;
        loop {
            p *= rng.f64();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
    (mean + mean.sqrt() * normal(rng)).round().max(0.0) as u32
}

/// A stable small hash of a name (FNV-1a), to spread schedules and seeds.
pub fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The daily swell: busier in the (UTC) afternoon, quiet at night.
fn diurnal(t: DateTime<Utc>) -> f64 {
    let hour = f64::from(t.hour()) + f64::from(t.minute()) / 60.0;
    1.0 + 0.35 * ((hour - 9.0) / 24.0 * std::f64::consts::TAU).sin()
}

/// The error rate of `spec` `minutes_ago` minutes before now: the failing function climbs over the
/// last 40 minutes.
pub fn error_rate(spec: &FunctionSpec, minutes_ago: i64) -> f64 {
    if spec.failing_lately() && minutes_ago < 40 {
        let ramp = (40 - minutes_ago.max(0)) as f64 / 40.0;
        spec.error_rate + 0.08 + 0.34 * ramp
    } else {
        spec.error_rate
    }
}

/// One invocation's duration in ms (a log-normal spread around the spec's typical duration).
pub fn duration_ms(spec: &FunctionSpec, rng: &mut fastrand::Rng) -> f64 {
    let d = spec.duration_ms * (0.38 * normal(rng)).exp();
    d.clamp(0.8, f64::from(spec.timeout_s) * 1000.0 - 1.0)
}

/// The init (cold start) duration in ms.
pub fn init_ms(spec: &FunctionSpec, rng: &mut fastrand::Rng) -> f64 {
    let (lo, hi) = match spec.family() {
        Family::Python => (170.0, 520.0),
        Family::Node => (140.0, 390.0),
        Family::Java => (880.0, 2_650.0),
        Family::Dotnet => (290.0, 720.0),
        Family::Custom => (14.0, 62.0),
    };
    lo + (hi - lo) * rng.f64()
}

/// "Max Memory Used" in MB.
pub fn memory_used(spec: &FunctionSpec, rng: &mut fastrand::Rng) -> i32 {
    let base = match spec.family() {
        Family::Python => 46.0,
        Family::Node => 66.0,
        Family::Java => 132.0,
        Family::Dotnet => 88.0,
        Family::Custom => 15.0,
    };
    let extra = f64::from(spec.memory_mb) * (0.04 + 0.5 * rng.f64() * rng.f64());
    ((base + extra) as i32).min(spec.memory_mb)
}

/// The minute (of the Unix epoch) a scheduled function runs in, modulo its period.
fn schedule_offset(spec: &FunctionSpec, every: u32) -> i64 {
    (name_hash(spec.name) % u64::from(every.max(1))) as i64
}

/// One invocation the model decided on: when it starts and how it ends. How long it takes, which
/// version runs it and its log lines come from `logs` when it is run; its metrics come from that run.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub start_ms: i64,
    pub outcome: Outcome,
}

/// The outcome of one invocation `minutes_ago` minutes before now.
pub fn outcome(spec: &FunctionSpec, minutes_ago: i64, rng: &mut fastrand::Rng) -> Outcome {
    if rng.f64() >= error_rate(spec, minutes_ago) {
        Outcome::Ok
    } else if rng.f64() < spec.timeout_share {
        Outcome::Timeout
    } else {
        Outcome::Error
    }
}

/// Requests throttled in one minute (they never run: no log line, only the `Throttles` metric).
pub fn minute_throttles(spec: &FunctionSpec, rng: &mut fastrand::Rng) -> u32 {
    match spec.load {
        Load::PerMinute(_) if spec.reserved_concurrency.is_some() && rng.f64() < 0.05 => {
            3 + rng.u32(0..40)
        }
        Load::Throttled(rate) => count(rng, rate),
        _ => 0,
    }
}

/// How many invocations `spec` gets between `from_ms` (excluded) and `to_ms` (included), at the
/// model's rate (with its daily swell) or on its schedule, with their start times, oldest first.
/// `minutes_ago` is how long before now `to_ms` is (for the failing function's ramp).
pub fn plan(
    spec: &FunctionSpec,
    (from_ms, to_ms): (i64, i64),
    minutes_ago: i64,
    rng: &mut fastrand::Rng,
) -> Vec<Planned> {
    let mut starts: Vec<i64> = match spec.load {
        Load::PerMinute(rate) => {
            let at = DateTime::from_timestamp_millis(to_ms).unwrap_or_default();
            let mean = rate * diurnal(at) * (to_ms - from_ms).max(0) as f64 / 60_000.0;
            (0..count(rng, mean))
                .map(|_| from_ms + 1 + rng.i64(0..(to_ms - from_ms).max(1)))
                .collect()
        }
        Load::Every(every) => {
            // A run at second 0..20 of each scheduled minute (stable per function).
            let offset_ms = (name_hash(spec.name) % 20_000) as i64;
            let first = from_ms.div_euclid(60_000);
            (first..=to_ms.div_euclid(60_000))
                .filter(|m| m.rem_euclid(i64::from(every)) == schedule_offset(spec, every))
                .map(|m| m * 60_000 + offset_ms)
                .filter(|t| *t > from_ms && *t <= to_ms)
                .collect()
        }
        Load::Throttled(_) => Vec::new(),
    };
    starts.sort_unstable();
    starts
        .into_iter()
        .map(|start_ms| Planned {
            start_ms,
            outcome: outcome(spec, minutes_ago, rng),
        })
        .collect()
}

/// What one function did in one minute, from the invocations that ran in it (`(duration ms,
/// outcome)` each) and the requests throttled.
pub fn minute_stats(runs: &[(f64, Outcome)], throttles: u32) -> MinuteStats {
    let mut s = MinuteStats {
        throttles,
        ..MinuteStats::default()
    };
    for (d, outcome) in runs {
        s.invocations += 1;
        s.errors += u32::from(*outcome != Outcome::Ok);
        s.timeouts += u32::from(*outcome == Outcome::Timeout);
        s.duration_sum += d;
        s.duration_min = if s.invocations == 1 {
            *d
        } else {
            s.duration_min.min(*d)
        };
        s.duration_max = s.duration_max.max(*d);
    }
    if s.invocations > 0 {
        s.concurrency = ((s.duration_sum / 60_000.0).ceil() as u32).max(1);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::catalog::{FUNCTIONS, spec};

    #[test]
    fn counts_have_the_right_mean() {
        let mut rng = fastrand::Rng::with_seed(7);
        for mean in [0.5, 4.0, 40.0] {
            let total: u32 = (0..4000).map(|_| count(&mut rng, mean)).sum();
            let avg = f64::from(total) / 4000.0;
            assert!((avg - mean).abs() < mean * 0.1 + 0.05, "{mean} → {avg}");
        }
    }

    #[test]
    fn failing_function_fails_lately_only() {
        let f = spec(crate::seed::catalog::FAILING_FUNCTION).expect("exists");
        assert!(error_rate(f, 0) > 0.3);
        assert!(error_rate(f, 120) < 0.05);
    }

    #[test]
    fn minute_stats_are_consistent() {
        let mut rng = fastrand::Rng::with_seed(1);
        let now = Utc::now().timestamp_millis();
        for f in FUNCTIONS {
            for ago in 0..30 {
                let runs: Vec<(f64, Outcome)> = plan(f, (now - 60_000, now), ago, &mut rng)
                    .into_iter()
                    .map(|p| (duration_ms(f, &mut rng), p.outcome))
                    .collect();
                let s = minute_stats(&runs, minute_throttles(f, &mut rng));
                assert!(s.errors <= s.invocations);
                assert!(s.timeouts <= s.errors);
                if s.invocations > 0 {
                    assert!(s.duration_min <= s.duration_max);
                    assert!(s.concurrency >= 1);
                    assert!(s.duration_max <= f64::from(f.timeout_s) * 1000.0);
                }
            }
        }
    }

    #[test]
    fn scheduled_functions_run_on_schedule() {
        let f = spec("session-cleanup").expect("exists");
        let mut rng = fastrand::Rng::with_seed(3);
        let start = (1_800_000_000 - 1_800_000_000_i64.rem_euclid(60)) * 1000;
        let runs = plan(f, (start, start + 150 * 60_000), 0, &mut rng).len();
        assert_eq!(runs, 10);
        // Planned second by second, the same runs.
        let by_second: usize = (0..150 * 60)
            .map(|s| plan(f, (start + s * 1000, start + (s + 1) * 1000), 0, &mut rng).len())
            .sum();
        assert_eq!(by_second, 10);
    }

    #[test]
    fn planned_rates_follow_the_model() {
        let f = spec("orders-api").expect("exists");
        let mut rng = fastrand::Rng::with_seed(9);
        let t = 1_800_000_000_000;
        let n = plan(f, (t, t + 60 * 60_000), 100, &mut rng).len();
        assert!((42 * 60 / 2..42 * 60 * 2).contains(&n), "{n}");
    }
}
