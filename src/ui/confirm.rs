//! The confirm step of every write: what will change, exactly, and how to say yes or no.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::{App, Confirm};
use crate::sanitize::sanitize;
use crate::theme::Role;

pub fn draw(app: &App, frame: &mut Frame, area: Rect, confirm: &Confirm) {
    let t = &app.theme;
    let mut lines: Vec<Line> = vec![Line::default()];
    lines.extend(confirm.lines.iter().map(|l| {
        Line::from(Span::styled(
            format!(" {}", sanitize(l)),
            t.style(Role::Text),
        ))
    }));
    if let Some(w) = &confirm.warning {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!(" ⚠ {}", sanitize(w)),
            t.style(Role::Warning),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!(
            " profile {} · region {} · written to the audit log as {}",
            app.profile,
            app.region,
            confirm.write.action()
        ),
        t.style(Role::Muted),
    )));
    lines.push(Line::default());
    if let Some(expected) = &confirm.typed_confirmation {
        let matches = confirm.typed.text() == expected;
        lines.push(Line::from(vec![
            Span::styled(" type the queue name ", t.style(Role::Text)),
            Span::styled(sanitize(expected).into_owned(), t.style(Role::Accent)),
            Span::styled(" to confirm: ", t.style(Role::Text)),
        ]));
        let mut typed = vec![Span::styled(" > ", t.style(Role::Key))];
        typed.extend(super::prompt::spans(
            t,
            &confirm.typed,
            if matches { Role::Ok } else { Role::Warning },
        ));
        lines.push(Line::from(typed));
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::styled(" Enter", t.style(Role::Key)),
            Span::styled(
                if matches {
                    " do it    "
                } else {
                    " works once the name matches    "
                },
                t.style(Role::Text),
            ),
            Span::styled("Esc", t.style(Role::Key)),
            Span::styled(" cancel", t.style(Role::Text)),
        ]));
    } else {
        lines.push(Line::from(vec![
            Span::styled(" y", t.style(Role::Key)),
            Span::styled(" / ", t.style(Role::Muted)),
            Span::styled("Enter", t.style(Role::Key)),
            Span::styled(" do it    ", t.style(Role::Text)),
            Span::styled("n", t.style(Role::Key)),
            Span::styled(" / ", t.style(Role::Muted)),
            Span::styled("Esc", t.style(Role::Key)),
            Span::styled(" cancel", t.style(Role::Text)),
        ]));
    }
    // Height of the wrapped text, so a long warning never pushes "y / Enter" out of the box.
    let inner_width = usize::from(area.width.min(90).saturating_sub(2).max(1));
    let wrapped: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_width).max(1))
        .sum();
    let height = u16::try_from(wrapped).unwrap_or(u16::MAX).saturating_add(2);
    let popup = super::centered(area, 90, height);
    if popup.width < 3 || popup.height < 3 {
        return;
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.style(Role::Warning))
                .title(Span::styled(
                    format!(" {}? ", sanitize(&confirm.title)),
                    t.style(Role::Title),
                )),
        ),
        popup,
    );
}
