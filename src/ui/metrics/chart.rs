//! One chart: its frame and legend, bars or lines, thresholds and the anchor, axes, or why it is empty.

#[allow(clippy::wildcard_imports)]
use super::*;

fn time_label(t: DateTime<Utc>, span_s: i64) -> String {
    if span_s > 24 * 3600 {
        t.format("%m-%d %H:%M").to_string()
    } else {
        t.format("%H:%M").to_string()
    }
}

pub(super) fn draw_chart(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    spec: &ChartSpec,
    batch: &MetricsBatch,
    anchor: Option<DateTime<Utc>>,
) {
    let t = &app.theme;
    let span_s = (batch.end - batch.start).num_seconds().max(1);
    let x_max = span_s as f64;
    let block = chart_block(t, spec);
    let data_max = spec
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .chain(spec.marks.iter().map(|m| m.1))
        .fold(0.0_f64, f64::max);
    let has_points = spec.lines.iter().any(|l| !l.points.is_empty());
    let all_zero = spec
        .lines
        .iter()
        .all(|l| l.points.iter().all(|p| p.1 == 0.0));
    if !has_points || all_zero {
        draw_empty_chart(t, frame, area, block, spec, has_points);
        return;
    }
    let (y_max, y_labels) = y_axis(spec, data_max);
    let marks: Vec<(Vec<(f64, f64)>, Role)> = spec
        .marks
        .iter()
        .map(|(_, v, role)| (vec![(0.0, *v), (x_max, *v)], *role))
        .collect();
    let anchor_line = anchor
        .map(|at| (at - batch.start).num_seconds() as f64)
        .filter(|x| (0.0..=x_max).contains(x))
        .map(|x| vec![(x, 0.0), (x, y_max)]);
    let bars = bar_points(spec, batch);
    let mut datasets: Vec<Dataset> = Vec::new();
    for (l, bar) in spec.lines.iter().zip(&bars) {
        let dataset = if spec.bars {
            Dataset::default()
                .marker(Marker::HalfBlock)
                .graph_type(GraphType::Bar)
                .data(bar)
        } else {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .data(&l.points)
        };
        datasets.push(dataset.style(t.style(l.role)));
    }
    for (points, role) in &marks {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.style(*role))
                .data(points),
        );
    }
    if let Some(points) = &anchor_line {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.style(Role::Highlight))
                .data(points),
        );
    }
    let mid = batch.start + chrono::TimeDelta::seconds(span_s / 2);
    let muted: Style = t.style(Role::Muted);
    let chart = Chart::new(datasets)
        .block(block)
        .legend_position(None)
        .x_axis(Axis::default().style(muted).bounds([0.0, x_max]).labels([
            time_label(batch.start, span_s),
            time_label(mid, span_s),
            time_label(batch.end, span_s),
        ]))
        .y_axis(
            Axis::default()
                .style(muted)
                .bounds([0.0, y_max])
                .labels(y_labels),
        );
    frame.render_widget(chart, area);
    if let Some(note) = &spec.note {
        let inner = Rect {
            x: area.x + 1,
            y: area.y + area.height.saturating_sub(1),
            width: area.width.saturating_sub(2),
            height: u16::from(area.height > 0),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(format!(" {note} "), t.style(Role::Warning))),
            inner,
        );
    }
}

/// A chart with nothing to draw says why: the note, "none in range" (fetched, zero in every period:
/// nothing happened), or "no datapoints in range".
fn draw_empty_chart(
    t: &Theme,
    frame: &mut Frame,
    area: Rect,
    block: Block<'_>,
    spec: &ChartSpec,
    has_points: bool,
) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = match &spec.note {
        Some(note) => note.clone(),
        // Fetched, and zero in every period: nothing happened (not "no data").
        None if has_points => "none in range".to_string(),
        None => "no datapoints in range".to_string(),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(text, t.style(Role::Muted))).wrap(Wrap { trim: true }),
        inner,
    );
}

/// The chart's frame, titled with its name, its lines' labels and its marks' labels in their colours.
fn chart_block(t: &Theme, spec: &ChartSpec) -> Block<'static> {
    let mut title = vec![Span::styled(
        format!(" {} ", spec.title),
        t.style(Role::Title),
    )];
    for l in &spec.lines {
        title.push(Span::styled(format!("━{} ", l.label), t.style(l.role)));
    }
    for (label, _, role) in &spec.marks {
        title.push(Span::styled(format!("┄{label} "), t.style(*role)));
    }
    Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::Border))
        .title(Line::from(title))
}

/// The y axis's top and labels: milliseconds with headroom, or whole counts in round steps.
fn y_axis(spec: &ChartSpec, data_max: f64) -> (f64, Vec<String>) {
    if spec.millis {
        let top = if data_max <= 0.0 { 1.0 } else { data_max * 1.1 };
        (top, vec![human_ms(0.0), human_ms(top / 2.0), human_ms(top)])
    } else {
        let (top, step) = count_axis(data_max);
        let steps = (top / step).round().clamp(1.0, 10.0) as u8;
        let labels = (0..=steps)
            .map(|i| human_count(f64::from(i) * step))
            .collect();
        (top, labels)
    }
}

/// Each line's points as bars: a bar covers its whole period (a point every half period, so no column
/// between two bars is left empty); a zero bar is nothing. Empty when the chart has no bars.
fn bar_points(spec: &ChartSpec, batch: &MetricsBatch) -> Vec<Vec<(f64, f64)>> {
    let period = f64::from(batch.period_s.max(1));
    spec.lines
        .iter()
        .map(|l| {
            l.points
                .iter()
                .filter(|p| spec.bars && p.1 > 0.0)
                .flat_map(|&(x, y)| [(x, y), (x + period / 2.0, y)])
                .collect()
        })
        .collect()
}
