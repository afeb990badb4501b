"""Bench: how many updates per second the whole bot Application handles, and its memory.

Run from the repo root: `.venv/bin/python bench/throughput.py [--updates 3000]`.
(Start-up time: bench/startup.py.)

1. Throughput: free-text questions go through the full Application (update queue, flood
   control, handlers, Knowledge.ask, rendering, sendMessage) on an in-process fake transport
   (tests.emulator.local_request.LocalRequest: no sockets), against a bare echo bot measured
   in the same run the same way.  The bot runs on its database, as `hitobot run` does (the
   people's stored choices, the conversations' state), a new one for every run: each starts as
   after a deploy, with 2,000 people it has not seen.  The rate limiter is off in both:
   Telegram's own 30 msg/s would otherwise be what is measured.  The core keeps no memo: every
   question is read afresh.  Budgets (issue 13): >= 500 updates/s and >= 0.3x the echo bot.
2. Resident memory of a process holding the Application with a SYNTHETIC knowledge base 100x
   the shipped one (generated here, never shipped).  Budget <= 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TOKEN = "123456:BENCH-synthetic-token"
USERS = 2000  # distinct people, so flood control (per person) never drops a bench update


def questions() -> list[str]:
    """Everyday questions from the knowledge room's question set (or a generic fallback)."""
    path = ROOT / "tests" / "knowledge" / "questions.yaml"
    try:
        import yaml

        return [q["q"] for q in yaml.safe_load(path.read_text())["questions"]]
    except Exception:
        return [f"quien es responsable del hito {h} del compromiso {c}" for c in range(1, 7) for h in range(1, 4)]


def message_update(update_id: int, text: str) -> dict:
    user = 10_000 + update_id % USERS
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_700_000_000, "text": text,
        "from": {"id": user, "is_bot": False, "first_name": "Bench", "language_code": "es"},
        "chat": {"id": user, "type": "private"}}}


async def drive(application, request, texts: list[str]) -> float:
    """Put every update on the queue of a started Application; seconds until all answered."""
    from telegram import Update

    updates = [Update.de_json(message_update(i + 1, t), application.bot) for i, t in enumerate(texts)]
    async with application:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        request.counts.clear()
        start = time.perf_counter()
        for update in updates:
            application.update_queue.put_nowait(update)
        while request.counts.get("sendMessage", 0) < len(texts):
            await asyncio.sleep(0.001)
        elapsed = time.perf_counter() - start
        await application.stop()
    return elapsed


def echo_application(request):
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    app = ApplicationBuilder().token(TOKEN).request(request).get_updates_request(request).updater(None).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


def bench_database(server_url: str | None, tmp: str, name: str):
    """A new, empty database for one measurement: a SQLite file in tmp, or a fresh PostgreSQL
    database on server_url (dropped afterwards)."""
    from tests.conftest import fresh_database

    return fresh_database(f"hitobot_bench_{name}", Path(tmp), server_url or "")


def hitobot_application(request, knowledge, data, database):
    """The Application as `hitobot run` builds it: on its database (the people's stored
    choices, the conversations' state kept there), with its per-update log wrapper (the log
    lines themselves are filtered out by logging.disable below, their fields are computed)."""
    from bot.app import build_application
    from bot.commands.run import instrument
    from bot.config import Settings

    settings = Settings(telegram_token=TOKEN, telegram_base_url="http://127.0.0.1:9/bot",
                        database_url=database.url)
    application = build_application(settings, db=database, knowledge=knowledge, data=data, request=request,
                                     rate_limiter=None)
    instrument(application, settings)
    return application


def run_on_new_database(server_url: str | None, tmp: str, name: str, build, texts: list[str]) -> float:
    """Updates/s of the Application `build(database)` makes, on a new, migrated database: every
    run starts as a deploy does, knowing none of the people who write."""
    from storage.db import Database
    from tests.emulator.local_request import LocalRequest

    with bench_database(server_url, tmp, name) as url:
        database = Database(url)
        database.upgrade()  # the bot's own tables (preferences, participation) must exist
        try:
            request = LocalRequest(record=False)
            return len(texts) / asyncio.run(drive(build(request, database), request, texts))
        finally:
            database.dispose()


