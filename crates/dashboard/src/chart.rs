//! The deliveries chart: a small bar chart as inline SVG, drawn on the
//! server so the page needs no chart library and no JavaScript.

use std::fmt::Write as _;

/// Drawing area in SVG units; the element scales to its box.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 96.0;
/// Room under the bars for the time labels.
const AXIS: f64 = 16.0;

/// Bars of deliveries per minute, oldest left, the current minute right.
/// Each bar's tooltip says how long ago and how many.
pub fn deliveries_svg(per_minute: &[u64]) -> String {
    let peak = per_minute.iter().copied().max().unwrap_or(0);
    let total: u64 = per_minute.iter().sum();
    let minutes = per_minute.len().max(1);
    let slot = WIDTH / minutes as f64;
    let plot = HEIGHT - AXIS;

    let hours = minutes / 60;
    let label = format!(
        "Deliveries per minute over the last {hours} hours: \
         {total} in all, at most {peak} in one minute"
    );

    let mut svg = String::with_capacity(64 * minutes);
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" "#
    );
    let _ = write!(svg, r#"role="img" aria-label="{label}">"#);
    // A base line, and a faint line at the peak with its value.
    let _ = write!(
        svg,
        r#"<line class="axis" x1="0" y1="{plot}" x2="{WIDTH}" y2="{plot}"/>"#
    );
    let _ = write!(
        svg,
        r#"<line class="grid" x1="0" y1="1" x2="{WIDTH}" y2="1"/>"#
    );

    for (index, &count) in per_minute.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let height = (count as f64 / peak as f64 * (plot - 2.0)).max(1.5);
        let x = index as f64 * slot;
        let y = plot - height;
        let w = (slot - 1.0).max(1.0);
        let when = match minutes - 1 - index {
            0 => "this minute".to_owned(),
            1 => "1 minute ago".to_owned(),
            n => format!("{n} minutes ago"),
        };
        let noun = if count == 1 { "delivery" } else { "deliveries" };
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{height:.1}">"#
        );
        let _ = write!(svg, "<title>{when}: {count} {noun}</title></rect>");
    }

    // Time labels under the bars, and the peak's value by its line.
    let label_y = HEIGHT - 3.0;
    let mid = WIDTH / 2.0;
    let half = half_label(minutes);
    let _ = write!(svg, r#"<text x="0" y="{label_y}">{hours} h ago</text>"#);
    let _ = write!(
        svg,
        r#"<text x="{mid}" y="{label_y}" text-anchor="middle">{half}</text>"#
    );
    let _ = write!(
        svg,
        r#"<text x="{WIDTH}" y="{label_y}" text-anchor="end">now</text>"#
    );
    let _ = write!(
        svg,
        r#"<text class="peak" x="{WIDTH}" y="11" text-anchor="end">peak {peak}/min</text></svg>"#
    );
    svg
}

fn half_label(minutes: usize) -> String {
    let half = minutes / 2;
    if half.is_multiple_of(60) {
        format!("{} h ago", half / 60)
    } else {
        format!("{} h {} min ago", half / 60, half % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bar_per_busy_minute_with_its_count_in_the_tooltip() {
        let mut minutes = vec![0; 180];
        minutes[179] = 7;
        minutes[0] = 1;

        let svg = deliveries_svg(&minutes);

        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("<title>this minute: 7 deliveries</title>"));
        assert!(svg.contains("<title>179 minutes ago: 1 delivery</title>"));
        assert!(svg.contains("peak 7/min"));
    }

    #[test]
    fn an_idle_chart_draws_no_bars() {
        let svg = deliveries_svg(&[0; 180]);

        assert!(!svg.contains("<rect"));
        assert!(svg.contains("1 h 30 min ago"));
    }
}
