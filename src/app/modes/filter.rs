//! The `/` filter: fuzzy (in-order subsequence), case-insensitive; a leading `!` inverts it.

/// A parsed filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    needle: String,
    inverted: bool,
}

impl Filter {
    pub fn parse(input: &str) -> Self {
        let (inverted, rest) = match input.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        Self {
            needle: rest.trim().to_lowercase(),
            inverted,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.needle.is_empty()
    }

    /// True when any of `fields` matches (or, inverted, when none does).
    pub fn matches(&self, fields: &[&str]) -> bool {
        if self.needle.is_empty() {
            return true;
        }
        let hit = fields.iter().any(|f| fuzzy_match(&self.needle, f));
        hit != self.inverted
    }
}

/// True when every char of `needle` (lowercase) appears in `haystack` in order.
pub fn fuzzy_match(needle: &str, haystack: &str) -> bool {
    let mut hay = haystack.chars().flat_map(char::to_lowercase);
    needle.chars().all(|n| hay.any(|h| h == n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_filter_matches_subsequences_in_order() {
        let f = Filter::parse("ordapi");
        assert!(f.matches(&["orders-api"]));
        assert!(!f.matches(&["api-orders"]));
        assert!(Filter::parse("ORD").matches(&["orders-api"]));
    }

    #[test]
    fn bang_inverts_the_filter() {
        let f = Filter::parse("!orders");
        assert!(!f.matches(&["orders-api"]));
        assert!(f.matches(&["payments"]));
        assert!(Filter::parse("!").matches(&["anything"]));
    }

    #[test]
    fn any_field_can_match() {
        let f = Filter::parse("python");
        assert!(f.matches(&["orders-api", "python3.12"]));
    }
}
