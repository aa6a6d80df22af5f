//! The metrics pane: one function's metrics as charts with a time axis, the timeout on the duration
//! chart, alarm thresholds on their metric's chart, and two aliases/versions side by side on demand.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph, Wrap};

use crate::app::App;
use crate::app::metrics::{Comparison, MetricsPane, PaneMetrics};
use crate::domain::alarm::Alarm;
use crate::domain::metrics::{
    MetricName, MetricsBatch, QualifierKind, Reading, SeriesKey, SeriesStatus, Stat, error_pct,
};
use crate::sanitize::sanitize;
use crate::theme::{Role, Theme};

use super::format::{count_reading, millis_reading};

mod chart;
use chart::draw_chart;

/// A chart's minimum height (borders, 3 plot rows, the time axis).
const MIN_CHART_HEIGHT: u16 = 8;

/// One line of a chart.
struct Plot {
    label: String,
    role: Role,
    points: Vec<(f64, f64)>,
}

/// One chart: what it plots, and the horizontal marks (timeout, alarm thresholds).
struct ChartSpec {
    title: String,
    /// Milliseconds (durations, ages) or counts: how the y labels are written.
    millis: bool,
    /// Sums per period, drawn as bars (durations and maxima are lines).
    bars: bool,
    lines: Vec<Plot>,
    marks: Vec<(String, f64, Role)>,
    /// Why something the chart would show is missing (percentiles refused, a series error).
    note: Option<String>,
}

fn key(function: &str, q: Option<&(QualifierKind, String)>, m: MetricName, s: Stat) -> SeriesKey {
    let k = SeriesKey::new(function, m, s);
    match q {
        Some((QualifierKind::Resource, a)) => k.for_alias(a.clone()),
        Some((QualifierKind::ExecutedVersion, v)) => SeriesKey {
            qualifier: Some((QualifierKind::ExecutedVersion, v.clone())),
            ..k
        },
        None => k,
    }
}

/// Seconds since the window's start for each datapoint; `Sum`/`SampleCount` series get a 0 for every
/// period without a datapoint (no invocation is a real 0), others keep their gaps.
fn points(batch: &MetricsBatch, k: &SeriesKey) -> Option<Vec<(f64, f64)>> {
    let r = batch.get(k)?;
    if r.status != SeriesStatus::Ok {
        return None;
    }
    if matches!(k.stat, Stat::Sum | Stat::SampleCount) {
        let period = i64::from(batch.period_s.max(1));
        let n = ((batch.end - batch.start).num_seconds() / period).max(0);
        let mut values = vec![0.0; usize::try_from(n).unwrap_or(0)];
        for (t, v) in &r.series.points {
            let i = (*t - batch.start).num_seconds().div_euclid(period);
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| values.get_mut(i)) {
                *slot += v;
            }
        }
        return Some(
            values
                .into_iter()
                .enumerate()
                .map(|(i, v)| ((i as i64 * period) as f64, v))
                .collect(),
        );
    }
    Some(
        r.series
            .points
            .iter()
            .map(|(t, v)| ((*t - batch.start).num_seconds() as f64, *v))
            .collect(),
    )
}

/// A series' points, the statistic it shows, and why it is not what was asked for (if so).
type Substituted = (Option<Vec<(f64, f64)>>, &'static str, Option<String>);

/// One side of a comparison: qualifier (none = the whole function), label, colour.
type SideSpec<'a> = (Option<&'a (QualifierKind, String)>, String, Role);

/// The percentile series, or its `Maximum` stand-in with a note when percentiles are refused.
fn p99_line(
    batch: &MetricsBatch,
    function: &str,
    q: Option<&(QualifierKind, String)>,
) -> Substituted {
    let p99 = key(function, q, MetricName::Duration, Stat::P99);
    match batch.get(&p99).map(|r| &r.status) {
        Some(SeriesStatus::PercentilesUnavailable) => (
            points(batch, &p99.with_stat(Stat::Maximum)),
            "max",
            Some("p99 unavailable from this endpoint: max shown".to_string()),
        ),
        Some(SeriesStatus::Error(e)) => (None, "p99", Some(format!("p99: {}", sanitize(e)))),
        _ => (points(batch, &p99), "p99", None),
    }
}

