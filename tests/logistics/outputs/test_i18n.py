import datetime as dt
import string

import pytest

from logistics.outputs.i18n import STRINGS, format_date, format_short_date, t


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert STRINGS["fr"].keys() == STRINGS["en"].keys()
    formatter = string.Formatter()
    for key, french in STRINGS["fr"].items():
        fields_fr = {name for _, name, _, _ in formatter.parse(french) if name}
        fields_en = {name for _, name, _, _ in formatter.parse(STRINGS["en"][key]) if name}
        assert fields_fr == fields_en, key


@pytest.mark.parametrize(
    ("day", "lang", "expected"),
    [
        (dt.date(2026, 12, 1), "fr", "mardi 1er décembre 2026"),
        (dt.date(2026, 12, 3), "fr", "jeudi 3 décembre 2026"),
        (dt.date(2026, 8, 15), "fr", "samedi 15 août 2026"),
        (dt.date(2026, 12, 1), "en", "Tuesday 1 December 2026"),
    ],
)
def test_format_date(day: dt.date, lang: str, expected: str) -> None:
    assert format_date(day, lang) == expected


def test_short_date() -> None:
    assert format_short_date(dt.date(2026, 12, 1), "fr") == "mar. 01/12"
    assert format_short_date(dt.date(2026, 12, 1), "en") == "Tue 01/12"


def test_t_fills_placeholders_and_defaults_to_french() -> None:
    assert t("action.deliver") == "livraison"
    assert t("action.deliver", "en") == "delivery"
    assert t("sheet.trip", "fr", n=2) == "Tour 2"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="lang"):
        t("action.deliver", "de")
    with pytest.raises(ValueError, match="lang"):
        format_date(dt.date(2026, 12, 1), "es")
