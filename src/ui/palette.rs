//! `:`: the candidates popup above the footer's input line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::App;
use crate::theme::Role;

pub fn draw(app: &App, frame: &mut Frame, area: Rect, input: &str, completion: Option<usize>) {
    let t = &app.theme;
    let candidates = app.palette_candidates(input);
    if candidates.is_empty() || area.height < 3 || area.width < 8 {
        return;
    }
    let shown = candidates.len().min(10);
    let height = (shown as u16 + 2).min(area.height);
    let width = 40.min(area.width);
    // Inside the pane's frame: do not draw over its bottom-left corner.
    let popup = Rect {
        x: area.x + 1,
        y: (area.y + area.height)
            .saturating_sub(height + 1)
            .max(area.y),
        width: width.min(area.width.saturating_sub(2)),
        height,
    };
    let start = completion.map_or(0, |c| c.saturating_sub(shown - 1));
    let lines: Vec<Line> = candidates
        .iter()
        .enumerate()
        .skip(start)
        .take(shown)
        .map(|(i, c)| {
            let style = if Some(i) == completion {
                t.style(Role::Selection)
            } else {
                t.style(Role::Text)
            };
            Line::from(Span::styled(format!(" :{c}"), style))
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.style(Role::BorderFocused))
                .title(Span::styled(" commands ", t.style(Role::Title))),
        ),
        popup,
    );
}
