//! The DLQ pane: the queues (non-empty ones flagged), the peeked messages, a message's detail, the
//! redrive path chooser and the progress of a running redrive. Every queue, function and message text
//! comes from the account or from senders: all of it goes through `sanitize`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

use crate::app::App;
use crate::app::dlq::{DryRun, PeekView, QualifierChoice, describe_choice, rate_label};
use crate::domain::Phase;
use crate::domain::dlq::{AgeSource, Dlq, DlqMessage, Trend};
use crate::sanitize::sanitize;
use crate::theme::{Role, Theme};

use super::format::{column_widths, spinner, timestamp, truncate};

fn s(x: &str) -> String {
    sanitize(x).into_owned()
}

fn duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86_400 => format!("{}h{:02}m", secs / 3600, secs % 3600 / 60),
        _ => format!("{}d{:02}h", secs / 86_400, secs % 86_400 / 3600),
    }
}

/// The oldest message's age, or a dash with why there is none (the whole reason is in the note).
fn oldest(d: &Dlq) -> String {
    match (d.oldest_age_s, d.age_source, &d.age_unavailable) {
        (Some(a), Some(AgeSource::Peek), _) => format!("≥ {}", duration(a)),
        (Some(a), _, _) => duration(a),
        (None, _, _) if !d.inspectable => "— (SNS)".to_string(),
        (None, _, Some(why)) => format!("— ({})", why.short()),
        (None, _, None) if d.depth() == 0 => "— (empty)".to_string(),
        (None, _, None) => "— (not read yet)".to_string(),
    }
}

fn trend_span(t: &Theme, trend: Trend) -> Span<'static> {
    match trend {
        Trend::Growing => Span::styled("↑ growing", t.style(Role::Error)),
        Trend::Steady => Span::styled("= steady", t.style(Role::Muted)),
        Trend::Shrinking => Span::styled("↓ shrinking", t.style(Role::Ok)),
        Trend::Unknown => Span::styled("? 1 sample", t.style(Role::Muted)),
    }
}

fn title(app: &App) -> Line<'static> {
    let t = &app.theme;
    let pane = &app.dlq;
    let total = pane.all().len();
    let non_empty = pane.all().iter().filter(|d| d.depth() > 0).count();
    let mut spans = vec![
        Span::styled(" Dead-letter queues ", t.style(Role::Title)),
        Span::styled(format!("({total}, "), t.style(Role::Muted)),
        Span::styled(
            format!("{non_empty} not empty"),
            t.style(if non_empty > 0 { Role::Error } else { Role::Ok }),
        ),
        Span::styled(") ", t.style(Role::Muted)),
    ];
    if let Some(f) = &pane.for_function {
        spans.push(Span::styled(format!("of {} ", s(f)), t.style(Role::Accent)));
    }
    spans.push(Span::styled(
        format!("rate {} (+/-) ", rate_label(pane.rate)),
        t.style(Role::Muted),
    ));
    if let Some(at) = pane.topology_at {
        let source = if pane.from_cache { " (cache)" } else { "" };
        spans.push(Span::styled(
            format!("topology {} ago{source} ", super::format::age(app.now, at)),
            t.style(Role::Muted),
        ));
    }
    spans.extend(super::phase_span(app, &pane.remote));
    Line::from(spans)
}

