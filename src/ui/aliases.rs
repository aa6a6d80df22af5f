//! The aliases pane: aliases (what they route to) above the function's published versions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use crate::app::App;
use crate::app::aliases::{AliasFocus, AliasesPane, CodeDeployStatus};
use crate::domain::Phase;
use crate::domain::alias::compare::{Verdict, VersionFigures};
use crate::domain::metrics::Reading;
use crate::sanitize::sanitize;
use crate::theme::{Role, Theme};

use super::format::{count_reading, millis_reading, spinner, timestamp, truncate};

fn block<'a>(t: &Theme, title: Line<'a>, focused: bool) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(if focused {
            Role::BorderFocused
        } else {
            Role::Border
        }))
        .title(title)
}

fn empty(app: &App, pane: &AliasesPane, what: &str) -> Paragraph<'static> {
    let t = &app.theme;
    let (text, role) = match &pane.remote.phase {
        Phase::Failed { error, .. } if pane.remote.data.is_none() => {
            (format!("Could not load {what}: {}", sanitize(error)), Role::Error)
        }
        Phase::Loading { .. } | Phase::Idle if pane.remote.data.is_none() => {
            (format!("{} Loading {what}…", spinner(app.now)), Role::Info)
        }
        _ => (
            match what {
                "aliases" => "No aliases. Create one with `aws lambda create-alias`; lambdash changes existing aliases.".to_string(),
                _ => "No published versions: P publishes $LATEST.".to_string(),
            },
            Role::Muted,
        ),
    };
    Paragraph::new(Span::styled(text, t.style(role)))
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(pane) = &app.aliases else {
        return;
    };
    let aliases = pane.aliases();
    let alias_height = u16::try_from(aliases.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3)
        .clamp(4, 12);
    let [top, middle, bottom, note] = Layout::vertical([
        Constraint::Length(alias_height),
        Constraint::Length(COMPARE_HEIGHT),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);

    draw_aliases(app, pane, frame, top);
    draw_comparison(app, pane, frame, middle);

    draw_versions(app, pane, frame, bottom);
    frame.render_widget(Paragraph::new(note_line(app, pane)), note);
}

/// The aliases table: where each routes, its CodeDeploy status, its description.
fn draw_aliases(app: &App, pane: &AliasesPane, frame: &mut Frame, top: Rect) {
    let t = &app.theme;
    let aliases = pane.aliases();
    let mut title = vec![Span::styled(
        format!(
            " Aliases of {} ({}) ",
            sanitize(&pane.function),
            aliases.len()
        ),
        t.style(Role::Title),
    )];
    title.extend(super::phase_span(app, &pane.remote));
    let b = block(t, Line::from(title), pane.focus == AliasFocus::Aliases);
    if aliases.is_empty() {
        frame.render_widget(empty(app, pane, "aliases").block(b), top);
    } else {
        let rows = aliases.iter().map(|a| {
            let routes = a.state.to_string();
            let role = if a.state.canary().is_some() {
                Role::Warning
            } else {
                Role::Text
            };
            Row::new([
                Cell::from(sanitize(&a.name).into_owned()),
                Cell::from(Span::styled(routes, t.style(role))),
                Cell::from(codedeploy_cell(app, &pane.codedeploy_status(&a.name))),
                Cell::from(sanitize(&a.description).into_owned()),
            ])
        });
        let table = Table::new(
            rows,
            [
                Constraint::Length(16),
                Constraint::Length(30),
                Constraint::Length(24),
                Constraint::Min(10),
            ],
        )
        .header(
            Row::new(["ALIAS", "ROUTES TO", "CODEDEPLOY", "DESCRIPTION"])
                .style(t.style(Role::TableHeader)),
        )
        .row_highlight_style(if pane.focus == AliasFocus::Aliases {
            t.style(Role::Selection)
        } else {
            t.style(Role::Accent)
        })
        .block(b);
        let mut state = TableState::default().with_selected(Some(pane.alias_index));
        frame.render_stateful_widget(table, top, &mut state);
    }
}

