"""Messages that ask two or three questions at once: when no one record or sentence answers the
whole, each question is answered on its own (the second continuing with the first's subject),
and a question the first answer leaves open gets its own answer after it, with one source line
for all; a body named in capitals that no source has is refused by its name.

A mixin of `QuestionAnswerer` (knowledge.qa.answerer): it asks through `_ask_whole`.
"""

from __future__ import annotations

import re

from knowledge.answers import Answer
from knowledge.compose import make_answer, paragraphs, shorten
from knowledge.index import acronym_key
from knowledge.normalize import fold_simple
from knowledge.qa import pieces
from knowledge.qa.reading import Query
from knowledge.qa.retrieval import stem_set
from knowledge.qa.values import holds_type, titled_name
from knowledge.refs import commitment_of, parse_ref


def _quoted_in(line: str, told: str) -> bool:
    """Whether a quoting line («…») quotes only what `told` already quotes (a window of the same sentence)."""
    inner = re.search(r"[«“\"](.+)[»”\"]\s*$", line)
    pieces = [p.strip() for p in inner[1].split("…") if len(p.strip()) > 20] if inner else []
    return bool(pieces) and all(p in told for p in pieces)


def _body_and_cites(text: str) -> tuple[list[str], list[str]]:
    """An answer's paragraphs, and its closing source line apart (so two answers share one)."""
    paras = text.split("\n\n")
    if len(paras) > 1 and paras[-1].startswith(("Fuente:", "Source:", "Fuentes:", "Sources:")):
        return paras[:-1], paras[-1:]
    return paras, []


def _part_text(w, part: str, answer: Answer) -> tuple[list[str], list[str]] | None:
    """What one question's own answer adds to a joined reply: its paragraphs and source line; one
    clause when the sources give nothing for it; only the first paragraph of a "No tengo el
    teléfono …" (not the one on what the sources are)."""
    if answer.facts.get("refused") == "nothing matched":
        return [w._("Sobre «{part}», mis fuentes no dicen nada.", part=shorten(part, 80))], []
    body, cites = _body_and_cites(answer.text)
    return (body[:1], []) if "missing" in answer.facts else (body, cites)


_CAPS = re.compile(r"\b[A-Z]{3,8}\b")  # an acronym as typed
_SHOUTED = re.compile(r"\b[A-ZÁÉÍÓÚÑ]{2,}\b")  # a word in capitals