class ConstantCore:
    """A stub core that answers every question with one prepared Answer: isolates the cost of
    the bot itself (queue, flood control, handlers, rendering, sending) from Knowledge.ask."""

    def __init__(self, knowledge, question: str) -> None:
        self._knowledge = knowledge
        self._answer = knowledge.ask(question)

    def ask(self, question: str, locale: str | None = None, previous: str | None = None):
        return self._answer

    def __getattr__(self, name: str):
        return getattr(self._knowledge, name)


def bench_throughput(n: int, server_url: str | None, rounds: int = 5) -> dict[str, float]:
    """Echo bot, hitobot and hitobot with a stub core, interleaved `rounds` times (the machine is
    shared: a neighbour's burst then hits all three alike); the median rate of each."""
    import statistics

    from knowledge.core import Knowledge
    from knowledge.loader import load_data_dir
    from tests.emulator.local_request import LocalRequest

    data = load_data_dir()
    knowledge = Knowledge(data)
    pool = questions()
    texts = [pool[i % len(pool)] for i in range(n)]
    for question in pool:  # warm caches the same way for both runs
        knowledge.ask(question)
    rates: dict[str, list[float]] = {"echo": [], "bot": [], "stub": []}
    stub = ConstantCore(knowledge, pool[0])
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            request = LocalRequest(record=False)
            rates["echo"].append(n / asyncio.run(drive(echo_application(request), request, texts)))
            rates["bot"].append(run_on_new_database(
                server_url, tmp, f"throughput_bot_{r}",
                lambda request, database: hitobot_application(request, knowledge, data, database), texts))
            rates["stub"].append(run_on_new_database(
                server_url, tmp, f"throughput_stub_{r}",
                lambda request, database: hitobot_application(request, stub, data, database), texts))
    start = time.perf_counter()
    for text in texts:
        knowledge.ask(text)
    ask_ms = (time.perf_counter() - start) / n * 1000
    return {"updates": n, "rounds": rounds, "echo_per_s": statistics.median(rates["echo"]),
            "bot_per_s": statistics.median(rates["bot"]), "stub_per_s": statistics.median(rates["stub"]),
            "ratio": statistics.median(b / e for b, e in zip(rates["bot"], rates["echo"], strict=True)),
            "ask_ms": ask_ms}


# --- the synthetic 100x knowledge base ---------------------------------------------------------

def synthetic_knowledge_100x():
    """SYNTHETIC: the shipped knowledge base copied 100 times with renumbered commitments,
    renamed plans and acronyms, and generated practices.  Never shipped."""
    try:  # the knowledge room's generator, when its bench is there
        sys.path.insert(0, str(ROOT / "bench"))
        import answer_latency  # type: ignore[import-not-found]

        for name in ("synthetic_data", "synthetic_knowledge", "make_synthetic", "scaled_data"):
            if hasattr(answer_latency, name):
                return getattr(answer_latency, name)(100)
    except Exception:
        pass
    from knowledge.loader import load_data_dir
    from knowledge.refs import plan_key
    from knowledge.schema import Acronym, KnowledgeData, Practice

    base = load_data_dir()
    plans, acronyms, practices = [], [], []
    for copy in range(100):
        for plan in base.plans:
            clone = plan.model_copy(deep=True)
            clone.key = plan_key(100 + copy * len(base.plans) + base.plans.index(plan))
            clone.current = plan.current and copy == 0
            clone.title = f"{plan.title} (copia sintética {copy})"
            for commitment in clone.commitments:
                commitment.number = 1 + (copy * 9 + commitment.number) % 999
                commitment.title = f"{commitment.title} [sintético {copy}]"
            plans.append(clone)
        acronyms += [Acronym(acronym=f"{a.acronym}{copy}", expansion=f"{a.expansion} {copy}", source=a.source)
                     for a in base.acronyms]
        practices += [Practice(id=1 + copy * 20 + i, title=f"Práctica sintética {copy}-{i} de cooperación",
                               institution="Institución sintética", sphere="social",
                               description="Descripción sintética de una buena práctica " * 3)
                      for i in range(20)]
    # commitment numbers must stay unique across plans: renumber in order
    number = 0
    for plan in plans:
        for commitment in plan.commitments:
            number += 1
            commitment.number = number
    return KnowledgeData(actors=base.actors, acronyms=base.acronyms + acronyms, plans=plans,
                         catalogue=base.catalogue, practices=practices, projects=base.projects,
                         statuses=base.statuses)


