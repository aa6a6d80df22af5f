//! A bounded ring buffer: the pane's scrollback. Pushing is O(1); once full, every push evicts the
//! oldest item, so memory stays flat however long a tail runs.
//!
//! Items are addressed two ways: by position (`0` = the oldest still held) for drawing, and by a
//! sequence number that never changes (`seq` of the first item ever pushed is 0), so a selection or a
//! search hit can survive evictions ([`Ring::get_seq`] returns `None` once the item is gone).

use std::collections::VecDeque;

/// The default capacity of the logs pane's buffer, in lines.
pub const DEFAULT_CAPACITY: usize = 100_000;

#[derive(Clone, Debug)]
pub struct Ring<T> {
    buf: VecDeque<T>,
    cap: usize,
    /// How many items were ever pushed (the `seq` the next push gets).
    pushed: u64,
}

impl<T> Default for Ring<T> {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl<T> Ring<T> {
    /// A ring holding at most `capacity` items (at least 1). Storage grows on demand up to that bound,
    /// so an idle pane does not pre-allocate 100,000 slots.
    pub fn new(capacity: usize) -> Self {
        Self {
            buf: VecDeque::new(),
            cap: capacity.max(1),
            pushed: 0,
        }
    }

    /// Appends an item; returns the evicted oldest one when the ring was full.
    pub fn push(&mut self, item: T) -> Option<T> {
        self.pushed += 1;
        let evicted = if self.buf.len() == self.cap {
            self.buf.pop_front()
        } else {
            if self.buf.len() == self.buf.capacity() {
                // Grow geometrically, but never past the bound (VecDeque alone would round up).
                let len = self.buf.len();
                let extra = len.max(64).min(self.cap - len);
                self.buf.reserve_exact(extra);
            }
            None
        };
        self.buf.push_back(item);
        evicted
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The bound (not the current allocation).
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Slots currently allocated (never more than the bound plus the allocator's rounding).
    pub fn allocated(&self) -> usize {
        self.buf.capacity()
    }

    /// Items evicted so far.
    pub fn dropped(&self) -> u64 {
        self.pushed - self.buf.len() as u64
    }

    /// Items ever pushed.
    pub fn pushed(&self) -> u64 {
        self.pushed
    }

    /// The `seq` of the oldest item held (equal to `pushed()` when empty).
    pub fn first_seq(&self) -> u64 {
        self.dropped()
    }

    /// By position: 0 is the oldest held item.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.buf.get(index)
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.buf.get_mut(index)
    }

    /// By sequence number; `None` once evicted or not yet pushed.
    pub fn get_seq(&self, seq: u64) -> Option<&T> {
        let index = seq.checked_sub(self.first_seq())?;
        self.buf.get(usize::try_from(index).ok()?)
    }

    /// Position of a sequence number, if still held.
    pub fn index_of_seq(&self, seq: u64) -> Option<usize> {
        let index = usize::try_from(seq.checked_sub(self.first_seq())?).ok()?;
        (index < self.buf.len()).then_some(index)
    }

    /// The newest item.
    pub fn last(&self) -> Option<&T> {
        self.buf.back()
    }

    /// Oldest to newest (`.rev()` for newest first).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.buf.iter()
    }

    /// A range of positions, clamped to what is held (for drawing one screenful).
    pub fn range(&self, start: usize, len: usize) -> impl DoubleEndedIterator<Item = &T> {
        let start = start.min(self.buf.len());
        let end = start.saturating_add(len).min(self.buf.len());
        self.buf.range(start..end)
    }

    /// Empties the ring; sequence numbers keep counting.
    pub fn clear(&mut self) {
        self.buf.clear();
    }

    /// Changes the bound, evicting the oldest items if it shrank.
    pub fn set_capacity(&mut self, capacity: usize) {
        self.cap = capacity.max(1);
        while self.buf.len() > self.cap {
            self.buf.pop_front();
        }
        self.buf.shrink_to(self.cap);
    }
}

impl<'a, T> IntoIterator for &'a Ring<T> {
    type Item = &'a T;
    type IntoIter = std::collections::vec_deque::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.buf.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_buffer_memory_is_bounded() {
        let mut ring = Ring::new(1_000);
        for i in 0..1_000_000u64 {
            ring.push(i);
        }
        assert_eq!(ring.len(), 1_000);
        assert!(ring.allocated() < 2_000, "allocated {}", ring.allocated());
        assert_eq!(ring.dropped(), 999_000);
        assert_eq!(ring.get(0), Some(&999_000));
        assert_eq!(ring.last(), Some(&999_999));
    }

    #[test]
    fn ring_buffer_of_default_size_does_not_overshoot() {
        let mut ring = Ring::default();
        for i in 0..250_000u32 {
            ring.push(i);
        }
        assert_eq!(ring.len(), DEFAULT_CAPACITY);
        assert!(
            ring.allocated() <= DEFAULT_CAPACITY + 64,
            "{}",
            ring.allocated()
        );
    }

    #[test]
    fn push_returns_the_evicted_oldest_item() {
        let mut ring = Ring::new(2);
        assert_eq!(ring.push('a'), None);
        assert_eq!(ring.push('b'), None);
        assert_eq!(ring.push('c'), Some('a'));
        assert_eq!(ring.iter().copied().collect::<String>(), "bc");
    }

    #[test]
    fn sequence_numbers_survive_eviction() {
        let mut ring = Ring::new(3);
        for c in ['a', 'b', 'c', 'd', 'e'] {
            ring.push(c);
        }
        assert_eq!(ring.first_seq(), 2);
        assert_eq!(ring.get_seq(1), None);
        assert_eq!(ring.get_seq(2), Some(&'c'));
        assert_eq!(ring.get_seq(4), Some(&'e'));
        assert_eq!(ring.get_seq(5), None);
        assert_eq!(ring.index_of_seq(3), Some(1));
    }

    #[test]
    fn range_is_clamped_and_shrinking_evicts_oldest() {
        let mut ring = Ring::new(10);
        for i in 0..10 {
            ring.push(i);
        }
        assert_eq!(ring.range(8, 5).copied().collect::<Vec<_>>(), vec![8, 9]);
        assert_eq!(ring.range(20, 5).count(), 0);
        ring.set_capacity(3);
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), vec![7, 8, 9]);
        ring.push(10);
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), vec![8, 9, 10]);
        assert_eq!(ring.pushed(), 11);
    }
}
