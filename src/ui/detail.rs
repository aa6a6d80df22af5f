//! Function detail: configuration, env (masked until `v`), layers, VPC, concurrency, DLQ/destinations,
//! event sources, tags, logging.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::App;
use crate::domain::{FunctionDetail, Phase};
use crate::sanitize::sanitize;
use crate::theme::{Role, Theme};

use super::format::{bytes, spinner, timestamp};

fn field(t: &Theme, name: &str, value: String) -> Line<'static> {
    field_w(t, name, value, 22)
}

/// A `name  value` line with the name column `width` wide (env keys can be long).
fn field_w(t: &Theme, name: &str, value: String, width: usize) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {name:<width$} "), t.style(Role::Muted)),
        Span::styled(value, t.style(Role::Text)),
    ])
}

fn section(t: &Theme, name: String) -> Line<'static> {
    Line::from(Span::styled(name, t.style(Role::Title)))
}

fn none(t: &Theme) -> Line<'static> {
    Line::from(Span::styled("  none", t.style(Role::Muted)))
}

fn lines(t: &Theme, d: &FunctionDetail, reveal: bool) -> Vec<Line<'static>> {
    let mut out = overview(t, d);
    environment_layers_vpc(t, d, reveal, &mut out);
    destinations_and_sources(t, d, &mut out);
    tags_and_errors(t, d, &mut out);
    out
}

/// The name, runtime and configuration fields, and a deprecated runtime's warning.
fn overview(t: &Theme, d: &FunctionDetail) -> Vec<Line<'static>> {
    let f = &d.function;
    let s = |x: &str| sanitize(x).into_owned();
    let mut out = vec![
        Line::from(vec![
            Span::styled(s(&f.name), t.style(Role::Accent)),
            Span::styled(
                format!(
                    "  {} · {} · {} MB · {}s timeout · {}",
                    f.runtime.as_deref().unwrap_or(&f.package_type),
                    f.architecture,
                    f.memory_mb,
                    f.timeout_s,
                    f.state.as_deref().unwrap_or("state unknown")
                ),
                t.style(Role::Text),
            ),
        ]),
        Line::default(),
        field(t, "ARN", s(&f.arn)),
        field(
            t,
            "Description",
            if d.description.is_empty() {
                "—".into()
            } else {
                s(&d.description)
            },
        ),
        field(
            t,
            "Handler",
            d.handler
                .as_deref()
                .map_or_else(|| "— (container image)".into(), s),
        ),
        field(t, "Role", s(&d.role)),
        field(t, "Version", s(&d.version)),
        field(t, "Code size", bytes(f.code_size_bytes)),
        field(
            t,
            "Last modified",
            f.last_modified
                .map_or_else(|| "—".into(), |m| format!("{} UTC", timestamp(m))),
        ),
        field(
            t,
            "Ephemeral storage",
            d.ephemeral_storage_mb
                .map_or_else(|| "512 MB (default)".into(), |m| format!("{m} MB")),
        ),
        field(
            t,
            "Reserved concurrency",
            d.reserved_concurrency.map_or_else(
                || "none (uses the unreserved pool)".into(),
                |c| c.to_string(),
            ),
        ),
        field(
            t,
            "Logging",
            format!(
                "{} ({})",
                s(&f.log_group()),
                d.log_format.as_deref().unwrap_or("Text")
            ),
        ),
    ];
    if f.runtime_deprecated() {
        out.push(Line::from(Span::styled(
            "  ⚠ this runtime is deprecated: AWS no longer patches it",
            t.style(Role::Warning),
        )));
    }
    out
}

