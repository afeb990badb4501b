"""Nothing blocks the event loop: one person's write waiting for a locked database never holds
up anybody else's answer (all data synthetic, see conftest.py).

Every handler and job reaches the database through `db_call` / `Database.call` (a worker
thread); the second test checks that no `async def` of the handlers or the jobs opens a
session itself.
"""

from __future__ import annotations

import ast
import asyncio
import sqlite3
import threading
from pathlib import Path

from sqlalchemy import event, select, text

import handlers.callback_data as navigation
from storage.models.participation import Subscription
from tests.participation.conftest import CITIZEN, MEMBER

ROOT = Path(__file__).resolve().parents[2]


def _hold_writes(db):
    """A second connection that holds the write lock: SQLite's database lock, or on PostgreSQL
    a lock on the subscriptions table (a plain SQLite file would not block PostgreSQL)."""
    if db.is_postgresql:
        holder = db.engine.connect()
        holder.execute(text(f"LOCK TABLE {Subscription.__tablename__} IN EXCLUSIVE MODE"))
        return holder
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    return _SqliteHold(holder)


class _SqliteHold:
    def __init__(self, connection) -> None:
        self.connection = connection

    def commit(self) -> None:
        self.connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


async def test_a_question_is_answered_while_another_persons_write_waits_for_the_database(pbot_with_core):
    bot = pbot_with_core
    db = bot.db
    writing = threading.Event()

    def note_writes(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writing.set()

    # another writer (a `hitobot load`, an admin's CLI, a slow transaction) holds the database
    holder = _hold_writes(db)
    event.listen(db.engine, "before_cursor_execute", note_writes)
    try:
        # a citizen follows a commitment: a write, which now waits for the lock
        follow = asyncio.create_task(bot.press("pa:t:pan9.c1", CITIZEN))
        assert await asyncio.to_thread(writing.wait, 60), "the follow never reached the database"
        # meanwhile somebody else asks a question: answered while the write is still waiting
        await bot.say("quién es responsable del hito 1 del compromiso 1", MEMBER)
        answer = bot.texts_to(MEMBER)
        assert answer and "Institución Sintética A" in answer[-1]
        assert not follow.done(), "the write should still be waiting for the other writer"
    finally:
        holder.commit()
        holder.close()
        event.remove(db.engine, "before_cursor_execute", note_writes)
    await follow  # the lock is free: the citizen's follow goes through, nothing lost
    assert any("Ahora sigues" in alert for alert in bot.alerts())
    with db.session() as s:
        assert s.scalars(select(Subscription.ref).where(Subscription.person_id == CITIZEN)).all() == ["pan9.c1"]
    # and the card now offers to unfollow: read off the event loop before the card is built
    await bot.press(navigation.commitment("pan9.c1"), CITIZEN)
    assert "🔕 Dejar de seguir" in _button_labels(bot, CITIZEN)


def _button_labels(bot, chat_id: int) -> list[str]:
    labels = []
    for endpoint, params in bot.request.calls:
        markup = params.get("reply_markup")
        if endpoint in ("sendMessage", "editMessageText") and int(params.get("chat_id", 0)) == chat_id \
                and isinstance(markup, dict):
            labels += [b.get("text") for row in markup["inline_keyboard"] for b in row]
    return labels


def _sessions_opened_in_async_code(path: Path) -> list[str]:
    """`with ....session()` / `session_for(...)` written directly in an `async def` (not in a
    plain function it hands to db_call)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.AsyncFunctionDef):
            continue
        stack = list(node.body)
        while stack:
            child = stack.pop()
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue  # a function of its own: handed to a worker thread, or checked on its own
            if isinstance(child, ast.With | ast.AsyncWith):
                for item in child.items:
                    call = item.context_expr
                    name = getattr(getattr(call, "func", None), "attr", None) or getattr(
                        getattr(call, "func", None), "id", None)
                    if name in ("session", "session_for"):
                        found.append(f"{path.relative_to(ROOT)}:{child.lineno} in {node.name}")
            stack.extend(ast.iter_child_nodes(child))
    return found


def test_no_handler_or_job_opens_a_database_session_on_the_event_loop():
    files = [*sorted((ROOT / "handlers").rglob("*.py")), ROOT / "bot" / "reminders.py",
             ROOT / "bot" / "persistence.py"]
    offenders = [hit for path in files if path.exists() for hit in _sessions_opened_in_async_code(path)]
    assert offenders == []