/// Draws the pane; returns the scroll bounds of a message detail when one is shown.
pub fn draw(app: &App, frame: &mut Frame, area: Rect) -> Option<crate::app::ScrollBounds> {
    let pane = &app.dlq;
    let mut notes: Vec<Line> = Vec::new();
    let t = &app.theme;
    if let Some(run) = &pane.redrive {
        let p = &run.progress;
        let cancelling = if run.cancel.is_cancelled() {
            " — cancelling…"
        } else {
            " — Esc/c cancels"
        };
        notes.push(Line::from(vec![
            Span::styled(
                format!(
                    " {} redrive {} → {}: ",
                    spinner(app.now),
                    s(&run.from),
                    s(&run.to)
                ),
                t.style(Role::Info),
            ),
            Span::styled(
                format!(
                    "moved {} · failed {} · remaining {}",
                    p.moved,
                    p.failed,
                    p.remaining
                        .map_or_else(|| "?".to_string(), |r| r.to_string())
                ),
                t.style(Role::Text),
            ),
            Span::styled(cancelling, t.style(Role::Warning)),
        ]));
    } else if let Some(sum) = &pane.last_summary {
        let role = if sum.ok() && !sum.cancelled {
            Role::Ok
        } else {
            Role::Warning
        };
        notes.push(Line::from(Span::styled(
            format!(" last: {}", s(&sum.line())),
            t.style(role),
        )));
        for f in sum.failed.iter().take(3) {
            notes.push(Line::from(Span::styled(
                format!(
                    "   stayed in the DLQ: {} — {}",
                    s(&f.message_id),
                    s(&f.error)
                ),
                t.style(Role::Error),
            )));
        }
    }
    if pane.peek.is_none()
        && let Some(d) = pane.selected_dlq()
        && d.oldest_age_s.is_none()
        && d.depth() > 0
        && let Some(why) = &d.age_unavailable
    {
        notes.push(Line::from(Span::styled(
            format!(
                " oldest age of {}: unknown — {}",
                s(&d.name),
                s(&why.explain())
            ),
            t.style(Role::Muted),
        )));
    }
    if !pane.partial_errors.is_empty() {
        notes.push(Line::from(Span::styled(
            format!(" incomplete: {}", s(&pane.partial_errors.join("; "))),
            t.style(Role::Warning),
        )));
    }
    let note_height = u16::try_from(notes.len()).unwrap_or(0);
    let [body, note] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(note_height)]).areas(area);
    let bounds = match &pane.peek {
        Some(peek) if peek.detail => draw_message(app, frame, body, peek),
        Some(peek) => {
            draw_messages(app, frame, body, peek);
            None
        }
        None => {
            draw_list(app, frame, body);
            None
        }
    };
    if !notes.is_empty() {
        frame.render_widget(Paragraph::new(notes), note);
    }
    if let Some(chooser) = &pane.chooser {
        draw_chooser(app, frame, body, chooser);
    }
    bounds
}

