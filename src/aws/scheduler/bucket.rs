//! One quota group's token bucket in one scope: pure arithmetic, time passed in.
//!
//! - Tokens arrive at the current rate; at most [`BURST`] seconds' worth (and at least one) are banked,
//!   so over any `t` seconds at most `rate × t + burst` requests start.
//! - AIMD: a throttle halves the current rate (at most once a second: the requests already in flight
//!   when AWS started refusing answer together), never below [`FLOOR`] of the allowed rate, and drops
//!   the banked tokens; each second without a throttle adds back [`RECOVERY`] of the allowed rate.
//! - Use (requests sent, retries included) and throttles are counted per second and per minute for the
//!   status bar and `:quota`.

use std::time::Duration;

use tokio::time::Instant;

/// Seconds of the current rate that may be banked (at least one token).
pub const BURST: f64 = 0.2;
/// The lowest the rate falls to after throttles, as a part of the allowed rate.
pub const FLOOR: f64 = 1.0 / 20.0;
/// What a second without throttles adds back, as a part of the allowed rate (half → full in 25 s).
pub const RECOVERY: f64 = 0.02;

/// Float refills can land a hair under 1.0; that is a whole token.
const EPSILON: f64 = 1e-9;

/// Counts in the last `N` slots of a fixed width (seconds, minutes), by absolute slot index.
#[derive(Clone, Debug)]
pub struct Ring<const N: usize> {
    slots: [u32; N],
    newest: u64,
}

impl<const N: usize> Default for Ring<N> {
    fn default() -> Self {
        Self {
            slots: [0; N],
            newest: 0,
        }
    }
}

impl<const N: usize> Ring<N> {
    pub fn add(&mut self, index: u64) {
        if index > self.newest {
            let gap = (index - self.newest).min(N as u64);
            for i in 1..=gap {
                self.slots[((self.newest + i) % N as u64) as usize] = 0;
            }
            self.newest = index;
        }
        if self.newest - index < N as u64 {
            let slot = &mut self.slots[(index % N as u64) as usize];
            *slot = slot.saturating_add(1);
        }
    }

    /// The sum over the `k` slots ending at `index` (included).
    pub fn sum_last(&self, index: u64, k: usize) -> u64 {
        let k = k.min(N) as u64;
        (index.saturating_sub(k - 1)..=index)
            .filter(|&i| i <= self.newest && self.newest - i < N as u64)
            .map(|i| u64::from(self.slots[(i % N as u64) as usize]))
            .sum()
    }
}

/// A token bucket with AIMD and usage counters. `allowed: None` is an unlimited group: every take
/// succeeds, use and throttles are still counted.
#[derive(Clone, Debug)]
pub struct Bucket {
    allowed: Option<f64>,
    rate: f64,
    tokens: f64,
    last: Instant,
    last_decrease: Option<Instant>,
    epoch: Instant,
    used: Ring<60>,
    throttles: Ring<60>,
}

impl Bucket {
    pub fn new(allowed: Option<f64>, now: Instant) -> Self {
        let allowed = allowed.map(|a| if a.is_finite() && a > 0.0 { a } else { 0.1 });
        let rate = allowed.unwrap_or(0.0);
        let mut bucket = Self {
            allowed,
            rate,
            tokens: 0.0,
            last: now,
            last_decrease: None,
            epoch: now,
            used: Ring::default(),
            throttles: Ring::default(),
        };
        bucket.tokens = bucket.capacity();
        bucket
    }

    pub fn allowed(&self) -> Option<f64> {
        self.allowed
    }

    /// The rate now (after AIMD), `None` when unlimited.
    pub fn rate(&self) -> Option<f64> {
        self.allowed.map(|_| self.rate)
    }

    fn capacity(&self) -> f64 {
        (self.rate * BURST).max(1.0)
    }

    fn refill(&mut self, now: Instant) {
        let Some(allowed) = self.allowed else {
            return;
        };
        let since = self.last;
        let dt = now.saturating_duration_since(since).as_secs_f64();
        self.last = now.max(since);
        self.tokens = (self.tokens + dt * self.rate).min(self.capacity());
        // Recovery counts only calm time: from a second after the last halving.
        let calm_from = self
            .last_decrease
            .map_or(since, |at| since.max(at + Duration::from_secs(1)));
        let calm = now.saturating_duration_since(calm_from).as_secs_f64();
        if self.rate < allowed {
            self.rate = (self.rate + calm * RECOVERY * allowed).min(allowed);
        }
    }

    /// Takes a token at `now` (counting the request), or says how long until one is available.
    pub fn try_take(&mut self, now: Instant) -> Result<(), Duration> {
        if self.allowed.is_none() {
            self.record_use(now);
            return Ok(());
        }
        self.refill(now);
        if self.tokens >= 1.0 - EPSILON {
            self.tokens = (self.tokens - 1.0).max(0.0);
            self.record_use(now);
            Ok(())
        } else {
            let wait = Duration::from_secs_f64((1.0 - self.tokens) / self.rate);
            Err(wait.max(Duration::from_millis(1)))
        }
    }

