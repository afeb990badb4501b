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
