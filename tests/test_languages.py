"""Every message, label and console word exists in Dutch, French and English."""

from __future__ import annotations

import re
import string

import pytest

from numnum_xl import push
from numnum_xl.catalogue import FIELDS
from numnum_xl.commands import _common
from numnum_xl.commands.push import _W
from numnum_xl.messages import LANGS, MESSAGES, TERMS, render

CODES = sorted(MESSAGES)
#: words that are the same in the three languages (names, codes)
_SAME = re.compile(r"^[\W\d_]*(IBAN|BIC|NumNum|Peppol|Exact|ID|OK)?[\W\d_]*$")


def _params(code: str) -> dict[str, str]:
    names = {name for lang in range(3)
             for _, name, _, _ in string.Formatter().parse(MESSAGES[code][lang]) if name}
    p = {name: f"<{name}>" for name in names}
    p["field"] = "vat_id"
    p.pop("label", None)
    p.pop("hint", None)
    p["country"] = "NL"
    return p


@pytest.mark.parametrize("code", CODES)
def test_every_code_renders_in_three_languages(code: str) -> None:
    texts = [render(code, lang, _params(code), "S") for lang in LANGS]
    for lang, text in zip(LANGS, texts, strict=True):
        assert "{" not in text and "}" not in text, (code, lang, text)
        assert text.strip(), (code, lang)
    # no language falls back on another: the three texts differ
    assert len(set(texts)) == 3, (code, texts)
    # each text is written in its own language: the suggestion word and the country name
    assert texts[0].endswith("Voorstel: S") and texts[1].endswith("Suggestion : S")
    if "<country>" not in str(_params(code)) and "{country}" in MESSAGES[code][0]:
        assert "Nederland" in texts[0] and "Pays-Bas" in texts[1] \
            and "Netherlands" in texts[2]


def test_french_typography_and_no_dutch_words_in_french() -> None:
    dutch = re.compile(r"\b(het|een|niet|kolom|rij|klant|btw|BTW|landcode|bv\.)\b")
    for code, (_, fr, en) in MESSAGES.items():
        assert not dutch.search(fr), (code, fr)
        assert not dutch.search(en), (code, en)
        # a French colon or semicolon has a space before it
        assert not re.search(r"\w[:;](\s|$)", fr.replace("http:", "")), (code, fr)


def test_dutch_writes_btw_and_u() -> None:
    for code, (nl, _, _) in MESSAGES.items():
        assert "BTW" not in nl, code
        assert not re.search(r"\b(je|jij|jouw)\b", nl), code


def test_terms_labels_and_console_words_exist_in_three_languages() -> None:
    for key, texts in TERMS.items():
        assert len(texts) == 3 and len(set(texts)) == 3, key
    for f in FIELDS:
        labels = [f.label(lang) for lang in LANGS]
        assert all(labels), f.key
    for key, texts in _common.WORDS.items():
        assert len(set(texts)) == 3, key
    for lang in LANGS:
        assert set(push.text(lang)) == set(push.text("nl"))
        assert set(_W[lang]) == set(_W["nl"])
    assert push.text("fr")["created"] != push.text("nl")["created"]


def test_legal_form_suggestion_follows_the_language() -> None:
    from numnum_xl.rules.choice import check_legal_form

    issue = check_legal_form("SPRL")[0]
    nl, fr = (render(issue.code, lang, issue.params, issue.suggestion) for lang in ("nl", "fr"))
    assert nl.endswith("Voorstel: BV") and fr.endswith("Suggestion : srl")
    assert "BVBA" not in nl and "BVBA" not in fr  # an abolished form is never recommended
