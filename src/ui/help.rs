//! `?`: help generated from the keymap, so it always says what the keys really do.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::App;
use crate::app::keymap::{BINDINGS, Scope};
use crate::theme::Role;

/// Draws help; returns how far it scrolls (so `j` stops at its end, `G` / `PgDn` know where it is).
pub fn draw(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    scroll: u16,
) -> Option<crate::app::ScrollBounds> {
    let t = &app.theme;
    let popup = super::centered(area, 110, 100);
    if popup.width < 3 || popup.height < 3 {
        return None;
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
        Scope::DlqMessage,
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
        (
            ":logs [NAME]",
            "tail NAME's logs (else the selected function's)",
        ),
        (
            ":alarms [NAME]",
            "the alarms (of function NAME, or alarm NAME's detail)",
        ),
        (":aliases [NAME]", "NAME's aliases and versions"),
        (":dlq [NAME]", "the DLQs (of function NAME, or queue NAME)"),
        (":metrics [NAME]", "NAME's metrics (charts)"),
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
    lines.push(Line::from(Span::styled(
        "Names after a command: the exact name, else the only one starting with what is typed; Tab completes.",
        t.style(Role::Muted),
    )));
    let page = popup.height.saturating_sub(2);
    let max = u16::try_from(lines.len().saturating_sub(usize::from(page))).unwrap_or(u16::MAX);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll.min(max), 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.style(Role::BorderFocused))
                .title(Span::styled(
                    " Help — Esc closes, j/k/PgUp/PgDn/g/G scroll ",
                    t.style(Role::Title),
                )),
        ),
        popup,
    );
    Some(crate::app::ScrollBounds { max, page })
}