fn draw_list(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let pane = &app.dlq;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::BorderFocused))
        .title(title(app));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    if pane.all().is_empty() {
        let (text, role) = match &pane.remote.phase {
            Phase::Failed { error, .. } => (
                format!("Could not list the DLQs: {}", s(error)),
                Role::Error,
            ),
            Phase::Ready { .. } => (
                match &pane.for_function {
                    Some(f) => format!(
                        "{} has no dead-letter queue or on-failure destination.",
                        s(f)
                    ),
                    None => format!(
                        "No function in {} has a dead-letter queue or an on-failure destination.",
                        app.region
                    ),
                },
                Role::Muted,
            ),
            _ => (
                format!(
                    "{} Discovering DLQs (DeadLetterConfig, on-failure destinations, source queue redrive policies)…",
                    spinner(app.now)
                ),
                Role::Info,
            ),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, t.style(role))).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let body_rows = usize::from(inner.height.saturating_sub(1));
    let name_width = pane
        .all()
        .iter()
        .map(|d| d.name.chars().count())
        .max()
        .unwrap_or(20)
        .clamp(12, 40);
    let widths = [
        Constraint::Length(1),
        Constraint::Length(u16::try_from(name_width).unwrap_or(40)),
        Constraint::Length(40),
        Constraint::Length(30),
        Constraint::Length(7),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Length(27),
        Constraint::Min(11),
    ];
    // Queue names cut to their column end in "…" (the peek's title shows the whole name).
    let cut = column_widths(&widths, inner.width, 1, Flex::Start);
    let name_cut = usize::from(cut.get(1).copied().unwrap_or(0));
    let rows = pane
        .all()
        .iter()
        .skip(pane.offset)
        .take(body_rows)
        .map(|d| {
            let name_role = if !d.inspectable {
                Role::Muted
            } else if d.depth() > 0 {
                Role::Error
            } else {
                Role::Text
            };
            let flag = if d.depth() > 0 { "●" } else { " " };
            let kind = if d.inspectable {
                d.kind.describe().to_string()
            } else {
                "SNS topic: not inspectable".to_string()
            };
            let count = |n: u64| {
                if d.inspectable {
                    n.to_string()
                } else {
                    "—".to_string()
                }
            };
            Row::new([
                Cell::from(Span::styled(flag, t.style(Role::Error))),
                Cell::from(Span::styled(
                    truncate(&s(&d.name), name_cut),
                    t.style(name_role),
                )),
                Cell::from(truncate(&kind, 40)),
                Cell::from(truncate(&s(&d.functions.join(", ")), 30)),
                Cell::from(count(d.visible)),
                Cell::from(count(d.in_flight)),
                Cell::from(count(d.delayed)),
                Cell::from(oldest(d)),
                Cell::from(if d.inspectable {
                    trend_span(t, pane.trend_of(d))
                } else {
                    Span::raw("")
                }),
            ])
        });
    let table = Table::new(rows, widths)
        .header(
            Row::new([
                "",
                "QUEUE",
                "KIND",
                "FUNCTIONS",
                "VISIBLE",
                "IN FLIGHT",
                "DELAYED",
                "OLDEST",
                "TREND",
            ])
            .style(t.style(Role::TableHeader)),
        )
        .row_highlight_style(t.style(Role::Selection));
    let mut state =
        TableState::default().with_selected(Some(pane.selected.saturating_sub(pane.offset)));
    frame.render_stateful_widget(table, inner, &mut state);
}

/// The error a message carries: Lambda's attributes, or the destination record's condition and error.
fn error_of(m: &DlqMessage) -> String {
    if let Some(r) = m.destination_record() {
        let cond = r.condition.unwrap_or_else(|| "?".to_string());
        let err = match (r.error_type, r.error_message) {
            (Some(t), Some(msg)) => format!("{t}: {msg}"),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => r.function_error.unwrap_or_default(),
        };
        return format!("{cond} {err}");
    }
    if let Some(e) = m.lambda_error() {
        return match (e.code, e.message) {
            (Some(c), Some(msg)) => format!("{c}: {msg}"),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => String::new(),
        };
    }
    "—".to_string()
}

