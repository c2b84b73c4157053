"""find_confusable_words / fold_confusables: words that imitate Latin with letters of another script."""

from __future__ import annotations

import time
import unicodedata

import pytest

from mcts.text.confusables import (
    LOOKALIKES,
    ConfusableWord,
    find_confusable_words,
    fold_confusables,
    script_of,
    writes_in,
)

CYR_A, CYR_E, CYR_O, CYR_P, CYR_C, CYR_X = "\u0430", "\u0435", "\u043e", "\u0440", "\u0441", "\u0445"
GREEK_O, GREEK_NU, GREEK_RHO = "\u03bf", "\u03bd", "\u03c1"

FOUND = [
    # (text, [(word, scripts, skeleton, whole_word)]) -- NOT OK: each imitates a Latin word
    (f"p{CYR_A}ypal login", [(f"p{CYR_A}ypal", ("Latin", "Cyrillic"), "paypal", False)]),
    (f"r{CYR_E}ad_fil{CYR_E}", [(f"r{CYR_E}ad_fil{CYR_E}", ("Latin", "Cyrillic"), "read_file", False)]),
    (f"Please {CYR_P}{CYR_A}ssw{CYR_O}rd now",
     [(f"{CYR_P}{CYR_A}ssw{CYR_O}rd", ("Cyrillic", "Latin"), "password", False)]),
    (f"g{GREEK_O}{GREEK_O}gle", [(f"g{GREEK_O}{GREEK_O}gle", ("Latin", "Greek"), "google", False)]),
    (f"{GREEK_NU}erify", [(f"{GREEK_NU}erify", ("Greek", "Latin"), "verify", False)]),
    ("\u0399gnore all", [("\u0399gnore", ("Greek", "Latin"), "Ignore", False)]),  # Greek capital iota
    ("\u0585pen the door", [("\u0585pen", ("Armenian", "Latin"), "open", False)]),  # Armenian oh
    (f"git-{CYR_P}ush", [(f"{CYR_P}ush", ("Cyrillic", "Latin"), "push", False)]),
    # a whole word of look-alikes among Latin words
    (f"then run {CYR_E}{CYR_X}{CYR_E}{CYR_C} now", [(f"{CYR_E}{CYR_X}{CYR_E}{CYR_C}", ("Cyrillic",), "exec", True)]),
    (f"Run {GREEK_RHO}{GREEK_O}\u03bf\u03c4 here", [(f"{GREEK_RHO}{GREEK_O}\u03bf\u03c4", ("Greek",), "poot", True)]),
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_found(text: str, expected: list[tuple[str, tuple[str, ...], str, bool]]) -> None:
    words = find_confusable_words(text)
    assert [(w.word, w.scripts, w.skeleton, w.whole_word) for w in words] == expected
    for word in words:
        assert text[word.start : word.end] == word.word


NOT_FOUND = [
    # OK: real writing and symbols
    "Reads a file and returns its contents.",
    "Возвращает список файлов в каталоге.",  # Russian
    f"{CYR_C}{CYR_O}{CYR_P}",  # a Russian word made of look-alikes, alone: may be real writing
    f"Это {CYR_E}{CYR_X}{CYR_E}{CYR_C} строка",  # look-alike word among Russian words
    "Ελληνικά κείμενα",  # Greek
    "latency in µs, Δt between events, π and λ-calculus, 10 kΩ, σ², αi",  # symbols and variables
    "μs after NFKC",  # the micro sign normalized to Greek mu
    "iPhoneの設定, API-ключ, Dockerфайл, commitов",  # Latin brand + real Cyrillic or Japanese letters
    "読み取り専用のファイル",
    "naïve café résumé Ångström Straße",
    f"{CYR_A}{CYR_E}",  # too short to spoof anything
    "",
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_not_found(text: str) -> None:
    assert find_confusable_words(text) == []
    assert fold_confusables(text) == text


def test_fold_replaces_only_the_spoofed_words() -> None:
    text = f"Use {CYR_P}{CYR_A}ypal or Dockerфайл, Ελληνικά."
    assert fold_confusables(text) == "Use paypal or Dockerфайл, Ελληνικά."


def test_skeleton_keeps_case_and_positions() -> None:
    [word] = find_confusable_words("x \u0410dmin y")  # Cyrillic capital A
    assert word == ConfusableWord(2, 7, "\u0410dmin", ("Cyrillic", "Latin"), "Admin", False)


def test_limit() -> None:
    text = " ".join([f"p{CYR_A}ypal"] * 50)
    assert len(find_confusable_words(text, limit=7)) == 7
    assert len(find_confusable_words(text)) == 50


def test_table_maps_other_scripts_to_ascii_letters() -> None:
    for char, latin in LOOKALIKES.items():
        assert script_of(char) in {"Cyrillic", "Greek", "Armenian", "Cherokee"}, hex(ord(char))
        assert latin.isascii()
        assert latin.isalpha()
        assert unicodedata.category(char).startswith("L")


def test_script_of() -> None:
    assert script_of("a") == "Latin"
    assert script_of("é") == "Latin"
    assert script_of(CYR_A) == "Cyrillic"
    assert script_of(GREEK_O) == "Greek"
    assert script_of("中") == "Other"


def test_writes_in() -> None:
    assert writes_in("Cyrillic", "Подключается")  # п, д, л, ю, ч: letters with no Latin look-alike
    assert not writes_in("Cyrillic", f"p{CYR_A}ypal {CYR_C}{CYR_O}{CYR_P}")  # only look-alikes
    assert writes_in("Greek", "Ελληνικά")
    assert not writes_in("Greek", "plain English")
    assert not writes_in("Latin", "anything")  # Latin is the script imitated, never the imitator


def test_long_inputs_stay_linear() -> None:
    for text in (f"p{CYR_A}ypal " * 20_000, CYR_A * 200_000 + "ж", "a" * 200_000 + CYR_A, "Это текст. " * 20_000):
        t0 = time.perf_counter()
        find_confusable_words(text, limit=100)
        fold_confusables(text)
        assert time.perf_counter() - t0 < 2.0
