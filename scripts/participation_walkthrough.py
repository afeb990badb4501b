"""A participation walkthrough over the Bot API emulator, printed as a transcript.

    .venv/bin/python scripts/participation_walkthrough.py

The real bot process (`hitobot run`, shipped knowledge, a fresh SQLite database in a temporary
directory) and four SYNTHETIC people: an admin, a member of SESAN's staff, a subscriber and the
emulator.  Registration as institution staff -> one-tap approval as focal point -> a citizen
follows one of SESAN's hitos -> the focal point updates it -> the follower's notice -> the focal
point erases their data -> the admin's open-data export, searched for the erased name.
Needs the test extras (`make install-test`): it drives the emulator in tests/.
"""

from __future__ import annotations

import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.loader import load_data_dir  # noqa: E402
from knowledge.refs import hito_ref, to_payload  # noqa: E402
from tests.bot.live import plain, running_bot  # noqa: E402

TOKEN = "123456:WALKTHROUGH-synthetic"
ADMIN, STAFF, FOLLOWER = 5100, 5101, 5102
NAME = "Fernando Sintético Walkthrough"
NOTE = "Contratación en 3 de 5 delegaciones (nota sintética)"


def show(who: str, said: str, reply: dict | str | None) -> None:
    text = plain(reply) if isinstance(reply, dict) else (reply or "")
    print(f"\n[{who}] {said}")
    print(textwrap.indent(textwrap.shorten(text, 600, placeholder=" …") if len(text) > 600 else text, "    "))


def main() -> int:
    kd = load_data_dir()
    sesan = next(a for a in kd.actors if a.acronym == "SESAN")
    plan = next(p for p in kd.plans if p.key == "pan6")
    commitment, hito = next((c, h) for c in plan.commitments for h in c.hitos
                            if h.status is None and any("SESAN" in r for r in h.responsible))
    ref = hito_ref(plan.key, commitment.number, hito.number)
    with tempfile.TemporaryDirectory() as tmp, running_bot(
            Path(tmp), f"sqlite:///{tmp}/walkthrough.db", TOKEN, ADMIN_IDS=str(ADMIN)) as (client, env, _log):

        def say(user: int, text: str, who: str) -> dict:
            before = len(client.sent(user))
            client.send_message(text, user_id=user)
            reply = client.wait_for_reply(user, before, timeout=20)
            show(who, text, reply)
            return reply

        def press(user: int, who: str, text: str | None = None, data: str | None = None,
                  message_id: int | None = None) -> dict:
            before = len(client.sent(user))
            client.press(user, text=text, data=data, message_id=message_id)
            reply = client.wait_for_reply(user, before, timeout=20)
            show(who, f"(pulsa «{text or data}»)", reply)
            return reply

        def newest(user: int, needle: str) -> str:
            return client.wait_for(lambda: next((plain(m) for m in reversed(client.sent(user))
                                                 if needle in plain(m)), None), timeout=30, what=needle)

        print("== 1. Registration as staff of an institution of the plans")
        say(STAFF, "/registro", "personal de SESAN")
        press(STAFF, "personal de SESAN", text="institución de los planes")
        say(STAFF, NAME, "personal de SESAN")
        say(STAFF, "sesan", "personal de SESAN")
        press(STAFF, "personal de SESAN", text="Omitir")
        press(STAFF, "personal de SESAN", text="Acepto")

        print("\n== 2. The admin approves them as focal point, with one tap")
        say(ADMIN, "/pendientes", "admin")
        def approvals(m: dict) -> list[dict]:
            return [b for row in (m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row
                    if b["text"].startswith("Aprobar como enlace")]

        item = next(m for m in reversed(client.sent(ADMIN)) if NAME in plain(m) and approvals(m))
        approve = approvals(item)[0]
        press(ADMIN, "admin", data=approve["callback_data"], message_id=item["message_id"])
        show("personal de SESAN", "(recibe)", newest(STAFF, "Fuiste nombrado enlace"))

        print(f"\n== 3. A citizen follows {ref} (one of {sesan.acronym}'s hitos)")
        say(FOLLOWER, f"/start {to_payload(ref)}", "ciudadana")
        press(FOLLOWER, "ciudadana", data=f"pa:t:{ref}")
        time.sleep(2)  # flood control: a person types a little slower than this script

        print("\n== 4. The focal point posts the hito's progress")
        say(STAFF, "/actualizar", "enlace de SESAN")
        press(STAFF, "enlace de SESAN", data=f"pa:uh:{ref}")
        press(STAFF, "enlace de SESAN", data="pa:us:en_progreso")
        say(STAFF, "60", "enlace de SESAN")
        say(STAFF, NOTE, "enlace de SESAN")
        press(STAFF, "enlace de SESAN", data="pa:ue:skip")
        press(STAFF, "enlace de SESAN", data="pa:uc:yes")

        print("\n== 5. The follower's notice")
        show("ciudadana", "(recibe)", newest(FOLLOWER, "→"))
        say(FOLLOWER, f"como va el hito {hito.number} del compromiso {commitment.number}", "ciudadana")
        time.sleep(2)

        print("\n== 6. The focal point erases their data")
        say(STAFF, "/borrar_mis_datos", "enlace de SESAN")
        press(STAFF, "enlace de SESAN", data="pa:dx:yes")

        print("\n== 7. The admin exports the open data; the erased name is searched in every file")
        before = len(client.sent(ADMIN))
        client.send_message("/exportar", user_id=ADMIN)
        newest(ADMIN, "Datos abiertos exportados")
        files = {}
        for message in client.sent(ADMIN)[before:]:
            if "document" in message:
                doc = message["document"]
                path = httpx.post(f"{env['TELEGRAM_BASE_URL']}{TOKEN}/getFile",
                                  json={"file_id": doc["file_id"]}).json()["result"]["file_path"]
                files[doc["file_name"]] = httpx.get(f"{client.base_file_url}{TOKEN}/{path}").text
        for name, text in sorted(files.items()):
            print(f"    {name}: {len(text.splitlines())} lines; the erased name {'FOUND' if NAME in text else 'absent'}")
        update = [line for line in files.get("hito_status_history.csv", "").splitlines() if NOTE in line]
        print("    the update in hito_status_history.csv:", update[0] if update else "(missing)")
        return 0 if update and not any(NAME in text for text in files.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
