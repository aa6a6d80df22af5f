//! How the functions pane scales: ingesting pages, filtering on a keystroke, and drawing a frame,
//! with 1,000 and 5,000 functions. Run: `cargo bench --bench functions_pane`.
#![allow(clippy::unwrap_used)]

use lambdash::app::FunctionsMsg;
use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lambdash::app::{App, Init, Msg};
use lambdash::config::Config;
use lambdash::domain::Function;
use lambdash::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn function(i: usize) -> Function {
    let runtimes = [
        "python3.12",
        "nodejs22.x",
        "java21",
        "dotnet8",
        "provided.al2023",
    ];
    Function {
        name: format!(
            "service-{:04}-{}",
            i,
            ["api", "worker", "cron", "webhook"][i % 4]
        ),
        arn: format!("arn:aws:lambda:us-east-1:123456789012:function:service-{i:04}"),
        runtime: Some(runtimes[i % runtimes.len()].to_string()),
        architecture: if i.is_multiple_of(3) {
            "arm64"
        } else {
            "x86_64"
        }
        .to_string(),
        memory_mb: 128 << (i % 6),
        timeout_s: 3 + (i % 900) as i32,
        last_modified: Some(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()),
        state: Some("Active".to_string()),
        code_size_bytes: (i as i64) * 1024,
        package_type: "Zip".to_string(),
        log_group: None,
        dead_letter_target: None,
    }
}

fn connected_app() -> App {
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
    app
}

fn loaded(n: usize) -> App {
    let mut app = connected_app();
    let all: Vec<Function> = (0..n).map(function).collect();
    for page in all.chunks(50) {
        app.update(Msg::Functions(FunctionsMsg::Page {
            generation: 1,
            run: 1,
            page: page.to_vec(),
        }));
    }
    app
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("functions_pane");
    group.sample_size(20);
    for n in [1_000usize, 5_000] {
        let all: Vec<Function> = (0..n).map(function).collect();
        group.bench_with_input(BenchmarkId::new("ingest_pages_of_50", n), &all, |b, all| {
            b.iter(|| {
                let mut app = connected_app();
                for page in all.chunks(50) {
                    app.update(Msg::Functions(FunctionsMsg::Page {
                        generation: 1,
                        run: 1,
                        page: page.to_vec(),
                    }));
                }
                black_box(app.functions.view.len())
            });
        });
        let mut app = loaded(n);
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('/'),
            KeyModifiers::NONE,
        )));
        // Two keystrokes per iteration: type a character, then delete it (two full re-filters + sorts).
        group.bench_function(BenchmarkId::new("filter_type_and_delete", n), |b| {
            b.iter(|| {
                app.update(Msg::Key(KeyEvent::new(
                    KeyCode::Char('w'),
                    KeyModifiers::NONE,
                )));
                app.update(Msg::Key(KeyEvent::new(
                    KeyCode::Backspace,
                    KeyModifiers::NONE,
                )));
                black_box(app.functions.view.len())
            });
        });
        app.update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
        group.bench_with_input(BenchmarkId::new("draw_frame_200x50", n), &app, |b, app| {
            let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
            b.iter(|| {
                terminal
                    .draw(|f| {
                        black_box(lambdash::ui::render(app, f));
                    })
                    .unwrap();
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
