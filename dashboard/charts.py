"""Server-side SVG charts: no chart library, no script, nothing inline to allow.

The CSP forbids inline styles, so the SVG carries classes (styled by app.css,
which also follows the dark theme) and presentation attributes only.
"""

from datetime import datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 200
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 12, 12, 28


def stock_level_svg(points: list[tuple[datetime, int]], title: str) -> Markup:
    """Draw the stock level over time as a step line, oldest point first.

    ``points`` are (time, level after the change). With no points there is
    nothing to draw and the chart says so.
    """
    label = escape(title)
    if not points:
        return Markup(
            '<svg viewBox="0 0 {w} 40" role="img" aria-labelledby="chart-title">'
            '<title id="chart-title">{t}: no movements yet</title>'
            '<text x="0" y="24">No stock movements yet.</text></svg>'
        ).format(w=WIDTH, t=label)
    times = [moment.timestamp() for moment, _ in points]
    levels = [level for _, level in points]
    first, last = times[0], times[-1]
    top = max(max(levels), 1)
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
        '<text x="{tx}" y="{ty_top}" text-anchor="end">{top}</text>'
        '<text x="{tx}" y="{ty_zero}" text-anchor="end">0</text>'
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
        tx=MARGIN_LEFT - 6,
        ty_top=MARGIN_TOP + 10,
        ty_zero=bottom,
        top=top,
        h_text=HEIGHT - 6,
        start=points[0][0].strftime("%Y-%m-%d"),
        end=points[-1][0].strftime("%Y-%m-%d"),
        d=" ".join(path),
    )