/// The versions table, with the selected alias's primary and canary versions marked.
fn draw_versions(app: &App, pane: &AliasesPane, frame: &mut Frame, bottom: Rect) {
    let t = &app.theme;
    let versions = pane.versions();
    let b = block(
        t,
        Line::from(Span::styled(
            format!(" Versions ({}) ", versions.len()),
            t.style(Role::Title),
        )),
        pane.focus == AliasFocus::Versions,
    );
    if versions.is_empty() {
        frame.render_widget(empty(app, pane, "versions").block(b), bottom);
    } else {
        let selected_alias = pane.selected_alias();
        let rows = versions.iter().map(|v| {
            let marker = selected_alias.map_or("", |a| {
                if a.state.version == v.version {
                    "◀ primary"
                } else if a.state.weights.contains_key(&v.version) {
                    "◀ canary"
                } else {
                    ""
                }
            });
            Row::new([
                Cell::from(v.version.clone()),
                Cell::from(v.last_modified.map_or_else(|| "—".to_string(), timestamp)),
                Cell::from(v.runtime.clone().unwrap_or_else(|| "image".to_string())),
                Cell::from(format!("{} MB", v.memory_mb)),
                Cell::from(truncate(&v.code_sha256, 12)),
                Cell::from(Span::styled(marker, t.style(Role::Accent))),
                Cell::from(sanitize(&v.description).into_owned()),
            ])
        });
        let table = Table::new(
            rows,
            [
                Constraint::Length(8),
                Constraint::Length(17),
                Constraint::Length(16),
                Constraint::Length(9),
                Constraint::Length(13),
                Constraint::Length(10),
                Constraint::Min(10),
            ],
        )
        .header(
            Row::new([
                "VERSION",
                "PUBLISHED",
                "RUNTIME",
                "MEMORY",
                "CODE SHA256",
                "",
                "DESCRIPTION",
            ])
            .style(t.style(Role::TableHeader)),
        )
        .row_highlight_style(if pane.focus == AliasFocus::Versions {
            t.style(Role::Selection)
        } else {
            t.style(Role::Accent)
        })
        .block(b);
        let mut state = TableState::default().with_selected(Some(pane.version_index));
        frame.render_stateful_widget(table, bottom, &mut state);
    }
}

/// Border, header, two versions and the verdict line.
const COMPARE_HEIGHT: u16 = 6;

fn codedeploy_cell(app: &App, status: &CodeDeployStatus) -> Span<'static> {
    let t = &app.theme;
    match status {
        CodeDeployStatus::Checking => Span::styled(
            format!("{} checking…", spinner(app.now)),
            t.style(Role::Info),
        ),
        CodeDeployStatus::Unknown(_) => Span::styled("status unknown", t.style(Role::Warning)),
        CodeDeployStatus::NotManaged { uncertain: 0 } => Span::styled("—", t.style(Role::Muted)),
        CodeDeployStatus::NotManaged { .. } => {
            Span::styled("— (AppSpec unread)", t.style(Role::Warning))
        }
        CodeDeployStatus::Managed(m) => Span::styled(
            format!("{} {}", m.flag(), sanitize(&m.by().deployment_id)),
            t.style(Role::Error),
        ),
    }
}

/// The last line: what CodeDeploy does to the selected alias when that matters, else the keys.
fn note_line(app: &App, pane: &AliasesPane) -> Line<'static> {
    let t = &app.theme;
    let Some(alias) = pane.selected_alias() else {
        return Line::from(Span::styled(
            " 1-5: canary of 1/5/10/25/50 % to the selected version",
            t.style(Role::Muted),
        ));
    };
    let name = sanitize(&alias.name).into_owned();
    match pane.codedeploy_status(&alias.name) {
        CodeDeployStatus::Managed(m) => Line::from(Span::styled(
            format!(
                " ⚠ {name}: {} — a change here is overwritten by CodeDeploy",
                sanitize(&m.to_string())
            ),
            t.style(Role::Error),
        )),
        CodeDeployStatus::Unknown(why) => Line::from(Span::styled(
            format!(" CodeDeploy status unknown: {}", sanitize(&why)),
            t.style(Role::Warning),
        )),
        CodeDeployStatus::NotManaged { uncertain } if uncertain > 0 => Line::from(Span::styled(
            format!(
                " CodeDeploy: {uncertain} deployment(s) with an AppSpec lambdash could not read: {name} may still be managed"
            ),
            t.style(Role::Warning),
        )),
        _ => Line::from(Span::styled(
            " 1-5: canary of 1/5/10/25/50 % to the selected version",
            t.style(Role::Muted),
        )),
    }
}

fn share(w: f64) -> String {
    let p = w * 100.0;
    if (p - p.round()).abs() < 1e-6 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

fn pct_span(app: &App, r: &Reading, worse: bool) -> Span<'static> {
    let t = &app.theme;
    match r {
        Reading::Value(v) => Span::styled(
            format!("{v:.2} %"),
            t.style(if worse { Role::Error } else { Role::Text }),
        ),
        Reading::NoData => Span::styled("—", t.style(Role::Muted)),
        Reading::Unavailable(_) => Span::styled("n/a", t.style(Role::Warning)),
    }
}

