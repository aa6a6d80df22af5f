//! The list kept on disk: shown at once, replaced by the first listing, and what the DLQ scan learns
//! about the listing in progress.

use crate::app::dlq::ListingProgress;
use crate::app::test_support::{app, function, t0};
use crate::app::{App, FunctionsMsg, Msg};

fn connected() -> App {
    let mut app = app();
    app.update(Msg::Connected {
        generation: 1,
        profile: "demo".into(),
        region: "us-east-1".into(),
    });
    app
}

fn sorted_names(app: &App) -> Vec<String> {
    let mut n: Vec<String> = app.functions.all().iter().map(|f| f.name.clone()).collect();
    n.sort();
    n
}

fn functions(msg: FunctionsMsg, app: &mut App) {
    app.update(Msg::Functions(msg));
}

fn started(app: &mut App, run: u64) {
    functions(
        FunctionsMsg::Started {
            generation: 1,
            run,
            now: t0(),
        },
        app,
    );
}

/// A page of `(name, memory)`.
fn page(app: &mut App, run: u64, rows: &[(&str, i32)]) {
    let page = rows
        .iter()
        .map(|(n, m)| function(n, "python3.12", *m))
        .collect();
    functions(
        FunctionsMsg::Page {
            generation: 1,
            run,
            page,
        },
        app,
    );
}

fn done(app: &mut App, run: u64, result: Result<usize, String>) {
    functions(
        FunctionsMsg::Done {
            generation: 1,
            run,
            result,
            now: t0(),
        },
        app,
    );
}

fn cached(app: &mut App, names: &[&str], saved_at: chrono::DateTime<chrono::Utc>) {
    let functions_kept = names
        .iter()
        .map(|n| function(n, "python3.12", 128))
        .collect();
    functions(
        FunctionsMsg::Cached {
            generation: 1,
            functions: functions_kept,
            saved_at,
        },
        app,
    );
}

#[test]
fn the_kept_list_shows_at_once_and_the_first_listing_drops_what_was_deleted_since() {
    let mut app = connected();
    let saved_at = t0() - chrono::Duration::hours(3);
    cached(&mut app, &["gone", "kept"], saved_at);
    assert_eq!(
        sorted_names(&app),
        ["gone", "kept"],
        "shown before any listing"
    );
    assert_eq!(app.functions.from_cache, Some(saved_at));
    started(&mut app, 1);
    page(&mut app, 1, &[("kept", 256), ("new", 128)]);
    assert_eq!(
        sorted_names(&app),
        ["gone", "kept", "new"],
        "pages update in place while listing"
    );
    assert_eq!(
        app.functions.from_cache,
        Some(saved_at),
        "still partly from the cache"
    );
    done(&mut app, 1, Ok(2));
    assert_eq!(
        sorted_names(&app),
        ["kept", "new"],
        "the deleted function is gone after the first run"
    );
    assert_eq!(app.functions.from_cache, None);
    let kept = app
        .functions
        .all()
        .iter()
        .find(|f| f.name == "kept")
        .unwrap();
    assert_eq!(
        kept.memory_mb, 256,
        "the listing's values replace the cached ones"
    );
}

#[test]
fn a_kept_list_arriving_after_live_rows_is_ignored() {
    let mut app = connected();
    started(&mut app, 1);
    page(&mut app, 1, &[("live", 128)]);
    cached(&mut app, &["old"], t0());
    assert_eq!(sorted_names(&app), ["live"]);
    assert_eq!(app.functions.from_cache, None);
}

#[test]
fn the_dlq_scan_is_told_how_the_listing_goes() {
    let mut app = connected();
    let hints = app.dlq.hints.clone();
    assert_eq!(hints.progress(), ListingProgress::NotStarted);
    started(&mut app, 1);
    assert_eq!(hints.progress(), ListingProgress::Running { pages: 0 });
    for _ in 0..3 {
        page(&mut app, 1, &[("a", 128)]);
    }
    assert_eq!(hints.progress(), ListingProgress::Running { pages: 3 });
    assert!(hints.listing().is_none(), "not complete yet");
    done(&mut app, 1, Err("boom".into()));
    assert_eq!(hints.progress(), ListingProgress::Failed);
    assert!(hints.listing().is_none());
    started(&mut app, 2);
    page(&mut app, 2, &[("a", 128)]);
    done(&mut app, 2, Ok(1));
    assert_eq!(
        hints.listing().map(|l| l.len()),
        Some(1),
        "a complete listing is shared"
    );
}
