//! Frame build time of the logs pane with a full buffer (100,000 lines), following and paused with a
//! search highlighted. Run: `cargo bench --bench logs_pane`.
#![allow(clippy::unwrap_used)]

use lambdash::app::{FunctionsMsg, LogsMsg};
use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lambdash::app::{App, Init, Msg};
use lambdash::config::Config;
use lambdash::domain::Function;
use lambdash::domain::log::LogEvent;
use lambdash::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn key(app: &mut App, c: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

fn app_with_lines(n: usize) -> App {
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
    let mut app = App::new(Init {
        profile: Some("bench".into()),
        region: Some("us-east-1".into()),
        endpoint_url: None,
        read_only: false,
        theme: Theme::default_theme(),
        theme_names: vec![],
        profiles: vec![],
        config: Config::default(),
        now,
        quiet: true,
    });
    let _ = app.start();
    app.update(Msg::Connected {
        generation: 1,
        profile: "bench".into(),
        region: "us-east-1".into(),
    });
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 1,
        now,
    }));
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 1,
        page: vec![Function {
            name: "orders-api".into(),
            arn: String::new(),
            runtime: Some("python3.12".into()),
            architecture: "arm64".into(),
            memory_mb: 512,
            timeout_s: 30,
            last_modified: None,
            state: Some("Active".into()),
            code_size_bytes: 0,
            package_type: "Zip".into(),
            log_group: None,
            dead_letter_target: None,
        }],
    }));
    key(&mut app, KeyCode::Char('l'));
    let session = app.logs.as_ref().unwrap().session;
    let events: Vec<LogEvent> = (0..n)
        .map(|i| LogEvent {
            function: "orders-api".into(),
            stream: "2026/11/21/[$LATEST]0123456789abcdef0123456789abcdef".into(),
            event_id: format!("{i:056}"),
            timestamp: now + chrono::Duration::milliseconds(i as i64),
            ingestion_time: None,
            message: match i % 4 {
                0 => format!("START RequestId: {i:08x}-1111-4222-8333-444455556666 Version: $LATEST\n"),
                1 => format!("{{\"level\":\"INFO\",\"message\":\"order {i} accepted\",\"service\":\"orders\",\"cold_start\":false}}\n"),
                2 => format!("[ERROR] KeyError: 'sku' while processing order {i}\n"),
                _ => format!("END RequestId: {i:08x}-1111-4222-8333-444455556666\n"),
            },
        })
        .collect();
    for chunk in events.chunks(10_000) {
        app.update(Msg::Logs(LogsMsg::Events {
            generation: 1,
            session,
            events: chunk.to_vec(),
        }));
    }
    app
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("logs_pane");
    group.sample_size(20);
    let mut app = app_with_lines(100_000);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    group.bench_function("draw_frame_following_100k_lines", |b| {
        b.iter(|| {
            terminal
                .draw(|f| {
                    black_box(lambdash::ui::render(&app, f));
                })
                .unwrap();
        });
    });
    key(&mut app, KeyCode::Char('f'));
    app.logs.as_mut().unwrap().search = "order 9".into();
    group.bench_function("draw_frame_paused_search_100k_lines", |b| {
        b.iter(|| {
            terminal
                .draw(|f| {
                    black_box(lambdash::ui::render(&app, f));
                })
                .unwrap();
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