fn version_row(app: &App, v: &VersionFigures, canary: bool, worse: bool) -> Row<'static> {
    let t = &app.theme;
    let role = if worse { Role::Error } else { Role::Text };
    Row::new([
        Cell::from(format!(
            "{}{}",
            sanitize(&v.version),
            if canary { " (canary)" } else { "" }
        )),
        Cell::from(share(v.weight)),
        Cell::from(count_reading(&v.invocations)),
        Cell::from(count_reading(&v.errors)),
        Cell::from(pct_span(app, &v.error_pct, worse)),
        Cell::from(Span::styled(millis_reading(&v.duration), t.style(role))),
    ])
}

/// The versions behind the selected alias side by side, last hour, with a verdict.
fn draw_comparison(app: &App, pane: &AliasesPane, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(alias) = pane.selected_alias() else {
        draw_no_alias(t, frame, area);
        return;
    };
    let entry = pane.comparison();
    let mut title = vec![Span::styled(
        format!(
            " {}: versions side by side, last hour ",
            sanitize(&alias.name)
        ),
        t.style(Role::Title),
    )];
    if let Some(c) = entry {
        if let Some(at) = c.remote.last_ok {
            title.push(Span::styled(
                format!("as of {} · every 60 s ", timestamp(at)),
                t.style(Role::Muted),
            ));
        }
        title.extend(super::phase_span(app, &c.remote));
    }
    let b = block(t, Line::from(title), false);
    let data = entry.and_then(|c| c.remote.data.as_ref());
    let Some(cmp) = data else {
        let (text, role) = match entry.map(|c| &c.remote.phase) {
            Some(Phase::Failed { error, .. }) => (
                format!(" Could not fetch the figures: {}", sanitize(error)),
                Role::Error,
            ),
            _ => (
                format!(
                    " {} Fetching invocations, errors and duration by executed version…",
                    spinner(app.now)
                ),
                Role::Info,
            ),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, t.style(role))).block(b),
            area,
        );
        return;
    };
    let verdict = cmp.verdict();
    let worse = matches!(verdict, Verdict::Worse(_));
    let duration_header = if cmp.percentiles_unavailable {
        "MAX* DURATION"
    } else {
        "P99 DURATION"
    };
    let rows: Vec<Row> = cmp
        .versions
        .iter()
        .enumerate()
        .map(|(i, v)| version_row(app, v, i > 0, worse && i > 0))
        .collect();
    let [table_area, verdict_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(b.inner(area));
    frame.render_widget(b, area);
    let table = Table::new(
        rows,
        [
            Constraint::Length(16),
            Constraint::Length(8),
            Constraint::Length(12),
            Constraint::Length(8),
            Constraint::Length(9),
            Constraint::Min(13),
        ],
    )
    .header(
        Row::new([
            "VERSION",
            "TRAFFIC",
            "INVOCATIONS",
            "ERRORS",
            "ERROR %",
            duration_header,
        ])
        .style(t.style(Role::TableHeader)),
    );
    frame.render_widget(table, table_area);
    frame.render_widget(
        Paragraph::new(verdict_line(t, cmp.percentiles_unavailable, verdict)),
        verdict_area,
    );
}

/// No alias selected: the comparison says how to get one.
fn draw_no_alias(t: &Theme, frame: &mut Frame, area: Rect) {
    let b = block(
        t,
        Line::from(Span::styled(
            " Versions side by side ",
            t.style(Role::Title),
        )),
        false,
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            " Select an alias to compare the versions behind it.",
            t.style(Role::Muted),
        ))
        .block(b),
        area,
    );
}

/// The comparison's verdict: no canary, too little data, worse (and why), or not worse.
fn verdict_line(t: &Theme, percentiles_unavailable: bool, verdict: Verdict) -> Line<'static> {
    let mut spans = Vec::new();
    if percentiles_unavailable {
        spans.push(Span::styled(
            "* p99 unavailable from this endpoint: maximum shown · ",
            t.style(Role::Warning),
        ));
    }
    spans.push(match verdict {
        Verdict::NoCanary => Span::styled(
            "one version behind this alias: no canary to compare",
            t.style(Role::Muted),
        ),
        Verdict::TooLittleData(why) => Span::styled(
            format!("nothing to compare yet: {}", sanitize(&why)),
            t.style(Role::Muted),
        ),
        Verdict::Worse(reasons) => Span::styled(
            format!(
                "⚠ canary worse: {} — think twice before promoting",
                reasons.join(" · ")
            ),
            t.style(Role::Error),
        ),
        Verdict::NotWorse => Span::styled(
            "canary not worse than the primary on these figures",
            t.style(Role::Ok),
        ),
    });
    Line::from(spans)
}
