"""The progress chart is a real PNG, drawn per hito, and the cache follows the data."""

from __future__ import annotations

from knowledge.charts import chart_fingerprint, commitment_bars, render_progress_chart
from knowledge.schema import CurrentStatus
from tests.bot.fakes import synthetic_data


def test_chart_is_a_png_and_bars_follow_statuses():
    data = synthetic_data(commitments=1, hitos=5)
    commitment = data.plans[0].commitments[0]
    bars = commitment_bars(commitment, data.statuses, "Hito {n}")
    assert [b.label for b in bars] == [f"Hito {n}" for n in range(1, 6)]
    assert {b.progress for b in bars} <= {0, 50, 100}
    png = render_progress_chart("Compromiso 1", bars, "Avance (%)", "sin dato")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000


def test_fingerprint_changes_when_a_status_changes():
    commitment = synthetic_data(commitments=1).plans[0].commitments[0]
    before = chart_fingerprint(commitment)
    commitment.hitos[0].current = CurrentStatus(status="completado", progress=100)
    assert chart_fingerprint(commitment) != before


def test_a_chart_shows_each_hitos_subject_end_overdue_mark_and_a_colour_legend_readable_on_a_phone():
    """What a person sees on a 360-pixel-wide phone: per bar the hito's number and subject, its end
    date and, only on the overdue one, the mark; below, what each colour means; no text cut off
    the picture and none smaller than 9 px at that width. (Synthetic hitos.)"""
    import datetime as dt

    from knowledge.charts import progress_figure
    from knowledge.schema import PartialDate

    data = synthetic_data(commitments=1, hitos=3)
    commitment = data.plans[0].commitments[0]
    long_subject = ("Fortalecer a las delegaciones departamentales sintéticas por medio de la contratación "
                    "de personal en los municipios priorizados")
    commitment.hitos[0].text = long_subject
    ends = ["2025-06", "2099-12", "2025-03-31"]
    for hito, end in zip(commitment.hitos, ends, strict=True):
        hito.end = PartialDate.parse(end)
    commitment.hitos[0].current = CurrentStatus(status="en_progreso", progress=40)
    commitment.hitos[2].current = CurrentStatus(status="completado", progress=100)  # past its end, but done
    names = {s.key: s.name_es for s in data.statuses}
    bars = commitment_bars(commitment, data.statuses, "{n}. {subject}", today=dt.date(2026, 12, 2),
                           end_label="fin: {date}")
    fig = progress_figure("Compromiso 1: avance por hito", bars, "Avance (%)", "sin dato", names, "atrasado")
    fig.canvas.draw()
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_fontsize"))
             if t.get_visible() and t.get_text()]
    shown = [t.get_text() for t in texts]

    first = next(s for s in shown if s.startswith("1. "))
    assert first.endswith("…") and long_subject.startswith(first[3:-1]) and long_subject[len(first) - 4] == " "
    assert {"2. Hito sintético 1.2", "3. Hito sintético 1.3"} <= set(shown)
    assert {"fin: junio de 2025", "fin: diciembre de 2099", "fin: 31 de marzo de 2025"} <= set(shown)
    assert sum("atrasado" in s for s in shown) == 1  # hito 1: past its end and not completed
    assert {names["en_progreso"], names["completado"]} <= set(shown)  # the legend of the colours drawn

    width_px = fig.get_figwidth() * fig.dpi
    bounds = fig.bbox
    for text in texts:
        box = text.get_window_extent()
        assert box.x0 >= bounds.x0 - 1 and box.x1 <= bounds.x1 + 1, f"{text.get_text()!r} runs off the picture"
        on_phone = text.get_fontsize() * fig.dpi / 72 * 360 / width_px
        assert on_phone >= 9, f"{text.get_text()!r} is {on_phone:.1f} px high on a 360-px screen"
