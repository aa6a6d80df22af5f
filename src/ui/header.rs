//! The header bar: who, where, how many, what time.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::domain::Phase;
use crate::theme::Role;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let bar = t.style(Role::HeaderBar);
    let sep = Span::styled(" │ ", bar);
    let account = match (&app.identity.data, &app.identity.phase) {
        (Some(id), _) => id.account.clone(),
        (None, Phase::Failed { .. }) => "unknown".to_string(),
        _ => "…".to_string(),
    };
    let count = match (&app.functions.remote.data, &app.functions.remote.phase) {
        (Some(all), _) => all.len().to_string(),
        (None, Phase::Failed { .. }) => "?".to_string(),
        _ => "…".to_string(),
    };
    let firing = match (&app.firing.data, &app.firing.phase) {
        (Some(f), Phase::Failed { .. }) => Span::styled(
            format!("ALARM {} (stale)", f.len()),
            bar.patch(t.style(Role::Warning)),
        ),
        (Some(f), _) if f.is_empty() => Span::styled("ALARM 0", bar.patch(t.style(Role::Ok))),
        (Some(f), _) => Span::styled(
            format!("ALARM {}", f.len()),
            bar.patch(t.style(Role::Error)),
        ),
        (None, Phase::Failed { .. }) => Span::styled("ALARM ?", bar.patch(t.style(Role::Warning))),
        (None, _) => Span::styled("ALARM …", bar),
    };
    let mut spans = vec![
        Span::styled(" lambdash ", bar.patch(t.style(Role::Accent))),
        sep.clone(),
        Span::styled(format!("profile {}", app.profile), bar),
        sep.clone(),
        Span::styled(
            format!(
                "region {}",
                if app.region.is_empty() {
                    "?"
                } else {
                    &app.region
                }
            ),
            bar,
        ),
        sep.clone(),
        Span::styled(format!("account {account}"), bar),
        sep.clone(),
        Span::styled(format!("functions {count}"), bar),
        sep.clone(),
        firing,
    ];
    if app.read_only {
        spans.push(sep.clone());
        spans.push(Span::styled("READ-ONLY", bar.patch(t.style(Role::Warning))));
    }
    if let Some(url) = &app.endpoint_url {
        spans.push(sep.clone());
        spans.push(Span::styled(
            format!("endpoint {url}"),
            bar.patch(t.style(Role::Muted)),
        ));
    }
    let clock = format!("{} UTC ", app.now.format("%H:%M:%S"));
    let used: usize = spans.iter().map(Span::width).sum();
    let pad = usize::from(area.width).saturating_sub(used + clock.len());
    spans.push(Span::styled(" ".repeat(pad), bar));
    spans.push(Span::styled(clock, bar));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}
