"""One minimal, valid update of every type python-telegram-bot knows (Update.ALL_TYPES), for
the robustness suite. Message-like types carry the given text; everything is synthetic."""

from __future__ import annotations

from typing import Any

DATE = 1_700_000_000
MESSAGE_TYPES = ("message", "edited_message", "channel_post", "edited_channel_post",
                 "business_message", "edited_business_message", "guest_message")


def person(user_id: int, language_code: str | None = "es") -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Persona sintética"}
    if language_code:
        user["language_code"] = language_code
    return user


def _chat(kind: str, user_id: int) -> dict[str, Any]:
    if kind == "channel":
        return {"id": -100_123_456, "type": "channel", "title": "Canal sintético"}
    if kind == "group":
        return {"id": -4_567, "type": "group", "title": "Grupo sintético"}
    return {"id": user_id, "type": "private", "first_name": "Persona sintética"}


def message(text: str, user_id: int, chat: str = "private", message_id: int = 1) -> dict[str, Any]:
    msg: dict[str, Any] = {"message_id": message_id, "date": DATE, "chat": _chat(chat, user_id), "text": text}
    if chat != "channel":
        msg["from"] = person(user_id)
    else:
        msg["sender_chat"] = _chat("channel", user_id)
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0] if text.strip() else text
        msg["entities"] = [{"type": "bot_command", "offset": 0,
                            "length": len(command.encode("utf-16-le")) // 2}]
    return msg


def update_of(kind: str, text: str, user_id: int, message_id: int = 1) -> dict[str, Any]:
    """The body of an update of `kind` (without update_id)."""
    user = person(user_id)
    chat = _chat("private", user_id)
    if kind in ("message", "edited_message", "guest_message"):
        body = message(text, user_id, message_id=message_id)
        if kind == "edited_message":
            body["edit_date"] = DATE + 5
        return {kind: body}
    if kind in ("channel_post", "edited_channel_post"):
        body = message(text, user_id, chat="channel", message_id=message_id)
        if kind == "edited_channel_post":
            body["edit_date"] = DATE + 5
        return {kind: body}
    if kind in ("business_message", "edited_business_message"):
        return {kind: message(text, user_id, message_id=message_id) | {"business_connection_id": "bc1"}}
    if kind == "inline_query":
        return {kind: {"id": f"iq{message_id}", "from": user, "query": text[:256], "offset": ""}}
    if kind == "chosen_inline_result":
        return {kind: {"result_id": "0:c1", "from": user, "query": text[:256]}}
    if kind == "callback_query":
        return {kind: {"id": f"cq{message_id}", "from": user, "chat_instance": "ci", "data": text[:64] or "x",
                       "message": {"message_id": message_id, "date": DATE, "chat": chat, "text": "x"}}}
    if kind == "shipping_query":
        return {kind: {"id": "sq1", "from": user, "invoice_payload": text[:128] or "x",
                       "shipping_address": {"country_code": "GT", "state": "", "city": "Guatemala",
                                            "street_line1": "1", "street_line2": "", "post_code": "01001"}}}
    if kind == "pre_checkout_query":
        return {kind: {"id": "pq1", "from": user, "currency": "GTQ", "total_amount": 100,
                       "invoice_payload": text[:128] or "x"}}
    if kind == "poll":
        return {kind: {"id": "p1", "question": text[:300] or "?", "options": [
            {"text": "a", "voter_count": 1, "persistent_id": "o1"},
            {"text": "b", "voter_count": 0, "persistent_id": "o2"}],
            "total_voter_count": 1, "is_closed": False, "is_anonymous": True, "type": "regular",
            "allows_multiple_answers": False, "allows_revoting": False,
            "members_only": False}}
    if kind == "poll_answer":
        return {kind: {"poll_id": "p1", "user": user, "option_ids": [0], "option_persistent_ids": ["o1"]}}
    if kind in ("my_chat_member", "chat_member"):
        group = _chat("group", user_id)
        return {kind: {"chat": group, "from": user, "date": DATE,
                       "old_chat_member": {"status": "left", "user": user},
                       "new_chat_member": {"status": "member", "user": user}}}
    if kind == "chat_join_request":
        return {kind: {"chat": _chat("group", user_id), "from": user, "user_chat_id": user_id, "date": DATE,
                       "bio": text[:70]}}
    if kind == "chat_boost":
        return {kind: {"chat": _chat("channel", user_id), "boost": {
            "boost_id": "b1", "add_date": DATE, "expiration_date": DATE + 86_400,
            "source": {"source": "premium", "user": user}}}}
    if kind == "removed_chat_boost":
        return {kind: {"chat": _chat("channel", user_id), "boost_id": "b1", "remove_date": DATE,
                       "source": {"source": "premium", "user": user}}}
    if kind == "message_reaction":
        return {kind: {"chat": chat, "message_id": message_id, "user": user, "date": DATE,
                       "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👍"}]}}
    if kind == "message_reaction_count":
        return {kind: {"chat": _chat("group", user_id), "message_id": message_id, "date": DATE,
                       "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": 2}]}}
    if kind == "business_connection":
        return {kind: {"id": "bc1", "user": user, "user_chat_id": user_id, "date": DATE,
                       "can_reply": True, "is_enabled": True}}
    if kind == "deleted_business_messages":
        return {kind: {"business_connection_id": "bc1", "chat": chat, "message_ids": [message_id]}}
    if kind == "purchased_paid_media":
        return {kind: {"from": user, "paid_media_payload": text[:128] or "x"}}
    if kind == "managed_bot":
        return {kind: {"user": user, "bot": {"id": 999_001, "is_bot": True, "first_name": "Bot sintético",
                                             "username": "sintetico_bot"}}}
    raise KeyError(f"no synthetic update for {kind!r}: add one")