fn draw_messages(app: &App, frame: &mut Frame, area: Rect, peek: &PeekView) {
    let t = &app.theme;
    let visible = peek.visible();
    let mut spans = vec![
        Span::styled(
            format!(" Peek of {} ", s(&peek.queue.name)),
            t.style(Role::Title),
        ),
        Span::styled(
            format!(
                "({} message(s); peeking increments their receive count) ",
                peek.all().len()
            ),
            t.style(Role::Muted),
        ),
    ];
    if let Some(limit) = &peek.receive_limit {
        let role = if limit.warning(peek.all()).is_some() {
            Role::Warning
        } else {
            Role::Muted
        };
        spans.push(Span::styled(
            format!("{} ", s(&limit.summary(peek.all()))),
            t.style(role),
        ));
    }
    if !peek.search.is_empty() {
        spans.push(Span::styled(
            format!("{} match /{} ", visible.len(), s(&peek.search)),
            t.style(Role::Accent),
        ));
    }
    if !peek.marked.is_empty() {
        spans.push(Span::styled(
            format!("{} marked: R d x n take them ", peek.targets().len()),
            t.style(Role::Accent),
        ));
    }
    spans.extend(super::phase_span(app, &peek.remote));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::BorderFocused))
        .title(Line::from(spans));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    if visible.is_empty() {
        let (text, role) = match (&peek.remote.phase, peek.all().len()) {
            (_, n) if n > 0 => (
                "No peeked message matches: Esc clears the search.".to_string(),
                Role::Muted,
            ),
            (Phase::Failed { error, .. }, _) => (format!("Could not peek: {}", s(error)), Role::Error),
            (Phase::Ready { .. }, _) => (
                "No message came back: the queue is empty, or its messages are in flight or delayed."
                    .to_string(),
                Role::Muted,
            ),
            _ => (format!("{} Peeking…", spinner(app.now)), Role::Info),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, t.style(role))).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let body_rows = usize::from(inner.height.saturating_sub(1));
    let offset = peek.selected.saturating_sub(body_rows.saturating_sub(1));
    let rows = visible.iter().skip(offset).take(body_rows).map(|m| {
        let first_line = m.body.lines().next().unwrap_or("");
        let mark = if peek.marked.contains(&m.message_id) {
            "●"
        } else {
            " "
        };
        Row::new([
            Cell::from(Span::styled(mark, t.style(Role::Accent))),
            Cell::from(m.sent_at().map_or_else(|| "—".to_string(), timestamp)),
            match &peek.receive_limit {
                Some(l) if l.next_receive_moves(m) => {
                    Cell::from(Span::styled(l.count_of(m), t.style(Role::Warning)))
                }
                Some(l) => Cell::from(l.count_of(m)),
                None => Cell::from(
                    m.receive_count()
                        .map_or_else(|| "—".to_string(), |c| c.to_string()),
                ),
            },
            Cell::from(Span::styled(
                truncate(&s(&error_of(m)), 48),
                t.style(Role::Error),
            )),
            Cell::from(truncate(&s(first_line), 200)),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Length(19),
            Constraint::Length(if peek.receive_limit.is_some() { 7 } else { 5 }),
            Constraint::Length(48),
            Constraint::Min(10),
        ],
    )
    .header(Row::new(["", "SENT (UTC)", "RECV", "ERROR", "BODY"]).style(t.style(Role::TableHeader)))
    .row_highlight_style(t.style(Role::Selection));
    let mut state = TableState::default().with_selected(Some(peek.selected - offset));
    frame.render_stateful_widget(table, inner, &mut state);
}

fn field(t: &Theme, name: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {name:<28} "), t.style(Role::Muted)),
        Span::styled(value, t.style(Role::Text)),
    ])
}

fn heading(t: &Theme, text: &str) -> Line<'static> {
    Line::from(Span::styled(text.to_string(), t.style(Role::Title)))
}