def rss_mb() -> float:
    return next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmRSS:")) / 1024


def local_request_class():
    """tests/emulator/local_request.py's LocalRequest, loaded on its own: importing it through
    the tests.emulator package would also load the emulator's web server and client (aiohttp,
    ~6 MB) into the process being measured, which a bot never has."""
    import importlib.util

    name = "hitobot_bench_local_request"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "emulator" / "local_request.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name].LocalRequest


def memory_probe() -> None:
    """(Run in a child process.) Build the 100x knowledge base and the Application; print RSS."""
    import bot.app  # noqa: F401  (the imports alone, measured first)
    from knowledge.core import Knowledge

    LocalRequest = local_request_class()  # noqa: N806

    after_imports = rss_mb()
    data = synthetic_knowledge_100x()
    after_data = rss_mb()
    knowledge = Knowledge(data)
    after_core = rss_mb()
    request = LocalRequest(record=False)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/memory.sqlite3"
        from storage.db import Database

        database = Database(url)  # every start runs Alembic's upgrade, as here
        database.upgrade()
        application = hitobot_application(request, knowledge, data, database)
        asyncio.run(drive(application, request, questions()[:50]))
        database.dispose()
    hitos = sum(len(c.hitos) for p in data.plans for c in p.commitments)
    print(json.dumps({"rss_mb": rss_mb(), "imports_mb": after_imports, "data_mb": after_data - after_imports,
                      "core_mb": after_core - after_data, "plans": len(data.plans), "hitos": hitos,
                      "practices": len(data.practices)}))


def bench_memory() -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--memory-probe"], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5,
                        help="interleaved rounds of the three bots; the median ratio is reported (the machine is shared)")
    parser.add_argument("--db", default=None,
                        help="PostgreSQL server URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test "
                             "(fresh databases are created on it and dropped; default: temp SQLite files)")
    parser.add_argument("--memory-probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_probe:
        memory_probe()
        return
    import logging

    logging.disable(logging.WARNING)
    t = bench_throughput(args.updates, args.db, args.rounds)
    m = bench_memory()
    rows = [
        ("echo bot (same transport)", f"{t['echo_per_s']:.0f} updates/s", "", ""),
        ("hitobot, free-text questions (each read afresh)", f"{t['bot_per_s']:.0f} updates/s", ">= 500/s",
         f"{t['bot_per_s'] / 500:.2f}x budget"),
        ("hitobot with a constant-time core stub", f"{t['stub_per_s']:.0f} updates/s", "", ""),
        ("  (Knowledge.ask alone, mean)", f"{t['ask_ms']:.2f} ms", "", f"<= {1000 / t['ask_ms']:.0f} q/s ceiling"),
        ("hitobot / echo (median of the rounds' ratios)", f"{t['ratio']:.2f}x", ">= 0.3x",
         f"{t['ratio'] / 0.3:.2f}x budget"),
        (f"RSS, 100x synthetic KB ({m['hitos']} hitos, {m['practices']} practices)",
         f"{m['rss_mb']:.0f} MB", "<= 200 MB", f"{m['rss_mb'] / 200:.2f}x budget"),
        ("  of which: imports / KB objects / core index",
         f"{m['imports_mb']:.0f}/{m['data_mb']:.0f}/{m['core_mb']:.0f} MB", "", ""),
    ]
    backend = "PostgreSQL" if args.db else "SQLite"
    print(f"hitobot throughput bench on {backend} ({t['updates']} updates x {t['rounds']} interleaved rounds, "
          "median; fake in-process transport, rate limiter off)")
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value':>16}  {'goal':>10}  ratio")
    for name, value, goal, ratio in rows:
        print(f"{name.ljust(width)}  {value:>16}  {goal:>10}  {ratio}")


if __name__ == "__main__":
    main()
