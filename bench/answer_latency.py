"""Answer latency of the knowledge core: shipped knowledge base vs a synthetic one 100x larger.

For every question of tests/knowledge/questions.yaml it times `Knowledge.ask` (the best of a few
runs, after one warm-up) and, in the same run, a naive baseline that scores every record with
rapidfuzz (`NaiveSearch` below). It prints p50 and p95 per question for both, on the
shipped data and on a SYNTHETIC knowledge base 100 times larger (generated here from the shipped
records with shuffled words and new numbers/names; never written to disk, never shipped).

    .venv/bin/python bench/answer_latency.py [--scale 100] [--runs 3] [--no-memory]

It also reports what the core's own structures (documents, index, actor directory, speller)
keep in memory: the bytes tracemalloc still sees allocated after `Knowledge(data)` returns, in a
second, traced build (the knowledge base itself, `KnowledgeData`, is built before and not counted).

Budget (issue 13): p95 <= 20 ms at x100 (and, as before, <= 2 ms shipped and <= 0.5x the naive
baseline's p95).  The bot's resident memory with the x100 base (budget 200 MB) is measured by
bench/throughput.py.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.core import Knowledge  # noqa: E402
from knowledge.index import Doc, build_documents  # noqa: E402
from knowledge.loader import load_data_dir  # noqa: E402
from knowledge.normalize import fold_simple  # noqa: E402
from knowledge.refs import plan_key  # noqa: E402
from knowledge.schema import KnowledgeData  # noqa: E402

QUESTIONS = ROOT / "tests" / "knowledge" / "questions.yaml"


class NaiveSearch:
    """The baseline: rapidfuzz WRatio of the query against every record's folded text (prepared
    once, like the index), no candidate generation."""

    def __init__(self, docs: list[Doc]):
        self.docs = docs
        self.choices = [fold_simple(d.title + " " + d.snippet) for d in docs]

    def search(self, query: str, limit: int = 10) -> list[tuple[Doc, float]]:
        found = process.extract(fold_simple(query), self.choices, scorer=fuzz.WRatio, limit=limit)
        return [(self.docs[i], score) for _, score, i in found]


def questions() -> list[str]:
    return [q["q"] for q in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]]


def synthetic_knowledge(data: KnowledgeData, scale: int, seed: int = 7) -> KnowledgeData:
    """SYNTHETIC: `scale` copies of every plan, actor, acronym and project, with words shuffled
    and new numbers, keys and acronyms, so postings grow like a real larger knowledge base."""
    rng = random.Random(seed)
    vocabulary = sorted({w for p in data.plans for c in p.commitments for h in c.hitos for w in h.text.split()})

    def scramble(text: str | None) -> str | None:
        if not text:
            return text
        words = text.split()
        for i in range(len(words)):
            if rng.random() < 0.5:
                words[i] = rng.choice(vocabulary)
        return " ".join(words)

    plans, actors, acronyms, projects = list(data.plans), list(data.actors), list(data.acronyms), list(data.projects)
    for k in range(1, scale):
        for plan in data.plans:
            copy = plan.model_copy(deep=True)
            copy.key, copy.number, copy.current = plan_key(k + 10), k + 10, False
            copy.title = f"Plan sintético {k} " + (scramble(plan.title) or "")
            copy.facts = [f.model_copy(update={"text": scramble(f.text)}) for f in plan.facts]
            for c in copy.commitments:
                c.number = 1000 + k * 20 + c.number
                c.title, c.description = scramble(c.title) or "", scramble(c.description)
                c.causes, c.done_so_far = [], []
                for h in c.hitos:
                    h.text = scramble(h.text) or ""
                    h.expected_results = [scramble(r) or "" for r in h.expected_results]
                    for a in h.activities:
                        a.text = scramble(a.text) or ""
            plans.append(copy)
        for a in data.actors:
            actors.append(a.model_copy(update={"key": f"{a.key}-syn{k}", "name": f"{scramble(a.name)} {k}",
                                               "acronym": f"SYN{k}{a.acronym}" if a.acronym else None,
                                               "aliases": []}))
        for a in data.acronyms:
            acronyms.append(a.model_copy(update={"acronym": f"SYN{k}{a.acronym}", "expansion": scramble(a.expansion),
                                                 "actor": None}))
        for p in data.projects:
            projects.append(p.model_copy(update={"key": f"{p.key}-syn{k}", "title": scramble(p.title),
                                                 "objective": scramble(p.objective)}))
    return KnowledgeData(actors=actors, acronyms=acronyms, plans=plans, catalogue=data.catalogue,
                         practices=data.practices, projects=projects, statuses=data.statuses)


def time_each(fn, items: list[str], runs: int) -> list[float]:
    """Milliseconds per item: the best of `runs` calls (after a warm-up call)."""
    out = []
    for item in items:
        fn(item)
        best = min(_timed(fn, item) for _ in range(runs))
        out.append(best)
    return out


def _timed(fn, item: str) -> float:
    start = time.perf_counter()
    fn(item)
    return (time.perf_counter() - start) * 1000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def retained_mb(data: KnowledgeData) -> float:
    """MB still allocated after building the core (its documents, index, directory, speller)."""
    gc.collect()
    tracemalloc.start()
    knowledge = Knowledge(data)
    gc.collect()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del knowledge
    return current / 2**20


def naive_sample(qs: list[str], size: int) -> list[str]:
    """Every k-th question, so the naive baseline (seconds per question at x100) stays short."""
    if size <= 0 or size >= len(qs):
        return qs
    step = len(qs) / size
    return [qs[int(i * step)] for i in range(size)]


def measure(label: str, data: KnowledgeData, qs: list[str], runs: int, memory: bool,
            naive_qs: list[str] | None = None) -> dict[str, float | str | int]:
    t0 = time.perf_counter()
    knowledge = Knowledge(data)
    build = time.perf_counter() - t0
    core = time_each(knowledge.ask, qs, runs)  # the core keeps no memo: every call works afresh
    docs = build_documents(knowledge.data)
    naive_search = NaiveSearch(docs)
    naive = time_each(naive_search.search, naive_qs or qs, 1)
    records = len(docs)
    knowledge = naive_search = None  # let the next size reuse the memory
    return {"label": label, "records": records, "build_s": build,
            "core_p50": statistics.median(core), "core_p95": pct(core, 95),
            "naive_p50": statistics.median(naive), "naive_p95": pct(naive, 95),
            "mb": retained_mb(data) if memory else float("nan")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive-sample", type=int, default=40,
                        help="questions the naive baseline is timed on at the larger scale (evenly "
                             "spread; 0 = all; each takes ~1 s there)")
    parser.add_argument("--no-memory", dest="memory", action="store_false",
                        help="skip the traced build that measures the core's memory")
    args = parser.parse_args(argv)
    qs = questions()
    shipped = load_data_dir()
    rows = [measure("shipped", shipped, qs, args.runs, args.memory),
            measure(f"synthetic x{args.scale}", synthetic_knowledge(shipped, args.scale), qs, args.runs,
                    args.memory, naive_sample(qs, args.naive_sample))]
    sampled = len(naive_sample(qs, args.naive_sample))
    print(f"answer latency over {len(qs)} questions (ms per question; core: best of {args.runs} runs, "
          f"naive: one run after a warm-up, on all questions shipped and {sampled} of them at x{args.scale})")
    header = f"{'knowledge base':<16} {'records':>8} {'build s':>8} {'core p50':>9} {'core p95':>9} " \
             f"{'naive p50':>10} {'naive p95':>10} {'p95 ratio':>10} {'core MB':>8}"
    print(header)
    print("-" * len(header))
    for r in rows:
        ratio = r["core_p95"] / r["naive_p95"] if r["naive_p95"] else float("nan")
        print(f"{r['label']:<16} {r['records']:>8} {r['build_s']:>8.2f} {r['core_p50']:>9.3f} {r['core_p95']:>9.3f} "
              f"{r['naive_p50']:>10.3f} {r['naive_p95']:>10.3f} {ratio:>9.2f}x {r['mb']:>8.1f}")
    print(f"budget p95 <= 20 ms at x{args.scale}:", "met" if rows[1]["core_p95"] <= 20 else "NOT met",
          f"({rows[1]['core_p95'] / 20:.2f}x budget)")
    ok = rows[0]["core_p95"] <= 2 and all(r["core_p95"] <= 0.5 * r["naive_p95"] for r in rows)
    print("also p95 <= 2 ms shipped and <= 0.5x naive:", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