/// The message shown, which one it is ("n of N", its id) in the frame's title at all times, its whole
/// text scrolled by the scroll keys; returns how far it scrolls.
fn draw_message(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    peek: &PeekView,
) -> Option<crate::app::ScrollBounds> {
    let t = &app.theme;
    let m = peek.selected_message()?;
    let opt = |v: Option<String>| v.map_or_else(|| "—".to_string(), |x| s(&x));
    let mut lines = vec![
        Line::from(vec![
            Span::styled(s(&m.message_id), t.style(Role::Accent)),
            Span::styled(
                format!("  in {}", s(&peek.queue.name)),
                t.style(Role::Muted),
            ),
        ]),
        Line::default(),
    ];
    if let Some(r) = m.destination_record() {
        lines.push(heading(t, "Lambda destination record"));
        lines.push(field(t, "condition", opt(r.condition)));
        lines.push(field(
            t,
            "approximate invoke count",
            r.approximate_invoke_count
                .map_or_else(|| "—".to_string(), |c| c.to_string()),
        ));
        lines.push(field(t, "function", opt(r.function_arn)));
        lines.push(field(t, "request id", opt(r.request_id)));
        lines.push(field(
            t,
            "status code",
            r.status_code
                .map_or_else(|| "—".to_string(), |c| c.to_string()),
        ));
        lines.push(field(t, "function error", opt(r.function_error)));
        lines.push(field(t, "error type", opt(r.error_type)));
        lines.push(field(t, "error message", opt(r.error_message)));
        lines.push(field(t, "timestamp", opt(r.timestamp)));
        lines.push(heading(t, "Original request payload"));
        let payload = serde_json::to_string_pretty(&r.request_payload).unwrap_or_default();
        lines.extend(
            crate::sanitize::sanitize_lines(&payload)
                .into_iter()
                .map(|l| Line::from(Span::styled(format!("  {l}"), t.style(Role::Text)))),
        );
        lines.push(Line::default());
    }
    lines.push(heading(t, "Body"));
    let body = m.pretty_body().unwrap_or_else(|| m.body.clone());
    lines.extend(
        crate::sanitize::sanitize_lines(&body)
            .into_iter()
            .map(|l| Line::from(Span::styled(format!("  {l}"), t.style(Role::Text)))),
    );
    lines.push(Line::default());
    lines.push(heading(t, "System attributes"));
    lines.push(field(
        t,
        "SentTimestamp",
        m.sent_at()
            .map_or_else(|| "—".to_string(), |d| format!("{} UTC", timestamp(d))),
    ));
    lines.push(field(
        t,
        "ApproximateReceiveCount",
        m.receive_count()
            .map_or_else(|| "—".to_string(), |c| format!("{c} (peeks count too)")),
    ));
    lines.push(field(
        t,
        "ApproximateFirstReceive",
        m.first_received_at()
            .map_or_else(|| "—".to_string(), |d| format!("{} UTC", timestamp(d))),
    ));
    for (k, v) in &m.attributes {
        if !matches!(
            k.as_str(),
            "SentTimestamp" | "ApproximateReceiveCount" | "ApproximateFirstReceiveTimestamp"
        ) {
            lines.push(field(t, &s(k), s(v)));
        }
    }
    lines.push(Line::default());
    lines.push(heading(t, "Message attributes"));
    if m.message_attributes.is_empty() {
        lines.push(Line::from(Span::styled("  none", t.style(Role::Muted))));
    }
    for (k, v) in &m.message_attributes {
        let value = match (&v.string_value, &v.binary_base64) {
            (Some(x), _) => s(x),
            (None, Some(b)) => format!("(binary, base64) {}", s(b)),
            (None, None) => "—".to_string(),
        };
        lines.push(field(t, &format!("{} ({})", s(k), s(&v.data_type)), value));
    }
    let (n, total) = peek.position();
    let page = area.height.saturating_sub(2);
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    // Rows the wrapped text takes, so the last rows can be scrolled to (never cut at the bottom).
    let rows = text.line_count(area.width.saturating_sub(2).max(1));
    let max = u16::try_from(rows.saturating_sub(usize::from(page))).unwrap_or(u16::MAX);
    let scroll = peek.scroll.min(max);
    let position = if max == 0 {
        String::new()
    } else {
        format!(
            "lines {}–{} of {rows} ",
            scroll + 1,
            (usize::from(scroll) + usize::from(page)).min(rows)
        )
    };
    let title = Line::from(vec![
        Span::styled(
            format!(" DLQ message {n} of {total} "),
            t.style(Role::Title),
        ),
        Span::styled(format!("{} ", s(&m.message_id)), t.style(Role::Accent)),
        Span::styled(position, t.style(Role::Muted)),
        Span::styled("] next · [ previous ", t.style(Role::Muted)),
    ]);
    frame.render_widget(
        text.scroll((scroll, 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.style(Role::BorderFocused))
                .title(title),
        ),
        area,
    );
    Some(crate::app::ScrollBounds { max, page })
}

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

fn draw_chooser(app: &App, frame: &mut Frame, area: Rect, chooser: &crate::app::dlq::PathChooser) {
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
    let popup = super::centered(area, 110, height);
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
