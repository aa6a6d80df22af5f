//! The function detail through `App::update`: opening, stale answers, env reveal, the console URL.

use crossterm::event::KeyCode;

use crate::app::test_support::{function, key, loaded, t0};
use crate::app::*;

#[test]
fn enter_opens_detail_stops_the_list_poller_and_esc_comes_back() {
    let mut app = loaded(&["a", "b"]);
    key(&mut app, KeyCode::Char('j'));
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Detail);
    assert!(cmds.contains(&Cmd::StopPoller(PollerKind::Functions)));
    let request = app.detail.as_ref().unwrap().request;
    assert!(cmds.contains(&Cmd::FetchDetail {
        generation: 1,
        request,
        function: "b".into()
    }));
    let cmds = key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Functions);
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::StartPoller {
            kind: PollerKind::Functions,
            ..
        }]
    ));
}

#[test]
fn stale_detail_answers_are_dropped() {
    let mut app = loaded(&["a", "b"]);
    key(&mut app, KeyCode::Enter);
    let first = app.detail.as_ref().unwrap().request;
    key(&mut app, KeyCode::Char('r'));
    let detail = crate::domain::FunctionDetail {
        function: function("a", "python3.12", 128),
        handler: None,
        role: String::new(),
        description: String::new(),
        env: vec![],
        layers: vec![],
        vpc_subnets: vec![],
        vpc_security_groups: vec![],
        reserved_concurrency: None,
        dead_letter_target: None,
        async_config: None,
        event_sources: vec![],
        tags: std::collections::BTreeMap::new(),
        log_format: None,
        ephemeral_storage_mb: None,
        version: "$LATEST".into(),
        partial_errors: vec![],
    };
    app.update(Msg::Detail {
        generation: 1,
        request: first,
        result: Ok(Box::new(detail)),
        now: t0(),
    });
    assert!(
        app.detail.as_ref().unwrap().remote.data.is_none(),
        "old request ignored"
    );
}

#[test]
fn v_toggles_env_reveal_in_detail_only() {
    let mut app = loaded(&["a"]);
    key(&mut app, KeyCode::Char('v'));
    key(&mut app, KeyCode::Enter);
    assert!(!app.detail.as_ref().unwrap().reveal_env);
    key(&mut app, KeyCode::Char('v'));
    assert!(app.detail.as_ref().unwrap().reveal_env);
    key(&mut app, KeyCode::Char('v'));
    assert!(!app.detail.as_ref().unwrap().reveal_env);
}

#[test]
fn o_copies_the_console_url_and_says_so() {
    let mut app = loaded(&["orders-api"]);
    let cmds = key(&mut app, KeyCode::Char('o'));
    let url = "https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/orders-api";
    assert_eq!(cmds, vec![Cmd::Copy(url.to_string())]);
    assert!(app.flash.as_ref().unwrap().text.contains(url));
}