fn alarm_marks(alarms: &[Alarm], metric: MetricName) -> Vec<(String, f64, Role)> {
    alarms
        .iter()
        .filter(|a| a.metric.as_deref() == Some(metric.as_str()))
        .filter_map(|a| {
            let t = a.threshold?;
            let role = if a.is_firing() {
                Role::Error
            } else {
                Role::Warning
            };
            let stat = a.statistic.clone().unwrap_or_default();
            Some((format!("alarm {} ({stat} {t})", sanitize(&a.name)), t, role))
        })
        .collect()
}

fn specs(pane: &MetricsPane, data: &PaneMetrics, compare: Option<&Comparison>) -> Vec<ChartSpec> {
    let b = &data.batch;
    let f = pane.function.as_str();
    let alarms: &[Alarm] = data.alarms.as_deref().unwrap_or(&[]);
    let sides: Vec<SideSpec> = match compare {
        None => vec![(None, String::new(), Role::Accent)],
        Some(c) => vec![
            (Some(&c.a.qualifier), c.a.label.clone(), Role::Accent),
            (Some(&c.b.qualifier), c.b.label.clone(), Role::Warning),
        ],
    };
    let alone = compare.is_none();
    let mut out = count_specs(b, f, alarms, &sides, alone);
    out.push(duration_spec(b, pane, alarms, &sides, alone));
    if alone {
        out.extend(extra_specs(b, f, alarms));
    }
    out
}

/// `label what`, or `what` alone for an unlabelled side.
fn named(label: &str, what: &str) -> String {
    if label.is_empty() {
        what.to_string()
    } else {
        format!("{label} {what}")
    }
}

/// Invocations, errors (with the error rate in the title) and throttles, per side. `alone`: one side,
/// drawn as bars with the alarm thresholds.
fn count_specs(
    b: &MetricsBatch,
    f: &str,
    alarms: &[Alarm],
    sides: &[SideSpec],
    alone: bool,
) -> Vec<ChartSpec> {
    let mut out = Vec::new();
    for (metric, title) in [
        (MetricName::Invocations, "Invocations"),
        (MetricName::Errors, "Errors"),
        (MetricName::Throttles, "Throttles"),
    ] {
        let mut lines = Vec::new();
        let mut note = None;
        for (q, label, role) in sides {
            let k = key(f, *q, metric, Stat::Sum);
            match points(b, &k) {
                Some(p) => lines.push(Plot {
                    label: named(label, "sum"),
                    role: *role,
                    points: p,
                }),
                None => note = Some(unavailable(b, &k)),
            }
        }
        let mut title = format!("{title} per {}", period_label(b.period_s));
        if metric == MetricName::Errors {
            let pct: Vec<String> = sides
                .iter()
                .map(|(q, label, _)| {
                    let inv = b.reading(&key(f, *q, MetricName::Invocations, Stat::Sum));
                    let err = b.reading(&key(f, *q, MetricName::Errors, Stat::Sum));
                    named(label, &pct_text(&error_pct(&inv, &err)))
                })
                .collect();
            title = format!("{title} · {}", pct.join(" vs "));
        }
        out.push(ChartSpec {
            title,
            millis: false,
            // Two sides' bars would hide each other: side by side, sums are lines too.
            bars: alone,
            lines,
            marks: if alone {
                alarm_marks(alarms, metric)
            } else {
                Vec::new()
            },
            note,
        });
    }
    out
}

