"""Migration 0006: refs stored without their plan ("c3h2") are rewritten with it ("pan6.c3h2").

Everything here is SYNTHETIC: plans keyed like the shipped ones (pan6, pan4) but with invented
commitments, a current synthetic plan pan9, and rows in the form the bot stored before 0006.
"""

from __future__ import annotations

from alembic import command
from sqlalchemy import select

from knowledge.schema import Commitment, Hito, KnowledgeData, Plan, Source
from storage.db import Database
from storage.models.participation import (
    DigestItem,
    FeedbackReport,
    OutboxMessage,
    Person,
    Subscription,
)
from storage.sync import load_knowledge
from tests.conftest import database_at

SRC = Source(document="999_0000000000000000.txt", section="sintético")
PERSON, OTHER = 7001, 7002


def _commitment(number: int) -> Commitment:
    return Commitment(number=number, title=f"Compromiso sintético {number}", source=SRC,
                      hitos=[Hito(number=h, text=f"Hito sintético {number}.{h}", source=SRC) for h in (1, 2)])


def synthetic_plans() -> KnowledgeData:
    """pan6 and pan4 as the shipped numbering has them (1 and 3; 10), and a current pan9 that
    numbers its commitments from 1 again (1, 20)."""
    plans = [Plan(key="pan9", number=9, title="9° Plan sintético", period_label="2090-2092", current=True,
                  source=SRC, commitments=[_commitment(1), _commitment(20)]),
             Plan(key="pan6", number=6, title="6° Plan sintético", period_label="2023-2025", source=SRC,
                  commitments=[_commitment(1), _commitment(3)]),
             Plan(key="pan4", number=4, title="4° Plan sintético", period_label="2018-2020", source=SRC,
                  commitments=[_commitment(10)])]
    return KnowledgeData(plans=plans)


def _rows(db: Database):
    with db.session() as s:
        subscriptions = sorted(s.execute(select(Subscription.person_id, Subscription.ref)).all())
        reports = s.scalars(select(FeedbackReport.ref).order_by(FeedbackReport.id)).all()
        digest = s.execute(select(DigestItem.ref, DigestItem.dedupe_key).order_by(DigestItem.id)).all()
        outbox = s.scalars(select(OutboxMessage.dedupe_key).order_by(OutboxMessage.id)).all()
    return subscriptions, reports, [tuple(r) for r in digest], outbox


def test_upgrade_names_the_plan_of_every_stored_ref_and_downgrade_takes_it_back(tmp_path):
    with database_at("hitobot_m6", tmp_path, "0005") as db:
        with db.session() as s:
            load_knowledge(s, synthetic_plans())
            s.add_all([Person(id=PERSON), Person(id=OTHER)])
            s.flush()
            s.add_all([Subscription(person_id=PERSON, ref=ref) for ref in
                       ("c3", "c3h2", "c10", "c1", "c20", "c77", "i:inst_a", "pan4.c10")])
            s.add(Subscription(person_id=OTHER, ref="c10"))
            s.add_all([FeedbackReport(person_id=PERSON, ref=ref, observation="other", text="Sintético")
                       for ref in ("c3h2", "c10", "pan6.c1")])
            s.add(DigestItem(person_id=PERSON, dedupe_key=f"overdue:c3h2:2025-06-30:{PERSON}", ref="c3h2",
                             text="Aviso sintético"))
            s.add_all([OutboxMessage(chat_id=PERSON, text="Aviso sintético", dedupe_key=key) for key in
                       (f"due7:c3h2:2025-06-30:{PERSON}", f"overdue:c10h1:2020-06-30:{PERSON}",
                        f"status:12:{PERSON}", f"due30:c77h1:2099-01-31:{PERSON}")])
        before = _rows(db)

        db.upgrade()

        subscriptions, reports, digest, outbox = _rows(db)
        assert subscriptions == sorted([
            (PERSON, "pan6.c3"), (PERSON, "pan6.c3h2"), (PERSON, "pan4.c10"),
            (PERSON, "pan6.c1"),  # the shipped numbering says 1 was the 6th plan's, though pan9 has one now
            (PERSON, "pan9.c20"),  # not a shipped number: the plan of this database that has it
            (PERSON, "c77"),  # no plan has it: left as it was
            (PERSON, "i:inst_a"), (OTHER, "pan4.c10")])  # PERSON followed c10 twice over: once now
        assert reports == ["pan6.c3h2", "pan4.c10", "pan6.c1"]
        assert digest == [("pan6.c3h2", f"overdue:pan6.c3h2:2025-06-30:{PERSON}")]
        assert outbox == [f"due7:pan6.c3h2:2025-06-30:{PERSON}", f"overdue:pan4.c10h1:2020-06-30:{PERSON}",
                          f"status:12:{PERSON}", f"due30:c77h1:2099-01-31:{PERSON}"]

        with db.engine.begin() as connection:
            command.downgrade(db.alembic_config(connection), "0005")
        subscriptions, reports, digest, outbox = _rows(db)
        assert reports == ["c3h2", "c10", "c1"] and digest == before[2] and outbox == before[3]
        assert (PERSON, "c3") in subscriptions and (PERSON, "pan9.c20") in subscriptions
