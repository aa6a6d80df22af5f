//! The aliases pane through `App::update`: every alias write is confirmed, refused read-only, and reloads.

use crossterm::event::KeyCode;

use crate::app::test_support::{key, typed, with_aliases};
use crate::app::*;

#[test]
fn canary_key_asks_to_confirm_then_writes_exactly_that() {
    let mut app = with_aliases(false);
    key(&mut app, KeyCode::Char('j')); // alias "live" (3 + 4 @ 10 %)
    key(&mut app, KeyCode::Char('l')); // versions list
    key(&mut app, KeyCode::Char('j')); // version 3 … then back to 4
    key(&mut app, KeyCode::Char('k'));
    assert!(
        key(&mut app, KeyCode::Char('4')).is_empty(),
        "nothing is sent before the yes"
    );
    let Mode::Confirm(confirm) = app.mode.clone() else {
        panic!("expected the confirm step, got {:?}", app.mode);
    };
    assert_eq!(confirm.lines[0], "from  3 (90 %) + 4 (10 %)");
    assert_eq!(confirm.lines[1], "to    3 (75 %) + 4 (25 %)");
    let cmds = key(&mut app, KeyCode::Char('y'));
    let [Cmd::Write { write, .. }] = cmds.as_slice() else {
        panic!("expected one write, got {cmds:?}");
    };
    let crate::writes::Write::Alias { change, account } = write.as_ref() else {
        panic!("expected an alias change");
    };
    assert_eq!(account, "123456789012");
    assert_eq!(change.revision_id.as_deref(), Some("rev-l"));
    assert_eq!(change.to.weights.get("4"), Some(&0.25));
}

#[test]
fn esc_cancels_the_confirm_and_sends_nothing() {
    let mut app = with_aliases(false);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('p'));
    assert!(matches!(app.mode, Mode::Confirm(_)));
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("nothing was changed")
    );
}

#[test]
fn read_only_refuses_every_alias_write_without_a_confirm() {
    let mut app = with_aliases(true);
    key(&mut app, KeyCode::Char('j'));
    for k in [
        KeyCode::Enter,
        KeyCode::Char('1'),
        KeyCode::Char('p'),
        KeyCode::Char('R'),
        KeyCode::Char('P'),
    ] {
        let cmds = key(&mut app, k);
        assert!(
            !cmds.iter().any(|c| matches!(
                c,
                Cmd::Write { .. } | Cmd::Aliases(AliasesCmd::PlanRollback { .. })
            )),
            "{k:?} produced {cmds:?}"
        );
        assert_eq!(app.mode, Mode::Normal, "{k:?} opened {:?}", app.mode);
        assert!(
            app.flash.as_ref().unwrap().text.contains("read-only"),
            "{k:?}"
        );
    }
}

#[test]
fn promote_without_canary_explains_instead_of_asking() {
    let mut app = with_aliases(false);
    key(&mut app, KeyCode::Char('p')); // alias "canary" routes to 4 only
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("no canary to promote")
    );
}

#[test]
fn rollback_is_planned_by_the_runtime_then_confirmed() {
    let mut app = with_aliases(false);
    key(&mut app, KeyCode::Char('j'));
    let cmds = key(&mut app, KeyCode::Char('R'));
    assert_eq!(
        cmds,
        vec![Cmd::Aliases(AliasesCmd::PlanRollback {
            generation: 1,
            account: "123456789012".into(),
            function: "user-signup".into(),
            alias: "live".into()
        })]
    );
    app.update(Msg::Aliases(AliasesMsg::RollbackPlanned {
        generation: 1,
        result: Err("lambdash has not changed user-signup:live".into()),
    }));
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.flash.as_ref().unwrap().text.contains("has not changed"));
}

#[test]
fn publish_asks_for_a_description_then_confirms() {
    let mut app = with_aliases(false);
    key(&mut app, KeyCode::Char('P'));
    typed(&mut app, "hotfix");
    key(&mut app, KeyCode::Enter);
    let Mode::Confirm(confirm) = app.mode.clone() else {
        panic!("expected confirm, got {:?}", app.mode);
    };
    assert_eq!(
        confirm.write,
        crate::writes::Write::PublishVersion {
            function: "user-signup".into(),
            description: "hotfix".into()
        }
    );
}

#[test]
fn a_finished_write_is_flashed_and_the_aliases_reloaded() {
    let mut app = with_aliases(false);
    let cmds = app.update(Msg::WriteDone {
        generation: 1,
        result: Ok("user-signup:live now routes 4".into()),
    });
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Aliases(AliasesCmd::Fetch { .. })]
    ));
    assert!(app.flash.as_ref().unwrap().text.contains("now routes 4"));
    let cmds = app.update(Msg::WriteDone {
        generation: 1,
        result: Err("UpdateAlias: PreconditionFailedException".into()),
    });
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Aliases(AliasesCmd::Fetch { .. })]
    ));
    assert_eq!(app.flash.as_ref().unwrap().level, FlashLevel::Error);
}
