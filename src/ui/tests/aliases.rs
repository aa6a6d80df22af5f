//! Snapshots of the aliases pane: the list, the versions side by side, CodeDeploy, the confirm dialog.

use super::{draw, key};
use crate::app::test_support::{loaded, t0};
use crate::app::{AliasesMsg, App, Msg};
use crossterm::event::KeyCode;

#[test]
fn aliases_ready() {
    let mut app = crate::app::test_support::with_aliases(false);
    key(&mut app, KeyCode::Char('j'));
    assert_screen!("aliases_ready", draw(&mut app, 120, 20));
}

#[test]
fn aliases_loading() {
    let mut app = loaded(&["user-signup"]);
    key(&mut app, KeyCode::Char('a'));
    assert_screen!("aliases_loading", draw(&mut app, 100, 12));
}

#[test]
fn aliases_error_keeps_stale_data() {
    let mut app = crate::app::test_support::with_aliases(false);
    key(&mut app, KeyCode::Char('r'));
    let request = app.aliases.as_ref().unwrap().request;
    app.update(Msg::Aliases(AliasesMsg::Loaded {
        generation: 1,
        request,
        result: Err("ListAliases: throttled by AWS".into()),
        now: t0(),
    }));
    assert_screen!("aliases_error_keeps_stale_data", draw(&mut app, 120, 20));
}

#[test]
fn confirm_dialog_states_from_and_to() {
    let mut app = crate::app::test_support::with_aliases(false);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('p'));
    let screen = draw(&mut app, 120, 24);
    assert!(screen.contains("from  3 (90 %) + 4 (10 %)"), "{screen}");
    assert!(screen.contains("to    4"), "{screen}");
    assert_screen!("confirm_dialog_states_from_and_to", screen);
}

/// The aliases pane with `live` (3 at 90 %, 4 at 10 %) selected and CodeDeploy answered (not managed).
fn aliases_live_selected() -> App {
    use crate::app::aliases::fixtures::answer_codedeploy;
    let mut app = crate::app::test_support::with_aliases(false);
    answer_codedeploy(&mut app, Ok(("Succeeded", "other-alias")), t0());
    key(&mut app, KeyCode::Char('j'));
    app
}

#[test]
fn aliases_side_by_side_ready() {
    let mut app = aliases_live_selected();
    crate::app::aliases::fixtures::answer_comparison(
        &mut app,
        "live",
        &[(9_120.0, 18.0, 412.0), (1_004.0, 61.0, 1_870.0)],
        false,
        t0(),
    );
    assert_screen!("aliases_side_by_side_ready", draw(&mut app, 120, 24));
}

#[test]
fn aliases_side_by_side_loading() {
    let mut app = aliases_live_selected();
    assert_screen!("aliases_side_by_side_loading", draw(&mut app, 120, 24));
}

#[test]
fn aliases_side_by_side_percentiles_unavailable() {
    let mut app = aliases_live_selected();
    crate::app::aliases::fixtures::answer_comparison(
        &mut app,
        "live",
        &[(9_120.0, 18.0, 2_310.0), (1_004.0, 2.0, 2_120.0)],
        true,
        t0(),
    );
    assert_screen!(
        "aliases_side_by_side_percentiles_unavailable",
        draw(&mut app, 120, 24)
    );
}

#[test]
fn aliases_side_by_side_error_keeps_stale_figures() {
    use crate::app::aliases::fixtures::{answer_comparison, fail_comparison};
    let mut app = aliases_live_selected();
    answer_comparison(
        &mut app,
        "live",
        &[(9_120.0, 18.0, 412.0), (1_004.0, 61.0, 1_870.0)],
        false,
        t0(),
    );
    let later = t0() + chrono::Duration::seconds(61);
    app.update(Msg::Tick {
        now: later,
        api_calls_total: 0,
    });
    fail_comparison(
        &mut app,
        "live",
        "GetMetricData: throttled by AWS (Rate exceeded)",
        later,
    );
    assert_screen!(
        "aliases_side_by_side_error_keeps_stale_figures",
        draw(&mut app, 120, 24)
    );
}

#[test]
fn aliases_codedeploy_deploying_is_flagged() {
    use crate::app::aliases::fixtures::answer_codedeploy;
    let mut app = crate::app::test_support::with_aliases(false);
    answer_codedeploy(&mut app, Ok(("InProgress", "live")), t0());
    key(&mut app, KeyCode::Char('j'));
    let screen = draw(&mut app, 120, 24);
    assert!(screen.contains("deploying d-7Q2XK4LMB"), "{screen}");
    assert_screen!("aliases_codedeploy_deploying_is_flagged", screen);
}

#[test]
fn aliases_codedeploy_status_unknown() {
    use crate::app::aliases::fixtures::answer_codedeploy;
    let mut app = crate::app::test_support::with_aliases(false);
    answer_codedeploy(
        &mut app,
        Err(
            "ListApplications: not supported by this endpoint (HTTP 500 without an AWS error code)",
        ),
        t0(),
    );
    let screen = draw(&mut app, 120, 24);
    assert!(screen.contains("CodeDeploy status unknown"), "{screen}");
    assert_screen!("aliases_codedeploy_status_unknown", screen);
}

#[test]
fn aliases_confirm_warns_about_codedeploy() {
    use crate::app::aliases::fixtures::answer_codedeploy;
    let mut app = crate::app::test_support::with_aliases(false);
    answer_codedeploy(&mut app, Ok(("InProgress", "live")), t0());
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('p'));
    let screen = draw(&mut app, 120, 30);
    assert!(screen.contains("overwrite this change"), "{screen}");
    assert_screen!("aliases_confirm_warns_about_codedeploy", screen);
}