/// Duration: avg, p99 (or max) and max for the function; p99 (or max) per side when comparing.
fn duration_spec(
    b: &MetricsBatch,
    pane: &MetricsPane,
    alarms: &[Alarm],
    sides: &[SideSpec],
    alone: bool,
) -> ChartSpec {
    let f = pane.function.as_str();
    let mut lines = Vec::new();
    let mut note = None;
    for (q, label, role) in sides {
        let (p, stat, why) = p99_line(b, f, *q);
        note = note.or(why);
        if alone {
            if let Some(avg) = points(b, &key(f, None, MetricName::Duration, Stat::Average)) {
                lines.push(Plot {
                    label: "avg".into(),
                    role: Role::Ok,
                    points: avg,
                });
            }
            if stat != "max"
                && let Some(max) = points(b, &key(f, None, MetricName::Duration, Stat::Maximum))
            {
                lines.push(Plot {
                    label: "max".into(),
                    role: Role::Muted,
                    points: max,
                });
            }
        }
        if let Some(p) = p {
            lines.push(Plot {
                label: named(label, stat),
                role: *role,
                points: p,
            });
        }
    }
    let mut marks = Vec::new();
    if let Some(t) = pane.timeout_s {
        marks.push((
            format!("timeout {}", human_ms(f64::from(t) * 1000.0)),
            f64::from(t) * 1000.0,
            Role::Error,
        ));
    }
    if alone {
        marks.extend(alarm_marks(alarms, MetricName::Duration));
    }
    ChartSpec {
        title: "Duration".into(),
        millis: true,
        bars: false,
        lines,
        marks,
        note,
    }
}

/// Concurrency, and the async, stream and provisioned-concurrency metrics the function produced.
fn extra_specs(b: &MetricsBatch, f: &str, alarms: &[Alarm]) -> Vec<ChartSpec> {
    let mut out = Vec::new();
    for (metric, stat) in [
        (MetricName::ConcurrentExecutions, Stat::Maximum),
        (MetricName::AsyncEventAge, Stat::Maximum),
        (MetricName::AsyncEventsDropped, Stat::Sum),
        (MetricName::DeadLetterErrors, Stat::Sum),
        (MetricName::DestinationDeliveryFailures, Stat::Sum),
        (MetricName::IteratorAge, Stat::Maximum),
        (
            MetricName::ProvisionedConcurrencySpilloverInvocations,
            Stat::Sum,
        ),
    ] {
        let k = key(f, None, metric, stat);
        let has_points = b
            .get(&k)
            .is_some_and(|r| r.status == SeriesStatus::Ok && !r.series.points.is_empty());
        // Concurrency always has a chart; the async/stream/provisioned ones only when the
        // function produced them (the others are listed as "no data").
        if metric != MetricName::ConcurrentExecutions && !has_points {
            continue;
        }
        let (lines, note) = match points(b, &k) {
            Some(p) => (
                vec![Plot {
                    label: stat.as_str().to_lowercase(),
                    role: Role::Accent,
                    points: p,
                }],
                None,
            ),
            None => (Vec::new(), Some(unavailable(b, &k))),
        };
        out.push(ChartSpec {
            title: format!("{} ({})", metric.as_str(), stat.as_str()),
            millis: metric.unit() == "Milliseconds",
            bars: stat == Stat::Sum,
            lines,
            marks: alarm_marks(alarms, metric),
            note,
        });
    }
    out
}

fn unavailable(b: &MetricsBatch, k: &SeriesKey) -> String {
    match b.reading(k) {
        Reading::Unavailable(why) => sanitize(&why).into_owned(),
        _ => "no data".to_string(),
    }
}

fn pct_text(r: &Reading) -> String {
    match r {
        Reading::Value(v) => format!("{v:.2} %"),
        Reading::NoData => "no invocations".to_string(),
        Reading::Unavailable(_) => "error % n/a".to_string(),
    }
}

fn period_label(period_s: i32) -> String {
    match period_s {
        p if p % 3600 == 0 => format!("{} h", p / 3600),
        p if p % 60 == 0 => format!("{} min", p / 60),
        p => format!("{p} s"),
    }
}

fn human_ms(v: f64) -> String {
    if v >= 60_000.0 {
        format!("{:.1} min", v / 60_000.0)
    } else if v >= 1000.0 {
        format!("{:.1} s", v / 1000.0)
    } else {
        format!("{v:.0} ms")
    }
}

