//! The backoff on throttling and failures: pure arithmetic.
//!
//! The request rate itself is the request scheduler's ([`crate::aws::scheduler`]): every AWS request,
//! FilterLogEvents included, waits there for a token of its quota group. When AWS still says "Rate
//! exceeded" after the SDK's retries, a tail waits a [`Backoff`] delay with jitter before trying
//! again. It never gives up on throttling.

use std::time::Duration;

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
