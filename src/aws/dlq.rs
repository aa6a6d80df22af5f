//! SQS dead-letter queues: discovery, peek, redrive, purge (issue #6).
