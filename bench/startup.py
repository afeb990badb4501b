"""Bench: how long `hitobot run` takes to be ready, first start and restart, on SQLite.

Run from the repo root: `.venv/bin/python bench/startup.py [--runs 5]`.

"Ready" is what a person sees: the Bot API emulator (tests/emulator) has received the three
setMyCommands calls that end post_init, so the next message gets an answer.  The clock starts
when the process is launched.  First start: a new, empty SQLite database each run (migrate and
load the shipped knowledge); restart: the same database again.  Median of `--runs` of each.

Baseline, measured in the same run the same way: a bare `python -c "import telegram, sqlalchemy"`
(launch to exit), the least any bot built on these libraries can take.  The machine is shared:
compare the ratio to the baseline, and the CPU seconds, across runs rather than wall seconds.

Budgets (issue 13): first start <= 3 s, restart <= 2 s (median of 5).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.emulator import EmulatorServer  # noqa: E402

TOKEN = "123456:BENCH-synthetic-token"
FIRST_START_BUDGET_S = 3.0
RESTART_BUDGET_S = 2.0


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds a running process has used, with those of the children it has waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def bare_imports(runs: int) -> dict[str, list[float]]:
    """Seconds from launch to exit of `python -c "import telegram, sqlalchemy"`, and its CPU."""
    times: dict[str, list[float]] = {"wall": [], "cpu": []}
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import telegram, sqlalchemy"], check=True)
        times["wall"].append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times["cpu"].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return times


def bot_starts(runs: int) -> dict[str, list[float]]:
    """For each run: a new empty SQLite database, then `hitobot run` twice on it (first start,
    restart); seconds from launch to the command menu being set, and the CPU it took."""
    results: dict[str, list[float]] = {"first": [], "restart": [], "first_cpu": [], "restart_cpu": []}
    hitobot = str(Path(sys.executable).with_name("hitobot"))
    with EmulatorServer() as server:
        client = server.client()
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                env = {**os.environ, "TELEGRAM_TOKEN": TOKEN, "TELEGRAM_BASE_URL": server.base_url,
                       "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "LOG_LEVEL": "WARNING"}
                env.pop("WEBHOOK_URL", None)
                env.pop("HEALTH_LISTEN", None)
                for label in ("first", "restart"):
                    client.reset()
                    server.emulator.state.commands.clear()
                    start = time.perf_counter()
                    proc = subprocess.Popen([hitobot, "run", "--poll-timeout", "1"], cwd=tmp, env=env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    try:
                        client.wait_for(lambda: len(client.commands()) >= 3, timeout=60, interval=0.005,
                                        what="the bot to be ready")
                        results[label].append(time.perf_counter() - start)
                        results[f"{label}_cpu"].append(process_cpu_seconds(proc.pid))
                    finally:
                        proc.terminate()
                        proc.wait(20)
        client.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bare = bare_imports(args.runs)
    baseline, baseline_cpu = statistics.median(bare["wall"]), statistics.median(bare["cpu"])
    starts = bot_starts(args.runs)
    first, restart = statistics.median(starts["first"]), statistics.median(starts["restart"])
    print(f"hitobot start-up on SQLite (median of {args.runs}; launch to setMyCommands at the emulator)")
    rows = [
        ("baseline: python -c 'import telegram, sqlalchemy'", baseline, None),
        ("  CPU it took", baseline_cpu, None),
        ("first start, empty database (migrate + load)", first, FIRST_START_BUDGET_S),
        ("  CPU it took", statistics.median(starts["first_cpu"]), None),
        ("restart", restart, RESTART_BUDGET_S),
        ("  CPU it took", statistics.median(starts["restart_cpu"]), None),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'seconds':>8}  {'budget':>7}  {'/budget':>8}  {'/baseline':>9}")
    for name, value, budget in rows:
        over = f"{value / budget:.2f}x" if budget else ""
        ratio = "" if name.startswith(" ") else f"{value / baseline:.1f}x"
        print(f"{name.ljust(width)}  {value:>8.2f}  {(f'{budget:.0f} s' if budget else ''):>7}  {over:>8}  "
              f"{ratio:>9}")
    print("runs: first " + ", ".join(f"{x:.2f}" for x in starts["first"])
          + " s; restart " + ", ".join(f"{x:.2f}" for x in starts["restart"]) + " s")
    met = first <= FIRST_START_BUDGET_S and restart <= RESTART_BUDGET_S
    print("budgets (first start <= 3 s, restart <= 2 s):", "met" if met else "NOT met")


if __name__ == "__main__":
    main()