class Parts:
    def _unknown_names(self, text: str) -> list[str]:
        """Acronyms a question names in capitals ("IRM", "OCDE") that no source text, institution or
        acronym has (not a question typed all in capitals)."""
        caps = _CAPS.findall(text)
        if not caps or len(_SHOUTED.findall(text)) * 3 > len(text.split()):
            return []  # (a question typed in capitals)
        known = self.k.actors.by_phrase
        out = []
        for word in dict.fromkeys(caps):
            folded = fold_simple(word)
            if folded in known or acronym_key(word) in self.k._acronyms or folded in self.reader.stop:
                continue
            stems = stem_set(folded)  # (the word itself, never a near one: "IRM" is not "firm")
            if not any(x in self.sentences.postings or x in self.subjects.postings for x in stems):
                out.append(word)
        return out

    def _part_unanswered(self, part: Query, said: frozenset[str], text: str) -> bool:
        """Whether an answer leaves one question of the message unanswered: no value of the kind the
        part asks (a month or year for "cuándo", a figure for "cuánto"), or, for a part of its own
        words ("qué acuerdo hizo obligatorio el registro"), under half of them."""
        if "person" in part.asks or part.answer_type in ("person", "name"):
            return not titled_name(text)
        if part.years and part.answer_type == "number" and not any(str(y) in text for y in part.years):
            return True  # "¿cuántos en 2019 y cuántos en 2023?": a figure of each year asked
        if part.answer_type in ("date", "number"):
            return not holds_type(text, part.answer_type)
        own = stem_set(" ".join(x for x in part.content if x not in part.cue_words))
        return len(own) >= 2 and len(own & said) < len(own) / 2

    def _rest_of_parts(self, text: str, parts: list[str], answer: Answer, locale: str | None) -> Answer:
        """"¿qué decreto es la ley del marino mercante y qué acuerdo hizo obligatorio el registro?":
        the answer found for the message answers one question; each other one is asked on its own,
        about the same subject, and its answer (or one clause saying the sources do not give it)
        follows."""
        body, cites = _body_and_cites(answer.text)
        record = parse_ref(answer.refs[0]) if answer.refs else None
        heading = 1 if record is not None and record.kind == "commitment" and len(body) > 1 else 0
        # (not a commitment's heading: its title found it, it answers nothing asked; nor the source
        # line's "2023-2025")
        told = "\n\n".join(body[heading:])
        said = stem_set(told)
        reads = [self.reader.read(p) for p in parts[:3]]
        open_parts = [(p, r) for p, r in zip(parts, reads, strict=False) if self._part_unanswered(r, said, told)
                      and not (record is not None and record.is_record and r.asks and "count" not in r.asks
                               and all(a in pieces.PIECES for a in r.asks))]  # (a record's answer has a piece per ask)
        if not open_parts or len(open_parts) == len(reads):
            return answer  # (every part looks unanswered: the answer says it in other words)
        whole = self.reader.read(text)
        about = answer.refs[0] if answer.refs else None
        w = self.k.writer(locale or answer.locale)
        refs = list(answer.refs)
        for p, r in open_parts:
            named = [a.acronym for a in whole.acronyms if a not in r.acronyms]  # "q es la POLSAN y hasta q año llega"
            more = self._ask_whole(" ".join([p, *named]), locale or answer.locale, about)
            extra, their_cites = _part_text(w, p, more)
            if more.kind == "answer" and not self._same_subject(answer, cites, more, their_cites):
                continue  # (a part read alone that lands elsewhere answers another question)
            told = "\n".join(body)
            lines = set(told.split("\n"))
            new = [kept for x in extra if (kept := "\n".join(y for y in x.split("\n")
                                                            if y not in lines and not _quoted_in(y, told)))]
            if new:
                body += new
                cites += [c for c in their_cites if c not in cites]
                refs += more.refs
        texts = body + cites
        return make_answer(paragraphs(*texts), w.locale, refs=refs, confidence=answer.confidence,
                           source=answer.source, choices=answer.choices)

    @staticmethod
    def _same_subject(answer: Answer, cites: list[str], more: Answer, their_cites: list[str]) -> bool:
        """Whether a part's own answer is about what the message's answer is about: a record of the
        same commitment, or a sentence of the same section of the same source."""
        mine = {c for r in answer.refs if (c := commitment_of(r))}
        theirs = {c for r in more.refs if (c := commitment_of(r))}
        if mine and theirs:
            return bool(mine & theirs)
        return (bool(cites) and cites == their_cites) or (answer.source is not None and answer.source == more.source)

    def _each_part(self, parts: list[str], whole: Answer, locale: str | None, previous: str | None) -> Answer:
        """"¿cuál es la vigencia del plan y entre qué meses se revisó?": no one record or sentence
        holds both, so each question is answered on its own, the second continuing with the first's
        subject ("… y en qué año se anunció"), and a part the sources do not give says so in one clause."""
        answers: list[Answer] = []
        about = previous
        for part in parts[:3]:
            a = self._ask_whole(part, locale or whole.locale, about)
            answers.append(a)
            about = a.refs[0] if a.kind == "answer" and a.refs else about
        given = [a for a in answers if a.facts.get("refused") != "nothing matched"]  # (or says what is missing)
        if not any(a.kind == "answer" for a in given):
            return whole
        w = self.k.writer(locale or whole.locale)
        texts, cites = [], []
        for p, a in zip(parts, answers, strict=False):
            body, cited = _part_text(w, p, a)
            texts += body
            cites += [c for c in cited if c not in cites]
        return make_answer(paragraphs(*texts, *cites), w.locale, refs=[r for a in given for r in a.refs],
                           confidence=min(a.confidence for a in given), source=given[0].source)
