//! The list kept on disk: shown at once, replaced by the first listing, and what the DLQ scan learns
//! about the listing in progress.

use crate::app::dlq::ListingProgress;
use crate::app::tests::{app, function, t0};
use crate::app::{FunctionsMsg, Msg};

fn connected() -> crate::app::App {
    let mut app = app();
    app.update(Msg::Connected {
        generation: 1,
        profile: "demo".into(),
        region: "us-east-1".into(),
    });
    app
}

fn names(app: &crate::app::App) -> Vec<String> {
    let mut n: Vec<String> = app.functions.all().iter().map(|f| f.name.clone()).collect();
    n.sort();
    n
}

#[test]
fn the_kept_list_shows_at_once_and_the_first_listing_drops_what_was_deleted_since() {
    let mut app = connected();
    let saved_at = t0() - chrono::Duration::hours(3);
    app.update(Msg::Functions(FunctionsMsg::Cached {
        generation: 1,
        functions: vec![
            function("gone", "python3.12", 128),
            function("kept", "python3.12", 128),
        ],
        saved_at,
    }));
    assert_eq!(names(&app), ["gone", "kept"], "shown before any listing");
    assert_eq!(app.functions.from_cache, Some(saved_at));
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 1,
        now: t0(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 1,
        page: vec![
            function("kept", "python3.12", 256),
            function("new", "python3.12", 128),
        ],
    }));
    assert_eq!(
        names(&app),
        ["gone", "kept", "new"],
        "pages update in place while listing"
    );
    assert_eq!(
        app.functions.from_cache,
        Some(saved_at),
        "still partly from the cache"
    );
    app.update(Msg::Functions(FunctionsMsg::Done {
        generation: 1,
        run: 1,
        result: Ok(2),
        now: t0(),
    }));
    assert_eq!(
        names(&app),
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
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 1,
        now: t0(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 1,
        page: vec![function("live", "python3.12", 128)],
    }));
    app.update(Msg::Functions(FunctionsMsg::Cached {
        generation: 1,
        functions: vec![function("old", "python3.12", 128)],
        saved_at: t0(),
    }));
    assert_eq!(names(&app), ["live"]);
    assert_eq!(app.functions.from_cache, None);
}

#[test]
fn the_dlq_scan_is_told_how_the_listing_goes() {
    let mut app = connected();
    let hints = app.dlq.hints.clone();
    assert_eq!(hints.progress(), ListingProgress::NotStarted);
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 1,
        now: t0(),
    }));
    assert_eq!(hints.progress(), ListingProgress::Running { pages: 0 });
    for _ in 0..3 {
        app.update(Msg::Functions(FunctionsMsg::Page {
            generation: 1,
            run: 1,
            page: vec![function("a", "python3.12", 128)],
        }));
    }
    assert_eq!(hints.progress(), ListingProgress::Running { pages: 3 });
    assert!(hints.listing().is_none(), "not complete yet");
    app.update(Msg::Functions(FunctionsMsg::Done {
        generation: 1,
        run: 1,
        result: Err("boom".into()),
        now: t0(),
    }));
    assert_eq!(hints.progress(), ListingProgress::Failed);
    assert!(hints.listing().is_none());
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 2,
        now: t0(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 2,
        page: vec![function("a", "python3.12", 128)],
    }));
    app.update(Msg::Functions(FunctionsMsg::Done {
        generation: 1,
        run: 2,
        result: Ok(1),
        now: t0(),
    }));
    assert_eq!(
        hints.listing().map(|l| l.len()),
        Some(1),
        "a complete listing is shared"
    );
}
