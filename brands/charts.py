"""A server-rendered SVG chart of a campaign over time (no JavaScript, no CDN): bars for the
reviews linked each day, a line for the running total of helpful votes on them."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

WIDTH, HEIGHT = 640, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 36, 40, 14, 28
BAR = "#ff6b81"
LINE = "#1a5fd6"


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000):
        if value <= step:
            return step
    return value


def timeline_svg(series: list[dict]) -> SafeString:
    """`series` as returned by selectors.timeline. Accessible: a title, a description with the
    totals, and the numbers themselves in the page's table."""
    days = len(series) or 1
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    max_reviews = _nice_max(max((d["reviews"] for d in series), default=0) or 1)
    max_helpful = _nice_max(max((d["total_helpful"] for d in series), default=0) or 1)
    step = inner_w / days
    bar_w = min(max(step * 0.7, 1.0), 18.0)
    parts = []
    for tick in (0, 0.5, 1):
        y = PAD_TOP + inner_h * (1 - tick)
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" stroke="#ececec"/>'
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{BAR}">'
            f"{max_reviews * tick:g}</text>"
            f'<text x="{WIDTH - PAD_RIGHT + 6}" y="{y + 4:.1f}" font-size="11" fill="{LINE}">{max_helpful * tick:g}</text>'
        )
    points = []
    for i, day in enumerate(series):
        x = PAD_LEFT + i * step
        if day["reviews"]:
            reviews = ngettext("%(count)s review", "%(count)s reviews", day["reviews"]) % {"count": day["reviews"]}
            h = inner_h * day["reviews"] / max_reviews
            parts.append(
                f'<rect x="{x + (step - bar_w) / 2:.1f}" y="{PAD_TOP + inner_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" rx="2" fill="{BAR}"><title>{escape(str(day["date"]))}: {escape(reviews)}</title></rect>'
            )
        points.append(f"{x + step / 2:.1f},{PAD_TOP + inner_h * (1 - day['total_helpful'] / max_helpful):.1f}")
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    if series:
        first, last = escape(str(series[0]["date"])), escape(str(series[-1]["date"]))
        parts.append(f'<text x="{PAD_LEFT}" y="{HEIGHT - 8}" font-size="11" fill="#5f6368">{first}</text>')
        parts.append(
            f'<text x="{WIDTH - PAD_RIGHT}" y="{HEIGHT - 8}" text-anchor="end" font-size="11" fill="#5f6368">{last}</text>'
        )
    total_reviews = series[-1]["total_reviews"] if series else 0
    total_helpful = series[-1]["total_helpful"] if series else 0
    description = gettext(
        "%(reviews)s linked reviews and %(helpful)s helpful votes over %(days)s days. "
        "Bars: reviews per day (left axis). Line: helpful votes so far (right axis)."
    ) % {"reviews": total_reviews, "helpful": total_helpful, "days": len(series)}
    svg = (
        f'<svg class="campaign-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-title">{escape(gettext("Reviews and helpful votes over time"))}</title>'
        f'<desc id="chart-desc">{escape(description)}</desc>' + "".join(parts) + "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every interpolated value is a number or escaped  # nosec B308 B703