/// Environment variables (masked unless revealed), layers, VPC.
fn environment_layers_vpc(
    t: &Theme,
    d: &FunctionDetail,
    reveal: bool,
    out: &mut Vec<Line<'static>>,
) {
    let s = |x: &str| sanitize(x).into_owned();
    out.push(Line::default());
    out.push(section(
        t,
        format!(
            "Environment ({}) — {}",
            d.env.len(),
            if reveal {
                "values shown, v masks"
            } else {
                "values masked, v reveals"
            }
        ),
    ));
    if d.env.is_empty() {
        out.push(none(t));
    }
    let key_width = d
        .env
        .iter()
        .map(|v| v.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(22, 48);
    for var in &d.env {
        let value = if reveal {
            s(&var.value)
        } else {
            "••••••••".to_string()
        };
        out.push(field_w(t, &s(&var.name), value, key_width));
    }
    out.push(Line::default());
    out.push(section(t, format!("Layers ({})", d.layers.len())));
    if d.layers.is_empty() {
        out.push(none(t));
    }
    out.extend(d.layers.iter().map(|l| Line::from(format!("  {}", s(l)))));
    out.push(Line::default());
    out.push(section(t, "VPC".into()));
    if d.vpc_subnets.is_empty() {
        out.push(none(t));
    } else {
        out.push(field(t, "Subnets", s(&d.vpc_subnets.join(", "))));
        out.push(field(
            t,
            "Security groups",
            s(&d.vpc_security_groups.join(", ")),
        ));
    }
}

/// The dead-letter queue, async destinations and event source mappings.
fn destinations_and_sources(t: &Theme, d: &FunctionDetail, out: &mut Vec<Line<'static>>) {
    let s = |x: &str| sanitize(x).into_owned();
    out.push(Line::default());
    out.push(section(t, "Dead-letter queue and destinations".into()));
    out.push(field(
        t,
        "DeadLetterConfig",
        d.dead_letter_target
            .as_deref()
            .map_or_else(|| "none".into(), s),
    ));
    match &d.async_config {
        Some(a) => {
            out.push(field(
                t,
                "On failure (async)",
                a.on_failure.as_deref().map_or_else(|| "none".into(), s),
            ));
            out.push(field(
                t,
                "On success (async)",
                a.on_success.as_deref().map_or_else(|| "none".into(), s),
            ));
            out.push(field(
                t,
                "Retries / max age",
                format!(
                    "{} / {}",
                    a.max_retry_attempts
                        .map_or_else(|| "default (2)".into(), |r| r.to_string()),
                    a.max_event_age_s
                        .map_or_else(|| "default (6h)".into(), |s| format!("{s}s"))
                ),
            ));
        }
        None => out.push(field(t, "Async invoke config", "none".into())),
    }
    out.push(Line::default());
    out.push(section(
        t,
        format!("Event sources ({})", d.event_sources.len()),
    ));
    if d.event_sources.is_empty() {
        out.push(none(t));
    }
    for m in &d.event_sources {
        let state_role = if m.state == "Enabled" {
            Role::Ok
        } else {
            Role::Warning
        };
        out.push(Line::from(vec![
            Span::styled(format!("  {}", s(&m.source_arn)), t.style(Role::Text)),
            Span::styled(format!("  {}", s(&m.state)), t.style(state_role)),
            Span::styled(
                format!(
                    "  batch {}  on-failure {}",
                    m.batch_size.map_or_else(|| "—".into(), |b| b.to_string()),
                    m.on_failure.as_deref().map_or_else(|| "none".into(), s)
                ),
                t.style(Role::Muted),
            ),
        ]));
    }
}

/// Tags, and what could not be loaded.
fn tags_and_errors(t: &Theme, d: &FunctionDetail, out: &mut Vec<Line<'static>>) {
    let s = |x: &str| sanitize(x).into_owned();
    out.push(Line::default());
    out.push(section(t, format!("Tags ({})", d.tags.len())));
    if d.tags.is_empty() {
        out.push(none(t));
    }
    for (k, v) in &d.tags {
        out.push(field(t, &s(k), s(v)));
    }
    if !d.partial_errors.is_empty() {
        out.push(Line::default());
        out.push(section(t, "Could not load".into()));
        for e in &d.partial_errors {
            out.push(Line::from(Span::styled(
                format!("  {}", s(e)),
                t.style(Role::Error),
            )));
        }
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(detail) = &app.detail else {
        return;
    };
    let mut title = vec![Span::styled(
        format!(" {} ", sanitize(&detail.function)),
        t.style(Role::Title),
    )];
    title.extend(super::phase_span(app, &detail.remote));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::BorderFocused))
        .title(Line::from(title));
    let body: Vec<Line> = match (&detail.remote.data, &detail.remote.phase) {
        (Some(d), _) => lines(t, d, detail.reveal_env),
        (None, Phase::Failed { error, .. }) => vec![Line::from(Span::styled(
            format!(
                "Could not load {}: {}",
                sanitize(&detail.function),
                sanitize(error)
            ),
            t.style(Role::Error),
        ))],
        (None, _) => vec![Line::from(Span::styled(
            format!(
                "{} Loading {}…",
                spinner(app.now),
                sanitize(&detail.function)
            ),
            t.style(Role::Info),
        ))],
    };
    // Never scroll past the end (G asks for "the bottom", whatever that is).
    let visible = usize::from(area.height.saturating_sub(2));
    let max_scroll = u16::try_from(body.len().saturating_sub(visible)).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(body)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((detail.scroll.min(max_scroll), 0)),
        area,
    );
}