    fn second(&self, now: Instant) -> u64 {
        now.saturating_duration_since(self.epoch).as_secs()
    }

    fn record_use(&mut self, now: Instant) {
        let s = self.second(now);
        self.used.add(s);
    }

    /// AWS refused a request for its rate: halve the rate (at most once a second) and drop the bank.
    pub fn throttled(&mut self, now: Instant) {
        let minute = self.second(now) / 60;
        self.throttles.add(minute);
        let Some(allowed) = self.allowed else {
            return;
        };
        self.refill(now);
        let recent = self
            .last_decrease
            .is_some_and(|at| now.saturating_duration_since(at) < Duration::from_secs(1));
        if !recent {
            self.rate = (self.rate / 2.0).max(allowed * FLOOR);
            self.last_decrease = Some(now);
        }
        self.tokens = self.tokens.min(0.0);
    }

    /// Requests per second over the last `seconds` seconds (the current one included).
    pub fn used_rps(&self, now: Instant, seconds: usize) -> f64 {
        self.used.sum_last(self.second(now), seconds) as f64 / seconds as f64
    }

    /// Throttles received over the last hour.
    pub fn throttles_last_hour(&self, now: Instant) -> u32 {
        let minute = self.second(now) / 60;
        u32::try_from(self.throttles.sum_last(minute, 60)).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Instant {
        Instant::now()
    }

    #[test]
    fn requests_are_spaced_at_the_rate_after_the_first() {
        let t = t0();
        let mut b = Bucket::new(Some(5.0), t);
        assert!(b.try_take(t).is_ok());
        assert_eq!(b.try_take(t), Err(Duration::from_millis(200)));
        assert!(b.try_take(t + Duration::from_millis(199)).is_err());
        assert!(b.try_take(t + Duration::from_millis(200)).is_ok());
    }

    #[test]
    fn hammering_for_a_minute_gets_the_rate_and_one_burst() {
        let t = t0();
        let mut b = Bucket::new(Some(5.0), t);
        let (mut granted, mut now) = (0, t);
        while now < t + Duration::from_mins(1) {
            match b.try_take(now) {
                Ok(()) => granted += 1,
                Err(wait) => now += wait.min(Duration::from_millis(7)),
            }
        }
        assert!((300..=301).contains(&granted), "{granted}");
    }

    #[test]
    fn a_throttle_halves_the_rate_once_a_second_and_it_recovers_slowly() {
        let t = t0();
        let mut b = Bucket::new(Some(4.0), t);
        b.throttled(t);
        b.throttled(t + Duration::from_millis(300));
        assert_eq!(
            b.rate(),
            Some(2.0),
            "two throttles in one second halve once"
        );
        b.throttled(t + Duration::from_secs(1));
        assert_eq!(b.rate(), Some(1.0));
        // 2 % of the allowed 4/s per calm second (from a second after the halving): 0.08/s per
        // second; 25 s → +2.0.
        let later = t + Duration::from_secs(27);
        let _ = b.try_take(later);
        let rate = b.rate().unwrap_or_default();
        assert!((rate - 3.0).abs() < 1e-6, "{rate}");
        let much_later = t + Duration::from_mins(10);
        let _ = b.try_take(much_later);
        assert_eq!(b.rate(), Some(4.0), "back to the allowed rate, never above");
    }

    #[test]
    fn the_rate_never_falls_below_the_floor() {
        let t = t0();
        let mut b = Bucket::new(Some(5.0), t);
        for s in 0..30 {
            b.throttled(t + Duration::from_secs(s));
        }
        let rate = b.rate().unwrap_or_default();
        assert!((rate - 0.25).abs() < 1e-9, "{rate}");
        assert_eq!(b.throttles_last_hour(t + Duration::from_secs(30)), 30);
        assert_eq!(b.throttles_last_hour(t + Duration::from_hours(2)), 0);
    }

    #[test]
    fn unlimited_groups_always_grant_and_still_count() {
        let t = t0();
        let mut b = Bucket::new(None, t);
        for _ in 0..1000 {
            assert!(b.try_take(t).is_ok());
        }
        assert!((b.used_rps(t, 10) - 100.0).abs() < 1e-9);
        b.throttled(t);
        assert_eq!(b.rate(), None);
        assert_eq!(b.throttles_last_hour(t), 1);
    }

    #[test]
    fn used_rate_covers_the_last_window_only() {
        let t = t0();
        let mut b = Bucket::new(None, t);
        for s in 0..20 {
            let _ = b.try_take(t + Duration::from_secs(s));
            let _ = b.try_take(t + Duration::from_secs(s));
        }
        let now = t + Duration::from_secs(19);
        assert!((b.used_rps(now, 10) - 2.0).abs() < 1e-9);
        assert!((b.used_rps(now, 60) - 40.0 / 60.0).abs() < 1e-9);
        let idle = t + Duration::from_secs(100);
        assert!(b.used_rps(idle, 10).abs() < 1e-9);
    }
}