/// A count axis: the top and the step between labels, whole numbers in steps of 1, 2 or 5 × 10^k,
/// two to five steps high.
pub(crate) fn count_axis(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 1.0);
    }
    let rough = (max / 4.0).max(1.0);
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude);
    let top = (max / step).ceil().max(1.0) * step;
    (top, step)
}

fn human_count(v: f64) -> String {
    if v >= 1_000_000.0 {
        format!("{:.1}M", v / 1_000_000.0)
    } else if v >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn title(app: &App, pane: &MetricsPane) -> Line<'static> {
    let t = &app.theme;
    let mut spans = vec![
        Span::styled(" Metrics ", t.style(Role::Title)),
        Span::styled(
            format!("{} ", sanitize(&pane.function)),
            t.style(Role::Accent),
        ),
        Span::styled(
            format!(
                "· last {} ({} points) ",
                pane.range.label(),
                period_label(pane.range.period_s())
            ),
            t.style(Role::Muted),
        ),
    ];
    if let Some(at) = pane.anchor {
        spans.push(Span::styled(
            format!(
                "· around the alarm at {} (0: now) ",
                at.format("%Y-%m-%d %H:%M UTC")
            ),
            t.style(Role::Warning),
        ));
    }
    if let Some(c) = pane.comparison() {
        spans.push(Span::styled(
            format!("· {} ", sanitize(&c.label)),
            t.style(Role::Info),
        ));
    }
    spans.extend(super::phase_span(app, &pane.remote));
    Line::from(spans)
}

