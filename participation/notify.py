"""Notices: turn one event into outbox messages (or digest items) for everyone concerned.

No Telegram here: a notice is HTML text per language plus an inline keyboard as plain JSON,
written to the outbox in the caller's transaction, so the change and its notices commit
together (or not at all).  Every notice to a subscriber carries a one-tap unsubscribe button.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

from knowledge.i18n import normalize_locale, translations
from storage.models.participation import Person
from storage.repositories import outbox
from storage.repositories import participation as repo

Render = Callable[[str], str]  # locale -> HTML text


def _gettext(locale: str) -> Callable[[str], str]:
    return translations(normalize_locale(locale)).gettext


def unsubscribe_markup(ref: str, locale: str) -> dict:
    _ = _gettext(locale)
    return {"inline_keyboard": [[{"text": _("Dejar de seguir"), "callback_data": f"pa:u:{ref}"}]]}


def notify_subscribers(session: Session, refs: Iterable[str], event_key: str, render: Render,
                       skip: Iterable[int] = ()) -> int:
    """Queue a notice for every active subscriber of any of `refs` (most specific ref first).

    Instant readers get an outbox message now; digest readers get a digest item.  `event_key`
    makes it idempotent: the same event never reaches the same person twice.
    """
    skip_ids = set(skip)
    cache: dict[str, str] = {}
    messages = []
    queued = 0
    for sub in repo.subscribers_of(session, refs):
        if sub.person_id in skip_ids:
            continue
        text = cache.setdefault(sub.locale, render(sub.locale))
        key = f"{event_key}:{sub.person_id}"
        if sub.notify_mode == "digest":
            queued += repo.hold_for_digest(session, sub.person_id, key, text, sub.ref)
        else:
            messages.append(outbox.NewMessage(sub.person_id, text, key, "notice",
                                              unsubscribe_markup(sub.ref, sub.locale)))
    return queued + outbox.enqueue_many(session, messages)


def notify_people(session: Session, people: Iterable[tuple[int, str]], event_key: str, render: Render,
                  kind: str = "notice", markup: Callable[[str], dict | None] | None = None) -> int:
    """Queue a message for given (person id, locale) pairs (focal points, admins, a member)."""
    messages = [
        outbox.NewMessage(person_id, render(locale), f"{event_key}:{person_id}", kind,
                          markup(locale) if markup else None)
        for person_id, locale in dict(people).items()
    ]
    return outbox.enqueue_many(session, messages)


def locales_of(session: Session, person_ids: Iterable[int], default: str = "es") -> list[tuple[int, str]]:

    out = []
    for pid in dict.fromkeys(person_ids):
        person = session.get(Person, pid)
        if person is not None and not person.active:
            continue
        out.append((pid, person.locale if person else default))
    return out
