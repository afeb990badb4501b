"""The screen any ref opens (a deep link, an answer's choice, a "📄 Ver ficha" button): a plan,
commitment, hito or activity from handlers/views.py, or the catalogue and a practice from
handlers/catalogue.py (which builds on views: this module sits above both).
"""

from __future__ import annotations

from collections.abc import Collection

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

import handlers.callback_data as cb
from handlers.catalogue import catalogue_screen, practice_screen
from handlers.views import (
    Gettext,
    Screen,
    card_text,
    commitment_screen,
    hito_screen,
    located,
    plan_screen,
    share_button,
    subscription_row,
)
from knowledge.refs import Ref, parse_ref
from participation.context import Services


def ref_screen(services: Services, ref_text: str, locale: str, _: Gettext,
               following: Collection[str] = frozenset()) -> Screen | None:
    """The screen for any ref (deep links, answer choices); None when it names nothing."""
    ref: Ref | None = parse_ref(ref_text)
    if ref is None:
        return None
    if ref.kind == "plan" and ref.key:
        plan = services.knowledge.plan(ref.key)
        return plan_screen(services, plan, 0, _) if plan else None
    if ref.kind == "commitment":
        found = located(services, ref)
        return commitment_screen(services, found.plan, found.commitment, 0, locale, _, following) if found else None
    if ref.kind == "hito":
        return hito_screen(services, ref, locale, _, following)
    if ref.kind in ("catalogue", "practice"):
        if ref.kind == "catalogue":
            return catalogue_screen(services, locale, _)
        return practice_screen(services, ref.practice or "", locale, _)
    found = located(services, ref)
    if ref.kind == "activity" and found is None:
        return None
    if found is not None:  # an activity, named with its plan (an old link's too)
        ref = parse_ref(found.ref)
    text = card_text(services, str(ref), locale, _)
    if text is None:
        return None
    rows = [[share_button(services, str(ref), _)]]
    if found is not None and found.hito is not None:
        rows.append([InlineKeyboardButton(_("⬅️ Hito {n}").format(n=found.hito.number),
                                          callback_data=cb.hito(ref.up_to("hito")))])
    if ref.kind == "actor":
        rows[0] += subscription_row(str(ref), following, locale)
    rows.append([InlineKeyboardButton(_("🏠 Menú"), callback_data=cb.menu())])
    return Screen(text, InlineKeyboardMarkup(rows))
