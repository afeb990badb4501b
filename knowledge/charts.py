"""Progress charts of a commitment: one horizontal bar per hito, as PNG bytes, for a phone.

Pure and telegram-free: the caller passes the labels already translated, so the same function
serves the bot, an export or a report.  matplotlib is imported lazily with the Agg backend
(no display, safe in threads), so importing this module costs nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass

from knowledge import clock
from knowledge.compose import shorten
from knowledge.i18n import format_partial_date
from knowledge.progress import hito_progress, hito_state, is_overdue
from knowledge.schema import Commitment, StatusDef

WIDTH_INCHES, DPI = 4.8, 150  # 720 px wide
TITLE_PT, TEXT_PT, SMALL_PT = 13, 12, 11  # >= 11 px each on a 360-px-wide screen
SUBJECT_WIDTH = 44  # characters of a hito's subject on its row
_UNKNOWN_COLOUR, _OVERDUE_COLOUR = "#90a4ae", "#c62828"

_STATUS_COLOURS = {
    "completado": "#2e7d32",
    "en_progreso_sustancial": "#7cb342",
    "en_progreso": "#fbc02d",
    "no_iniciado": "#e57373",
    "sin_informacion": "#9e9e9e",
}


@dataclass(frozen=True, slots=True)
class HitoBar:
    """One bar: the hito's label (number and short subject), its progress (None = unknown), its
    status key, its end date as written for the reader, and whether it is overdue."""

    label: str
    progress: int | None
    status: str | None
    end: str = ""
    overdue: bool = False


def commitment_bars(commitment: Commitment, statuses: list[StatusDef], hito_label: str = "{n}. {subject}",
                    *, locale: str = "es", today: dt.date | None = None, end_label: str = "{date}",
                    subject_width: int = SUBJECT_WIDTH) -> list[HitoBar]:
    """Bars for every hito. `hito_label` formats {n} and {subject} (the hito's text cut between
    words); `end_label` formats {date} (its end date); overdue by the rule of knowledge.progress."""
    today = today or clock.today()
    return [HitoBar(hito_label.format(n=h.number, subject=shorten(h.text, subject_width)),
                    hito_progress(h, statuses), hito_state(h)[0],
                    end_label.format(date=format_partial_date(h.end, locale)) if h.end else "",
                    is_overdue(h, statuses, today))
            for h in sorted(commitment.hitos, key=lambda h: h.number)]


def chart_fingerprint(commitment: Commitment, today: dt.date | None = None) -> tuple:
    """What the chart depends on (statuses, and the day: a hito becomes overdue at midnight);
    a cache keyed on it is invalid as soon as either changes."""
    return (commitment.number, today or clock.today(),
            tuple((h.number, *hito_state(h)) for h in commitment.hitos))


def progress_figure(title: str, bars: list[HitoBar], axis_label: str, unknown_label: str,
                    legend: Mapping[str, str] | None = None, overdue_label: str = "atrasado"):
    """The chart as a matplotlib Figure, drawn for a phone: 720 px wide (a 360-px screen shows it
    at half size, every text still >= 11 px), each hito on its own row (its number and subject,
    then its end date and, in red, the overdue mark, then its bar), and the status colours
    explained below."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    rows = max(len(bars), 1)
    drawn = {b.status for b in bars if b.progress}  # colours a reader can see
    legend = {key: name for key, name in (legend or {}).items() if key in drawn}
    legend_rows = (len(legend) + 1) // 2
    height = 0.75 + 0.9 * rows + (0.3 * legend_rows + 0.35 if legend else 0)
    fig = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    bottom = (0.3 * legend_rows + 0.55) / height if legend else 0.5 / height
    ax = fig.add_axes((0.03, bottom, 0.8, 1 - bottom - 0.45 / height))
    for i, bar in enumerate(bars):
        y = -i
        colour = _STATUS_COLOURS.get(bar.status or "", _UNKNOWN_COLOUR)
        ax.barh(y, 100, height=0.3, color="#eceff1")  # the track: 100 %
        ax.barh(y, bar.progress or 0, height=0.3, color=colour,
                edgecolor=_OVERDUE_COLOUR if bar.overdue else colour, linewidth=1.5)
        ax.text(0, y + 0.5, bar.label, fontsize=TEXT_PT, va="bottom", ha="left")
        ax.text(0, y + 0.22, bar.end, fontsize=SMALL_PT, va="bottom", ha="left", color="#455a64")
        if bar.overdue:
            ax.text(100, y + 0.22, "⚠ " + overdue_label, fontsize=SMALL_PT, va="bottom", ha="right",
                    color=_OVERDUE_COLOUR, fontweight="bold")
        figure = f"{bar.progress} %" if bar.progress is not None else unknown_label
        ax.text(101.5, y, figure, fontsize=SMALL_PT, va="center", ha="left")
    ax.set_xlim(0, 100)
    ax.set_ylim(-rows + 0.5, 0.85)
    ax.set_yticks([])
    ax.set_xticks([0, 50, 100], ["0", "50", "100 %"], fontsize=SMALL_PT)
    ax.set_xlabel(axis_label, fontsize=SMALL_PT)
    ax.spines[["top", "right", "left"]].set_visible(False)
    fig.suptitle(title, fontsize=TITLE_PT, x=0.03, ha="left", y=1 - 0.12 / height, va="top")
    if legend:
        handles = [Patch(color=_STATUS_COLOURS.get(key, _UNKNOWN_COLOUR), label=name) for key, name in legend.items()]
        fig.legend(handles=handles, loc="lower left", ncol=2, fontsize=SMALL_PT, frameon=False,
                   bbox_to_anchor=(0.0, 0.0), handlelength=1.2, columnspacing=1.0)
    return fig


def render_progress_chart(title: str, bars: list[HitoBar], axis_label: str, unknown_label: str,
                          legend: Mapping[str, str] | None = None, overdue_label: str = "atrasado") -> bytes:
    """The chart (progress_figure) as PNG bytes."""
    fig = progress_figure(title, bars, axis_label, unknown_label, legend, overdue_label)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
