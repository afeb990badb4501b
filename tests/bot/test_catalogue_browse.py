"""/catalogo, the practice card and inline mode over the real knowledge core with a SYNTHETIC
35-practice catalogue (tests/bot/synthetic_catalogue.py), offline (a local transport, no HTTP);
and the finder and ODS names they use (knowledge/practice_finder.py, knowledge/ods.py).

The end-to-end version, with `hitobot import-catalogue` and a running bot over the Bot API
emulator, is tests/bot/test_e2e_catalogue.py."""

from __future__ import annotations

import json

import pytest

import handlers.callback_data as cb
from bot.app import build_application
from bot.config import Settings
from knowledge.catalogue_io import practices_from_rows
from knowledge.core import Knowledge
from knowledge.loader import load_data_dir
from knowledge.ods import ods_in, ods_label, ods_name
from knowledge.practice_finder import acronym_fits, finder_for
from knowledge.refs import practice_ref
from tests.bot.conftest import OfflineBot
from tests.bot.synthetic_catalogue import HEADER, INSTITUTIONS, expected, rows
from tests.emulator.local_request import LocalRequest

TABLE = rows()


@pytest.fixture(scope="module")
def shipped():
    return load_data_dir()


@pytest.fixture(scope="module")
def loaded(shipped):
    """The shipped knowledge base with the SYNTHETIC 35 practices imported."""
    data = shipped.model_copy(update={"practices": practices_from_rows([HEADER, *TABLE], "catalogo_sintetico.csv")})
    return Knowledge(data)


@pytest.fixture(scope="module")
def empty(shipped):
    """The shipped knowledge base as a fresh clone has it: no practices imported."""
    return Knowledge(shipped.model_copy(update={"practices": []}))


async def _bot(knowledge):
    request = LocalRequest()
    settings = Settings(telegram_token="123456:OFFLINE", telegram_base_url="http://127.0.0.1:9/bot")
    application = build_application(settings, knowledge=knowledge, data=knowledge.data, request=request,
                                    rate_limiter=None, persistence=None)
    return application, request


@pytest.fixture
async def bot(loaded):
    application, request = await _bot(loaded)
    async with application:
        await application.post_init(application)
        request.clear()
        yield OfflineBot(application, request, loaded)


@pytest.fixture
async def bare_bot(empty):
    application, request = await _bot(empty)
    async with application:
        await application.post_init(application)
        request.clear()
        yield OfflineBot(application, request, empty)


def last(bot: OfflineBot) -> dict:
    """The last message the bot sent or edited: text and buttons."""
    params = [p for e, p in bot.request.calls if e in ("sendMessage", "editMessageText")][-1]
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return {"text": params["text"], "buttons": [b for row in markup.get("inline_keyboard", []) for b in row]}


def inline_results(bot: OfflineBot) -> list[dict]:
    results = bot.request.of("answerInlineQuery")[-1]["results"]
    return json.loads(results) if isinstance(results, str) else results


def data_of(message: dict, label_part: str) -> str:
    return next(b["callback_data"] for b in message["buttons"]
                if label_part in b["text"] and "callback_data" in b)


# --- the finder and the ODS names --------------------------------------------------------------


def test_ods_by_number_and_by_name():
    assert ods_in("prácticas del ODS 4 y de acción por el clima") == [4, 13]
    assert ods_in("objetivos 4, 5 y 16") == [4, 5, 16]
    assert ods_in("educación de calidad") == [4]
    assert ods_in("quality education") == [4]
    assert ods_in("Paz, justicia e instituciones sólidas") == [16]
    assert ods_in("ods 18") == [] and ods_in("hito 4 del compromiso 3") == []
    assert (ods_name(4), ods_name(4, "en"), ods_label(16, "en")) == (
        "Educación de calidad", "Quality education", "SDG 16 · Peace, justice and strong institutions")


def test_acronyms_made_of_the_starts_of_a_names_words():
    assert acronym_fits("tse", ("tribunal", "supremo", "electoral"), initials_only=True)
    assert acronym_fits("conap", ("consejo", "nacional", "areas", "protegidas"))
    assert acronym_fits("intecap", ("instituto", "tecnico", "capacitacion", "productividad"))
    assert not acronym_fits("conap", ("consejo", "nacional", "areas", "protegidas"), initials_only=True)
    assert not acronym_fits("min", ("ministerio",))


def test_the_finder_finds_by_institution_ods_sphere_and_words(loaded):
    finder = finder_for(loaded)
    assert len(finder.practices) == 35 and len(finder.institutions()) == 20

    def titles(text):
        return [p.title for p in finder.find(text).practices]

    tse = expected(TABLE, institution=INSTITUTIONS[0])
    assert titles("q practicas tiene el TSE") == tse
    assert titles("tse") == tse
    assert titles("prácticas del tribunal supremo electoral") == tse
    assert titles("CONAP") == expected(TABLE, institution=INSTITUTIONS[2])
    assert titles("practicas de la SAT") == expected(TABLE, institution=INSTITUTIONS[3])
    assert titles("prácticas del MINEDUC") == expected(TABLE, institution=INSTITUTIONS[1])
    assert titles("isf") == expected(TABLE, institution=INSTITUTIONS[6])
    assert titles("practicas del ods 16") == expected(TABLE, ods=16)
    assert titles("objetivo 4") == titles("educación de calidad") == expected(TABLE, ods=4)
    assert titles("practicas ambientales") == titles("environmental practices") == expected(TABLE, sphere="ambiental")
    assert titles("prácticas de huertos escolares") == expected(TABLE, topic="Huertos escolares")
    assert titles("list the catalogue practices") == [row[1] for row in TABLE]
    for not_about_practices in ("auditoría social", "hito 2 del compromiso 3", "datos abiertos", "SESAN"):
        assert finder.find(not_about_practices) is None, not_about_practices


