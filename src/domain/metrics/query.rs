//! Batching series into GetMetricData calls with stable query ids.

use super::{MAX_QUERIES_PER_CALL, SeriesKey};

/// One metric query of a GetMetricData call: a valid, stable id and the series it fetches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// `m{index}`: matches `^[a-z][a-zA-Z0-9_]*$`, unique within the plan.
    pub id: String,
    /// Position of the series in the slice given to [`plan_queries`].
    pub index: usize,
    pub key: SeriesKey,
}

/// The id of the `index`-th series of a plan.
pub fn query_id(index: usize) -> String {
    format!("m{index}")
}

/// The index a [`query_id`] stands for.
pub fn query_index(id: &str) -> Option<usize> {
    id.strip_prefix('m')?.parse().ok()
}

/// Splits `series` into GetMetricData calls of at most [`MAX_QUERIES_PER_CALL`] queries, in order:
/// N series → ⌈N/500⌉ calls. Ids depend only on the position, so the same list gives the same ids.
pub fn plan_queries(series: &[SeriesKey]) -> Vec<Vec<Query>> {
    series
        .iter()
        .enumerate()
        .map(|(index, key)| Query {
            id: query_id(index),
            index,
            key: key.clone(),
        })
        .collect::<Vec<_>>()
        .chunks(MAX_QUERIES_PER_CALL)
        .map(<[Query]>::to_vec)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::metrics::row_series;

    fn valid_id(id: &str) -> bool {
        let mut chars = id.chars();
        chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    }

    fn many(n: usize) -> Vec<SeriesKey> {
        (0..n)
            .map(|i| {
                let [a, b, c, d] = row_series(&format!("fn-{:04}", i / 4));
                [a, b, c, d][i % 4].clone()
            })
            .collect()
    }

    #[test]
    fn batching_makes_ceil_n_over_500_calls_of_at_most_500() {
        for (n, calls) in [
            (0, 0),
            (1, 1),
            (40, 1),
            (400, 1),
            (500, 1),
            (501, 2),
            (4000, 8),
            (4001, 9),
        ] {
            let plan = plan_queries(&many(n));
            assert_eq!(plan.len(), calls, "{n} series");
            assert!(plan.iter().all(|b| !b.is_empty() && b.len() <= 500));
            assert_eq!(plan.iter().map(Vec::len).sum::<usize>(), n);
        }
    }

    #[test]
    fn query_ids_are_valid_unique_stable_and_map_back() {
        let series = many(1234);
        let plan = plan_queries(&series);
        let again = plan_queries(&series);
        assert_eq!(plan, again);
        let mut seen = std::collections::HashSet::new();
        for q in plan.iter().flatten() {
            assert!(valid_id(&q.id), "{}", q.id);
            assert!(seen.insert(q.id.clone()), "duplicate {}", q.id);
            assert_eq!(query_index(&q.id), Some(q.index));
            assert_eq!(series[q.index], q.key);
        }
        assert_eq!(plan[1][0].id, "m500");
    }
}
