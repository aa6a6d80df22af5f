//! The log engine's throughput: de-duplication of re-queried windows, the ring buffer, the pane's
//! buffer (level detection + invocations + ring), and merging several functions in timestamp order.
//! Run: `cargo bench --bench logs_engine`. Figures: BENCHMARKS-logs.md.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use chrono::DateTime;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use lambdash::domain::log::LogEvent;
use lambdash::logs::{LogBuffer, Merger, Ring, Tailer};

const T0: i64 = 1_790_000_000_000;

/// A CloudWatch-like 56-digit event id.
fn event_id(i: u64) -> String {
    format!("{:056}", 37_000_000_000_000_000u64 + i * 7919)
}

fn message(i: u64) -> String {
    let rid = format!("0f7c2a2e-1111-4222-8333-{:012}", i / 8);
    match i % 8 {
        0 => format!("START RequestId: {rid} Version: $LATEST\n"),
        1 => format!("[INFO]\t2026-11-21T10:00:00.000Z\t{rid}\tprocessing order ord_{i}\n"),
        2 => format!(
            "{{\"level\":\"INFO\",\"location\":\"handler:42\",\"message\":\"Order placed\",\"service\":\"orders\",\"cold_start\":false,\"function_request_id\":\"{rid}\",\"order_id\":\"ord_{i}\"}}\n"
        ),
        3 => format!("2026-11-21T10:00:00.000Z\t{rid}\tWARN\tslow downstream ({i} ms)\n"),
        4 => format!("[ERROR] ValueError: bad input {i}\n"),
        5 => format!("plain print {i}\n"),
        6 => format!("END RequestId: {rid}\n"),
        _ => format!(
            "REPORT RequestId: {rid}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 88 MB\t\n"
        ),
    }
}

/// `n` events, `per_ms` per millisecond, in `streams` streams.
fn events(function: &str, n: u64, per_ms: u64, start_ms: i64) -> Vec<LogEvent> {
    (0..n)
        .map(|i| LogEvent {
            function: function.to_owned(),
            stream: format!("2026/11/21/[$LATEST]{:032x}", i % 4),
            event_id: event_id(i),
            timestamp: DateTime::from_timestamp_millis(start_ms + (i / per_ms) as i64).unwrap(),
            ingestion_time: DateTime::from_timestamp_millis(start_ms + (i / per_ms) as i64 + 200),
            message: message(i),
        })
        .collect()
}

fn dedup_and_ring(c: &mut Criterion) {
    let mut g = c.benchmark_group("dedup_ring");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));

    // 100,000 new events through the de-duplication and into a 100,000-line ring.
    let fresh = events("orders", 100_000, 10, T0);
    g.throughput(Throughput::Elements(fresh.len() as u64));
    g.bench_function("new_events_100k", |b| {
        b.iter_batched(
            || (fresh.clone(), Tailer::default(), Ring::new(100_000)),
            |(batch, mut tailer, mut ring)| {
                tailer.next_window(DateTime::from_timestamp_millis(T0 + 10_000).unwrap());
                for e in tailer.ingest(batch) {
                    ring.push(e);
                }
                black_box((tailer, ring))
            },
            BatchSize::LargeInput,
        );
    });

    // Steady polling: a 120 s window at 500 events/s re-queried every second. Each poll hands the
    // whole window (60,000 events) to the tailer; 500 of them are new. Throughput counts every event
    // handled, duplicates included.
    let rate = 500u64;
    let window_s = 120u64;
    let polls = 10u64;
    let all = events("orders", rate * (window_s + polls), rate / 1000 + 1, T0);
    let per_poll: Vec<Vec<LogEvent>> = (0..polls)
        .map(|p| {
            let lo = (p * rate) as usize;
            let hi = ((p + window_s) * rate) as usize;
            all[lo..hi].to_vec()
        })
        .collect();
    let handled: u64 = per_poll.iter().map(|v| v.len() as u64).sum();
    g.throughput(Throughput::Elements(handled));
    g.bench_function("requery_window_500eps", |b| {
        b.iter_batched(
            || {
                let mut tailer = Tailer::new(Duration::from_secs(window_s));
                // Warm: the first window already seen.
                tailer.next_window(DateTime::from_timestamp_millis(T0).unwrap());
                (per_poll.clone(), tailer, Ring::new(100_000))
            },
            |(polls, mut tailer, mut ring)| {
                for batch in polls {
                    for e in tailer.ingest(batch) {
                        ring.push(e);
                    }
                }
                black_box((tailer, ring))
            },
            BatchSize::LargeInput,
        );
    });

    // The pane's buffer: level detection, JSON sniffing, invocation joins, then the ring.
    g.throughput(Throughput::Elements(fresh.len() as u64));
    g.bench_function("log_buffer_extend_100k", |b| {
        b.iter_batched(
            || (fresh.clone(), LogBuffer::new(100_000)),
            |(batch, mut buffer)| {
                buffer.extend(batch, |_| 0);
                black_box(buffer)
            },
            BatchSize::LargeInput,
        );
    });
    g.finish();
}

fn merging(c: &mut Criterion) {
    let mut g = c.benchmark_group("merge");
    g.sample_size(20);
    // Four functions, 25,000 events each, arriving in 1 s polls; released behind a 1 s grace.
    let sources: Vec<Vec<LogEvent>> = (0..4)
        .map(|s| events(&format!("fn-{s}"), 25_000, 25, T0 + s))
        .collect();
    let total: u64 = sources.iter().map(|v| v.len() as u64).sum();
    g.throughput(Throughput::Elements(total));
    g.bench_function("merger_4x25k", |b| {
        b.iter_batched(
            || sources.clone(),
            |sources| {
                let mut merger = Merger::new(4, Duration::from_secs(1));
                let mut out = 0usize;
                let seconds = 1_000 / 25 + 2;
                let mut iters: Vec<_> = sources.into_iter().map(Vec::into_iter).collect();
                for sec in 0..=seconds {
                    let now = DateTime::from_timestamp_millis(T0 + sec * 1_000).unwrap();
                    for (i, it) in iters.iter_mut().enumerate() {
                        let batch: Vec<LogEvent> = it.take(25_000 / seconds as usize + 1).collect();
                        merger.push(i, batch);
                        merger.advance(i, now);
                    }
                    out += merger.release(now).len();
                }
                out += merger.flush().len();
                black_box(out)
            },
            BatchSize::LargeInput,
        );
    });
    g.bench_function("sort_by_time_4x25k", |b| {
        b.iter_batched(
            || sources.concat(),
            |mut all| {
                lambdash::logs::tailer::sort_by_time(&mut all);
                black_box(all)
            },
            BatchSize::LargeInput,
        );
    });
    g.finish();
}

criterion_group!(benches, dedup_and_ring, merging);
criterion_main!(benches);