def test_without_an_import_the_finder_says_nothing_is_loaded(empty):
    found = finder_for(empty).find("prácticas del ods 16")
    assert found is not None and found.loaded == 0 and found.practices == []
    assert finder_for(empty).find("TSE") is None
    assert finder_for(empty).find("q prácticas tiene el TSE").words == ["tse"]  # for the answer to say so


# --- /catalogo ---------------------------------------------------------------------------------


async def test_catalogo_browses_by_institution_ods_and_sphere_with_pages(bot):
    await bot.say("/catalogo")
    menu = last(bot)
    assert "Prácticas cargadas: 35, de 20 instituciones." in menu["text"]
    assert "35 buenas prácticas de 20 instituciones" in menu["text"]  # what the press release says

    await bot.press(data_of(menu, "Por institución"))
    institutions = last(bot)
    assert "Página 1 de 3" in institutions["text"]
    await bot.press(data_of(institutions, "Siguiente"))
    assert "Página 2 de 3" in last(bot)["text"]
    await bot.press(cb.catalogue("i", page=2))
    tse = data_of(last(bot), "Tribunal Supremo Electoral")  # in alphabetical order: the last page
    await bot.press(tse)
    listing = last(bot)
    for title in expected(TABLE, institution=INSTITUTIONS[0]):
        assert title in listing["text"]

    await bot.press(cb.catalogue("o"))
    await bot.press(data_of(last(bot), "ODS 16 ("))
    listing = last(bot)
    wanted = expected(TABLE, ods=16)
    assert all(t in listing["text"] for t in wanted[:8])

    await bot.press(cb.catalogue("e"))
    await bot.press(data_of(last(bot), "Ambiental"))
    page_one = last(bot)
    wanted = expected(TABLE, sphere="ambiental")
    assert len(wanted) > 8 and all(t in page_one["text"] for t in wanted[:8]) and wanted[8] not in page_one["text"]
    await bot.press(data_of(page_one, "Siguiente"))
    assert all(t in last(bot)["text"] for t in wanted[8:])


async def test_a_practice_card_says_what_a_foreign_institution_needs(bot):
    row = TABLE[1]  # SYN-2, MINEDUC, social, ODS 2 (and a contact)
    await bot.press(cb.ref(practice_ref(row[0])))
    card = last(bot)
    text = card["text"]
    assert row[1] in text and "Ministerio de Educación (MINEDUC)" in text
    assert "Esfera social" in text and "ODS 2 (Hambre cero)" in text
    assert row[5] in text and "Resultado inventado 2." in text and row[8] in text
    assert "catalogo_sintetico.csv" in text
    assert len(text.splitlines()) <= 9
    assert any(b.get("url", "").endswith("start%3DpSYN-2") for b in card["buttons"])
    await bot.press(cb.ref("pSYN-1"), language_code="en")
    english = last(bot)["text"]
    assert "Economic sphere · SDG 1 (No poverty), 16 (Peace, justice and strong institutions)" in english
    assert "Contact: the catalogue's file does not give one." in english


async def test_tampered_catalogue_buttons_are_refused(bot):
    for data in ("v1:k:i:zzzzzzzz:0", "v1:k:o:99:0", "v1:k:e:mar:0", "v1:k:q:0"):
        await bot.press(data)
        assert bot.request.of("answerCallbackQuery")[-1].get("show_alert")


async def test_catalogo_without_an_import_says_the_list_is_not_loaded(bare_bot):
    await bare_bot.say("/catalogo")
    text = last(bare_bot)["text"]
    assert "Todavía no se ha cargado la lista de las prácticas" in text
    assert "35 buenas prácticas de 20 instituciones" in text


# --- inline mode -------------------------------------------------------------------------------


async def test_inline_lists_practices_by_acronym_ods_sphere_and_words(bot):
    await bot.inline("TSE")
    refs = [r["id"].split(":", 1)[1] for r in inline_results(bot)]
    tse = [practice_ref(row[0]) for row in TABLE if row[2] == INSTITUTIONS[0]]
    assert refs[:len(tse)] == tse
    await bot.inline("ods 16")
    assert [r["title"] for r in inline_results(bot)][:len(expected(TABLE, ods=16))] == expected(TABLE, ods=16)
    await bot.inline("ambiental")
    assert [r["title"] for r in inline_results(bot)][:5] == expected(TABLE, sphere="ambiental")[:5]
    await bot.inline("prácticas de huertos escolares")
    results = inline_results(bot)
    assert [r["title"] for r in results] == expected(TABLE, topic="Huertos escolares")  # only practices
    card = results[0]["input_message_content"]["message_text"]
    assert "🏛" in card and "?start=pSYN-1" in card


async def test_inline_about_practices_without_an_import_says_so(bare_bot):
    await bare_bot.inline("practicas del ods 16")
    first = inline_results(bare_bot)[0]
    assert "Todavía no se ha cargado la lista de las prácticas" in first["input_message_content"]["message_text"]


async def test_buscar_finds_practices_by_acronym_too(bot):
    await bot.say("/buscar TSE")
    text = last(bot)["text"]
    for title in expected(TABLE, institution=INSTITUTIONS[0]):
        assert title in text


async def test_a_practice_query_that_finds_no_practice_falls_back_to_the_search(bot, loaded):
    query = "prácticas sociales del TSE"
    tse = [row for row in TABLE if row[2] == INSTITUTIONS[0]]
    assert tse and all(row[3] != "Social" for row in tse)  # none is social: nothing to list
    await bot.inline(query)
    refs = [r["id"].split(":", 1)[1] for r in inline_results(bot)]
    assert refs == [h.ref for h in loaded.search(query, limit=50)]
