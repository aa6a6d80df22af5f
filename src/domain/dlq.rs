//! Dead-letter queue domain types and redrive planning (issue #6).
