//! `?`: help generated from the keymap, so it always says what the keys really do.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::App;
use crate::app::keymap::{BINDINGS, Scope};
use crate::theme::Role;

pub fn draw(app: &App, frame: &mut Frame, area: Rect, scroll: u16) {
    let t = &app.theme;
    let popup = super::centered(area, 110, 100);
    if popup.width < 3 || popup.height < 3 {
        return;
    }
    let mut lines = Vec::new();
    for scope in [
        Scope::Global,
        Scope::Functions,
        Scope::Detail,
        Scope::Aliases,
        Scope::Alarms,
        Scope::Logs,
        Scope::Invocations,
        Scope::Dlq,
        Scope::DlqMessages,
        Scope::Metrics,
        Scope::Cost,
    ] {
        lines.push(Line::from(Span::styled(
            scope.title(),
            t.style(Role::Title),
        )));
        for b in BINDINGS.iter().filter(|b| b.scope == scope) {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<16}", app.config.keys.label(b)),
                    t.style(Role::Key),
                ),
                Span::styled(b.desc, t.style(Role::Text)),
            ]));
        }
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled(
        "Commands (:)",
        t.style(Role::Title),
    )));
    for (cmd, desc) in [
        (":functions", "the functions pane"),
        (
            ":region NAME",
            "switch region (clients rebuilt, data reloaded)",
        ),
        (":profile NAME", "switch profile"),
        (":theme NAME", "switch theme"),
        (":logs", "tail the selected function's logs"),
        (":alarms", "the alarms of the account/region"),
        (":aliases", "the selected function's aliases and versions"),
        (":dlq", "the dead-letter queues of every function"),
        (":metrics", "the selected function's metrics (charts)"),
        (":cost", "the estimated cost of every function"),
        (
            ":quota",
            "AWS request quotas: lambdash's share, use, queue, throttles",
        ),
        (":q", "quit"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!("  {cmd:<16}"), t.style(Role::Key)),
            Span::styled(desc, t.style(Role::Text)),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "Mouse: click a row to select, click a column title to sort, wheel scrolls.",
        t.style(Role::Muted),
    )));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.style(Role::BorderFocused))
                .title(Span::styled(
                    " Help — Esc closes, j/k scroll ",
                    t.style(Role::Title),
                )),
        ),
        popup,
    );
}
