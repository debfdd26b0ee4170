"""Server-side SVG charts: no chart library, no script, nothing inline to allow.

The CSP forbids inline styles, so the SVG carries classes (styled by app.css,
which also follows the dark theme and sizes the labels for a phone) and
presentation attributes only.
"""

from datetime import datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
# Room for labels drawn up to 22 units high (app.css, on a phone).
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 60, 12, 24, 34


def day(moment: datetime) -> str:
    """Write a date as a shopkeeper reads it: 8 Dec 2026."""
    return f"{moment.day} {moment:%b %Y}"


def stock_level_svg(
    points: list[tuple[datetime, int]], title: str, reorder_level: int = 0
) -> Markup:
    """Draw the stock level over time as a step line, oldest point first.

    ``points`` are (time, level after the change). A dashed line marks the
    reorder level. With no points there is nothing to draw and the chart says so.
    """
    label = escape(title)
    if not points:
        return Markup(
            '<svg viewBox="0 0 {w} 40" role="img" aria-labelledby="chart-title">'
            '<title id="chart-title">{t}: no movements yet</title>'
            '<text x="0" y="28">No stock movements yet.</text></svg>'
        ).format(w=WIDTH, t=label)
    times = [moment.timestamp() for moment, _ in points]
    levels = [level for _, level in points]
    first, last = times[0], times[-1]
    top = max(max(levels), reorder_level, 1)
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def x(moment: float) -> float:
        if last == first:
            return MARGIN_LEFT + plot_width / 2
        return MARGIN_LEFT + (moment - first) / (last - first) * plot_width

    def y(level: int) -> float:
        return MARGIN_TOP + plot_height - max(level, 0) / top * plot_height

    # A step line: the level holds until the next movement changes it.
    path = [f"M{x(times[0]):.1f},{y(levels[0]):.1f}"]
    for moment, level in zip(times[1:], levels[1:], strict=True):
        path.append(f"H{x(moment):.1f}V{y(level):.1f}")
    if len(points) == 1:
        path.append("h1")
    bottom = MARGIN_TOP + plot_height
    return Markup(
        '<svg viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title">'
        '<title id="chart-title">{t}</title>'
        '<line class="axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"/>'
        '<line class="axis" x1="{l}" y1="{mt}" x2="{l}" y2="{b}"/>'
        "{marker}"
        '<text x="{tx}" y="{ty_top}" text-anchor="end">{top}</text>'
        '<text x="{tx}" y="{b}" text-anchor="end">0</text>'
        '<text x="{l}" y="{h_text}">{start}</text>'
        '<text x="{r}" y="{h_text}" text-anchor="end">{end}</text>'
        '<path class="line" d="{d}"/>'
        "</svg>"
    ).format(
        w=WIDTH,
        h=HEIGHT,
        t=label,
        l=MARGIN_LEFT,
        r=WIDTH - MARGIN_RIGHT,
        b=bottom,
        mt=MARGIN_TOP,
        marker=_reorder_marker(y(reorder_level), reorder_level)
        if reorder_level > 0
        else "",
        tx=MARGIN_LEFT - 8,
        ty_top=MARGIN_TOP + 8,
        top=top,
        h_text=HEIGHT - 4,
        start=day(points[0][0]),
        end=day(points[-1][0]),
        d=" ".join(path),
    )


def _reorder_marker(level_y: float, reorder_level: int) -> Markup:
    """Draw the reorder level as a dashed line, labelled at its right end."""
    return Markup(
        '<line class="reorder" x1="{l}" y1="{y:.1f}" x2="{r}" y2="{y:.1f}"/>'
        '<text class="reorder-label" x="{r}" y="{text_y:.1f}" text-anchor="end">'
        "reorder level {level}</text>"
    ).format(
        l=MARGIN_LEFT,
        r=WIDTH - MARGIN_RIGHT,
        y=level_y,
        # Above the line, but never above the plot, where it would be cut off.
        text_y=max(level_y - 6, MARGIN_TOP + 18),
        level=reorder_level,
    )