/// The totals over the window: what the on-call question needs before any chart.
fn summary(app: &App, pane: &MetricsPane, data: &PaneMetrics) -> Vec<Line<'static>> {
    let t = &app.theme;
    let b = &data.batch;
    let f = pane.function.as_str();
    let r = |m, s| b.reading(&key(f, None, m, s));
    let inv = r(MetricName::Invocations, Stat::Sum);
    let err = r(MetricName::Errors, Stat::Sum);
    let thr = r(MetricName::Throttles, Stat::Sum);
    let avg = match (
        r(MetricName::Duration, Stat::Sum),
        r(MetricName::Duration, Stat::SampleCount),
    ) {
        (Reading::Value(s), Reading::Value(n)) if n > 0.0 => Reading::Value(s / n),
        (Reading::Unavailable(w), _) | (_, Reading::Unavailable(w)) => Reading::Unavailable(w),
        _ => Reading::NoData,
    };
    let label = |s: &str| Span::styled(s.to_string(), t.style(Role::Muted));
    let value = |s: String| Span::styled(s, t.style(Role::Text));
    let mut first = vec![
        label("invocations "),
        value(count_reading(&inv)),
        label("  errors "),
        value(format!(
            "{} ({})",
            count_reading(&err),
            pct_text(&error_pct(&inv, &err))
        )),
        label("  throttles "),
        Span::styled(
            count_reading(&thr),
            t.style(if thr.value().is_some_and(|v| v > 0.0) {
                Role::Warning
            } else {
                Role::Text
            }),
        ),
        label("  duration avg "),
        value(millis_reading(&avg)),
    ];
    let percentiles = [Stat::P50, Stat::P90, Stat::P99];
    let refused = percentiles.iter().any(|s| {
        b.get(&key(f, None, MetricName::Duration, *s))
            .is_some_and(|r| r.status == SeriesStatus::PercentilesUnavailable)
    });
    if refused {
        first.push(label("  p50/p90/p99 "));
        first.push(Span::styled("unavailable", t.style(Role::Warning)));
    } else {
        // A window's percentile cannot be rebuilt from per-period ones: the worst period is shown.
        let values: Vec<String> = percentiles
            .iter()
            .map(|s| millis_reading(&r(MetricName::Duration, *s)))
            .collect();
        first.push(label("  p50/p90/p99 (worst period) "));
        first.push(value(values.join(" / ")));
    }
    first.push(label("  max "));
    first.push(value(millis_reading(&r(
        MetricName::Duration,
        Stat::Maximum,
    ))));
    first.push(label("  concurrency max "));
    first.push(value(count_reading(&r(
        MetricName::ConcurrentExecutions,
        Stat::Maximum,
    ))));
    let mut lines = vec![Line::from(first)];
    if refused {
        lines.push(Line::from(Span::styled(
            "percentiles unavailable from this endpoint (it refuses extended statistics): avg and max shown instead",
            t.style(Role::Warning),
        )));
    }
    let alarms = match &data.alarms {
        Ok(a) if a.is_empty() => Line::from(label("no alarm watches this function")),
        Ok(a) => {
            let mut spans = vec![label("alarms: ")];
            for (i, alarm) in a.iter().enumerate() {
                if i > 0 {
                    spans.push(label(" · "));
                }
                let role = if alarm.is_firing() {
                    Role::Error
                } else if alarm.state == crate::domain::alarm::AlarmState::Ok {
                    Role::Ok
                } else {
                    Role::Warning
                };
                spans.push(Span::styled(
                    format!("{} {}", sanitize(&alarm.name), alarm.state.as_str()),
                    t.style(role),
                ));
            }
            Line::from(spans)
        }
        Err(e) => Line::from(Span::styled(
            format!("alarms unavailable: {} (thresholds not drawn)", sanitize(e)),
            t.style(Role::Warning),
        )),
    };
    lines.push(alarms);
    lines
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(pane) = app.metrics.as_ref() else {
        return;
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::BorderFocused))
        .title(title(app, pane));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let Some(data) = pane.remote.data.as_ref() else {
        let (text, role) = match pane.remote.error() {
            Some(e) => (
                format!("Metrics could not be read: {}. r retries.", sanitize(e)),
                Role::Error,
            ),
            None => (
                format!("{} loading metrics…", super::format::spinner(app.now)),
                Role::Info,
            ),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, t.style(role))).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    };
    let head = summary(app, pane, data);
    let head_height = u16::try_from(head.len())
        .unwrap_or(u16::MAX)
        .min(inner.height);
    let [top, rest] =
        Layout::vertical([Constraint::Length(head_height), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(head).wrap(Wrap { trim: true }), top);
    let compare = data
        .batch
        .results
        .iter()
        .any(|r| r.series.key.qualifier.is_some())
        .then(|| pane.comparison())
        .flatten();
    let mut charts = specs(pane, data, compare.as_ref());
    let missing: Vec<&str> = [
        MetricName::AsyncEventAge,
        MetricName::AsyncEventsDropped,
        MetricName::DeadLetterErrors,
        MetricName::DestinationDeliveryFailures,
        MetricName::IteratorAge,
        MetricName::ProvisionedConcurrencySpilloverInvocations,
    ]
    .into_iter()
    .filter(|m| !charts.iter().any(|c| c.title.starts_with(m.as_str())))
    .map(MetricName::as_str)
    .collect();
    let mut rest = rest;
    if compare.is_none() && !missing.is_empty() && rest.height > MIN_CHART_HEIGHT {
        let [charts_area, foot] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(rest);
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("no datapoints in range: {}", missing.join(", ")),
                t.style(Role::Muted),
            )),
            foot,
        );
        rest = charts_area;
    }
    if rest.height < 3 {
        return;
    }
    let columns: u16 = if rest.width >= 100 { 2 } else { 1 };
    let fit_rows = (rest.height / MIN_CHART_HEIGHT).max(1);
    let per_screen = usize::from(fit_rows * columns);
    let first = pane.scroll.min(charts.len().saturating_sub(per_screen));
    let shown: Vec<ChartSpec> = charts.drain(..).skip(first).take(per_screen).collect();
    let rows = shown.len().div_ceil(usize::from(columns)).max(1);
    let row_areas = Layout::vertical(vec![Constraint::Fill(1); rows]).split(rest);
    for (i, spec) in shown.iter().enumerate() {
        let row = row_areas[i / usize::from(columns)];
        let cells = Layout::horizontal(vec![Constraint::Fill(1); usize::from(columns)]).split(row);
        draw_chart(
            app,
            frame,
            cells[i % usize::from(columns)],
            spec,
            &data.batch,
            pane.anchor,
        );
    }
}
