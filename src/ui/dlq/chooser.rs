//! The redrive path chooser: the paths, the qualifier list of a re-invoke, and a dry run's plan.

#[allow(clippy::wildcard_imports)]
use super::*;

/// Qualifiers shown at once in the chooser.
const SHOWN: usize = 8;

/// The re-invoke's qualifier list: the unqualified function, then aliases and versions.
fn qualifier_lines(
    t: &Theme,
    list: &crate::app::dlq::QualifierList,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        format!(" re-invoke {} as:", s(&list.function)),
        t.style(Role::Text),
    ))];
    // A window of the list around the selection: a function may have hundreds of versions.
    let total = list.choices().len();
    let first = list
        .selected
        .saturating_sub(SHOWN / 2)
        .min(total.saturating_sub(SHOWN));
    if first > 0 {
        lines.push(Line::from(Span::styled(
            format!("     … {first} more above"),
            t.style(Role::Muted),
        )));
    }
    for (i, c) in list.choices().iter().enumerate().skip(first).take(SHOWN) {
        let label = match c {
            QualifierChoice::Unqualified => "the function itself ($LATEST)  (default)".to_string(),
            QualifierChoice::Alias(a) => {
                format!("alias {} → {}", s(&a.name), s(&a.state.to_string()))
            }
            QualifierChoice::Version(v) => {
                if v.description.is_empty() {
                    format!("version {}", s(&v.version))
                } else {
                    format!("version {} — {}", s(&v.version), s(&v.description))
                }
            }
        };
        let (marker, role) = if i == list.selected {
            ("›", Role::Selection)
        } else {
            (" ", Role::Text)
        };
        lines.push(Line::from(Span::styled(
            format!("   {marker} {label}"),
            t.style(role),
        )));
    }
    let below = total.saturating_sub(first + SHOWN);
    if below > 0 {
        lines.push(Line::from(Span::styled(
            format!("     … {below} more below"),
            t.style(Role::Muted),
        )));
    }
    match &list.remote.phase {
        Phase::Failed { error, .. } => lines.push(Line::from(Span::styled(
            format!("   aliases and versions unavailable: {}", s(error)),
            t.style(Role::Warning),
        ))),
        _ if list.remote.is_loading() => lines.push(Line::from(Span::styled(
            format!("   {} listing aliases and versions…", spinner(now)),
            t.style(Role::Info),
        ))),
        _ => {}
    }
    lines
}

/// The dry run under the choices: exactly what would happen, or why it cannot.
fn dry_run_lines(
    t: &Theme,
    dry: &DryRun,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Line<'static>> {
    match dry {
        DryRun::Planning => vec![Line::from(Span::styled(
            format!(
                " {} dry run: planning (reads the queues, changes nothing)…",
                spinner(now)
            ),
            t.style(Role::Info),
        ))],
        DryRun::Failed(e) => vec![Line::from(Span::styled(
            format!(" dry run: {}", s(e)),
            t.style(Role::Error),
        ))],
        DryRun::Ready(plan) => {
            let count = plan.selected.as_ref().map_or_else(
                || format!("all {} visible message(s)", plan.visible),
                |ids| {
                    format!(
                        "{} selected message(s): {}",
                        ids.len(),
                        crate::app::dlq::id_list(ids)
                    )
                },
            );
            let row = |k: &str, v: String| {
                Line::from(vec![
                    Span::styled(format!("   {k:<12}"), t.style(Role::Muted)),
                    Span::styled(v, t.style(Role::Text)),
                ])
            };
            vec![
                Line::from(Span::styled(
                    " DRY RUN — nothing was changed:",
                    t.style(Role::Title),
                )),
                row("path", plan.path.method().to_string()),
                row("from", format!("queue {}", s(&plan.from.name))),
                row("to", s(&plan.path.destination())),
                row("messages", count),
                row("rate", rate_label(plan.rate)),
                row("guarantee", crate::domain::dlq::AT_LEAST_ONCE.to_string()),
            ]
        }
    }
}

pub(super) fn draw_chooser(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    chooser: &crate::app::dlq::PathChooser,
) {
    let t = &app.theme;
    let name = app
        .dlq
        .all()
        .iter()
        .find(|d| d.queue_arn == chooser.queue)
        .map_or_else(|| chooser.queue.clone(), |d| d.name.clone());
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                match &chooser.message_ids {
                    Some(ids) => format!(" {} selected message(s) of {}", ids.len(), s(&name)),
                    None => format!(" every message of {}", s(&name)),
                },
                t.style(Role::Text),
            ),
            Span::styled(
                format!("  ·  rate {} (+/-)", rate_label(app.dlq.rate)),
                t.style(Role::Muted),
            ),
        ]),
        Line::default(),
    ];
    for (i, c) in chooser.choices.iter().enumerate() {
        let marker = if i == chooser.selected { "›" } else { " " };
        let default = if i == 0 { "  (default)" } else { "" };
        let role = if i == chooser.selected {
            Role::Selection
        } else {
            Role::Text
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {marker} {}", describe_choice(*c)), t.style(role)),
            Span::styled(default, t.style(Role::Accent)),
        ]));
    }
    if let Some(list) = &chooser.qualifiers {
        lines.push(Line::default());
        lines.extend(qualifier_lines(t, list, app.now));
    }
    if let Some(dry) = &chooser.dry_run {
        lines.push(Line::default());
        lines.extend(dry_run_lines(t, dry, app.now));
        if let (DryRun::Ready(_), Some(w)) = (dry, &chooser.warning) {
            lines.push(Line::from(Span::styled(
                format!(" ⚠ {}", s(w)),
                t.style(Role::Error),
            )));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        if chooser.dry_run_only {
            " read-only: n shows what a redrive would do; nothing can be redriven · Esc closes"
        } else if chooser.qualifiers.is_some() {
            " Enter: plan the re-invoke (confirm next) · n: dry run · Esc: back to the paths"
        } else {
            " Enter: plan it, confirm next (nothing moves yet) · n: dry run · Esc cancels"
        },
        t.style(Role::Muted),
    )));
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let popup = super::super::centered(area, 110, height);
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
                    " Redrive: choose the path ",
                    t.style(Role::Title),
                )),
        ),
        popup,
    );
}
