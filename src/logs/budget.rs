//! The request budget and the backoff: pure arithmetic, time passed in.
//!
//! `FilterLogEvents` is limited to 5 requests per second per account and region, shared with every
//! other tool and person. lambdash keeps all its tails (every function, every page, backfills) under
//! one [`TokenBucket`] (2 requests/s by default) and, when AWS still says "Rate exceeded", waits a
//! [`Backoff`] delay with jitter before trying again. It never gives up on throttling.

use std::time::{Duration, Instant};

/// The default budget for CloudWatch Logs reads, in requests per second.
pub const DEFAULT_TPS: f64 = 2.0;

/// A token bucket: `rate` tokens per second, at most `burst` banked. Each request takes one token.
///
/// With the default burst of 1, requests are spaced `1 / rate` apart: over any interval `t`, at most
/// `rate × t + 1` requests start.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Option<Instant>,
}

impl Default for TokenBucket {
    fn default() -> Self {
        Self::new(DEFAULT_TPS)
    }
}

impl TokenBucket {
    /// `rate` requests per second (a non-positive or non-finite rate is taken as 0.1/s), burst 1.
    pub fn new(rate: f64) -> Self {
        let rate = if rate.is_finite() && rate > 0.0 {
            rate
        } else {
            0.1
        };
        Self {
            rate,
            burst: 1.0,
            tokens: 1.0,
            last: None,
        }
    }

    /// Allows up to `burst` back-to-back requests after an idle period.
    #[must_use]
    pub fn with_burst(mut self, burst: u32) -> Self {
        self.burst = f64::from(burst.max(1));
        self.tokens = self.burst;
        self
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    fn refill(&mut self, now: Instant) {
        if let Some(last) = self.last {
            let elapsed = now.saturating_duration_since(last).as_secs_f64();
            self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        }
        self.last = Some(now);
    }

    /// Takes a token at `now`, or says how long to wait before one is available.
    pub fn try_take(&mut self, now: Instant) -> Result<(), Duration> {
        // Float refills can land a hair under 1.0; treat that as a whole token.
        const EPSILON: f64 = 1e-9;
        self.refill(now);
        if self.tokens >= 1.0 - EPSILON {
            self.tokens = (self.tokens - 1.0).max(0.0);
            Ok(())
        } else {
            let wait = Duration::from_secs_f64((1.0 - self.tokens) / self.rate);
            Err(wait.max(Duration::from_millis(1)))
        }
    }
}

/// Exponential backoff with "equal jitter": the delay after `n` consecutive failures is drawn from
/// `[d/2, d]` where `d = min(max, base × 2^(n−1))`. Half of it is guaranteed, so "retrying in Ns" is
/// honest; the random half spreads clients that were throttled together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            max: Duration::from_mins(1),
        }
    }
}

impl Backoff {
    /// The ceiling `d` after `failures` consecutive failures (0 failures: no wait).
    pub fn ceiling(&self, failures: u32) -> Duration {
        if failures == 0 {
            return Duration::ZERO;
        }
        let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(30));
        self.base.saturating_mul(factor).min(self.max)
    }

    /// The delay to wait, `jitter` being a uniform sample in `[0, 1)`.
    pub fn delay(&self, failures: u32, jitter: f64) -> Duration {
        let ceiling = self.ceiling(failures);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        ceiling / 2 + ceiling.mul_f64(jitter / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_spaces_requests_at_the_rate() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(2.0);
        assert!(bucket.try_take(t0).is_ok());
        let wait = bucket.try_take(t0).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        assert!(bucket.try_take(t0 + Duration::from_millis(499)).is_err());
        assert!(bucket.try_take(t0 + Duration::from_millis(500)).is_ok());
    }

    #[test]
    fn budget_holds_over_a_long_run() {
        // Callers hammering the bucket for 60 s get at most rate × 60 + burst requests.
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(2.0);
        let mut granted = 0;
        let mut now = t0;
        while now < t0 + Duration::from_mins(1) {
            match bucket.try_take(now) {
                Ok(()) => granted += 1,
                Err(wait) => now += wait.min(Duration::from_millis(7)),
            }
        }
        assert!((120..=121).contains(&granted), "{granted}");
    }

    #[test]
    fn idle_time_banks_at_most_the_burst() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(1.0).with_burst(3);
        let later = t0 + Duration::from_hours(1);
        assert!(bucket.try_take(t0).is_ok());
        for _ in 0..3 {
            assert!(bucket.try_take(later).is_ok());
        }
        assert!(bucket.try_take(later).is_err());
    }

    #[test]
    fn nonsense_rates_do_not_divide_by_zero() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(0.0);
        bucket.try_take(t0).unwrap();
        assert_eq!(bucket.try_take(t0).unwrap_err(), Duration::from_secs(10));
        assert!((TokenBucket::new(f64::NAN).rate() - 0.1).abs() < 1e-9);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let b = Backoff::default();
        assert_eq!(b.delay(0, 0.5), Duration::ZERO);
        assert_eq!(b.delay(1, 0.0), Duration::from_millis(500));
        assert_eq!(b.delay(1, 1.0), Duration::from_secs(1));
        assert_eq!(b.delay(3, 0.0), Duration::from_secs(2));
        assert_eq!(b.ceiling(3), Duration::from_secs(4));
        assert_eq!(b.ceiling(7), Duration::from_mins(1));
        assert_eq!(b.ceiling(u32::MAX), Duration::from_mins(1));
        for n in 1..20 {
            for j in [0.0, 0.3, 0.999] {
                let d = b.delay(n, j);
                assert!(d >= b.ceiling(n) / 2 && d <= b.ceiling(n), "{n} {j} {d:?}");
            }
        }
    }

    #[test]
    fn throttled_then_success_resets_the_backoff() {
        // The caller's loop: failures count up on throttling, reset on success.
        let b = Backoff::default();
        let outcomes = [false, false, false, true, false];
        let mut failures = 0;
        let mut delays = Vec::new();
        for ok in outcomes {
            if ok {
                failures = 0;
            } else {
                failures += 1;
                delays.push(b.ceiling(failures).as_secs());
            }
        }
        assert_eq!(delays, [1, 2, 4, 1]);
    }
}
