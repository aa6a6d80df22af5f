//! Whether a DLQ is filling up, over a window of depth samples (not just the last two polls: a queue
//! going 10 → 11 → 12 between polls that sometimes see no change is growing, not "steady").

use std::collections::VecDeque;

use chrono::TimeDelta;

use super::{DepthSample, Trend};

/// The window a trend is judged over: any growth within it is growth.
pub const TREND_WINDOW: TimeDelta = TimeDelta::minutes(10);

/// The depth samples of one queue within [`TREND_WINDOW`] of the newest, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DepthHistory {
    samples: VecDeque<DepthSample>,
}

impl DepthHistory {
    /// Adds a sample and forgets those older than `window` before it. A sample not newer than the
    /// last one (a refresh landing at the same instant, or out of order) is ignored.
    pub fn push(&mut self, sample: DepthSample, window: TimeDelta) {
        if self.samples.back().is_some_and(|last| sample.at <= last.at) {
            return;
        }
        self.samples.push_back(sample);
        while self
            .samples
            .front()
            .is_some_and(|first| sample.at - first.at > window)
        {
            self.samples.pop_front();
        }
    }

    /// Growing when the count (visible + in flight + delayed) rose between any two samples of the
    /// window (new failures arrived, whatever else happened); else shrinking when it ends lower than
    /// it started; else steady. Unknown with a single sample.
    pub fn trend(&self) -> Trend {
        if self.samples.len() < 2 {
            return Trend::Unknown;
        }
        let totals: Vec<u64> = self.samples.iter().map(DepthSample::total).collect();
        if totals.windows(2).any(|w| w[1] > w[0]) {
            Trend::Growing
        } else if totals.last() < totals.first() {
            Trend::Shrinking
        } else {
            Trend::Steady
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};

    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 17, 0, 0).unwrap() + TimeDelta::seconds(s)
    }

    /// A history of `(seconds, visible)` polls, 30 s apart as the DLQ poller takes them.
    fn history(polls: &[(i64, u64)]) -> DepthHistory {
        let mut h = DepthHistory::default();
        for (s, visible) in polls {
            h.push(
                DepthSample {
                    at: at(*s),
                    visible: *visible,
                    in_flight: 0,
                    delayed: 0,
                },
                TREND_WINDOW,
            );
        }
        h
    }

    #[test]
    fn any_growth_within_the_window_is_growing() {
        // 10 → 11 → 12 with polls that saw no change in between.
        let h = history(&[(0, 10), (30, 10), (60, 11), (90, 11), (120, 12), (150, 12)]);
        assert_eq!(h.trend(), Trend::Growing);
        // 24 → 25, then flat: still growing while the growth is in the window…
        let h = history(&[(0, 24), (30, 25), (60, 25), (90, 25)]);
        assert_eq!(h.trend(), Trend::Growing);
        // …and steady once it has left it.
        let mut polls = vec![(0, 24), (30, 25)];
        polls.extend((2..=24).map(|i| (i * 30, 25)));
        assert_eq!(history(&polls).trend(), Trend::Steady);
    }

    #[test]
    fn shrinking_and_flat_queues() {
        assert_eq!(
            history(&[(0, 9), (30, 7), (60, 7), (90, 3)]).trend(),
            Trend::Shrinking
        );
        assert_eq!(history(&[(0, 4), (30, 4), (60, 4)]).trend(), Trend::Steady);
        assert_eq!(history(&[(0, 4)]).trend(), Trend::Unknown);
    }

    #[test]
    fn a_sample_at_the_same_instant_or_earlier_is_ignored() {
        let h = history(&[(0, 4), (30, 5), (30, 1), (10, 0)]);
        assert_eq!(h.trend(), Trend::Growing);
        assert_eq!(h.samples.len(), 2);
    }
}
