"""Progress charts of a commitment: one horizontal bar per hito, as PNG bytes.

Pure and telegram-free: the caller passes the labels already translated, so the same function
serves the bot, an export or a report.  matplotlib is imported lazily with the Agg backend
(no display, safe in threads), so importing this module costs nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from knowledge.progress import hito_progress, hito_state
from knowledge.schema import Commitment, StatusDef

_STATUS_COLOURS = {
    "completado": "#2e7d32",
    "en_progreso_sustancial": "#7cb342",
    "en_progreso": "#fbc02d",
    "no_iniciado": "#e57373",
    "sin_informacion": "#9e9e9e",
}


@dataclass(frozen=True, slots=True)
class HitoBar:
    """One bar: the hito's label, its progress (None = unknown) and its status key."""

    label: str
    progress: int | None
    status: str | None


def commitment_bars(commitment: Commitment, statuses: list[StatusDef], hito_label: str) -> list[HitoBar]:
    """Bars for every hito; `hito_label` is a format string like "Hito {n}"."""
    return [HitoBar(hito_label.format(n=h.number), hito_progress(h, statuses), hito_state(h)[0])
            for h in sorted(commitment.hitos, key=lambda h: h.number)]


def chart_fingerprint(commitment: Commitment) -> tuple:
    """What the chart depends on; a cache keyed on it is invalid as soon as a status changes."""
    return (commitment.number, tuple((h.number, *hito_state(h)) for h in commitment.hitos))


def render_progress_chart(title: str, bars: list[HitoBar], axis_label: str, unknown_label: str) -> bytes:
    """A PNG of horizontal progress bars (0-100 %); unknown progress is drawn as a grey stub."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    height = 1.2 + 0.45 * max(len(bars), 1)
    fig = Figure(figsize=(7, height), dpi=110)
    ax = fig.subplots()
    labels = [b.label for b in bars][::-1]
    values = [b.progress or 0 for b in bars][::-1]
    colours = [_STATUS_COLOURS.get(b.status or "", "#90a4ae") for b in bars][::-1]
    ax.barh(labels, values, color=colours, height=0.6)
    for y, bar in enumerate(bars[::-1]):
        text = f"{bar.progress} %" if bar.progress is not None else unknown_label
        ax.text(min((bar.progress or 0) + 2, 88), y, text, va="center", fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xlabel(axis_label)
    ax.set_title(title, fontsize=11, loc="left", wrap=True)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
