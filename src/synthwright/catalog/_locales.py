"""The supported locales and how their names are spelled, in one fixed order.

A locale's index in :data:`LOCALES` is its id in every locale-dependent pool
(and in the cached pool files), so the order here is part of the output:
append, never reorder.
"""

from __future__ import annotations

#: Supported locales, in a fixed order (their index is the locale id in pools).
LOCALES: tuple[str, ...] = (
    "en_US",
    "en_GB",
    "de_DE",
    "fr_FR",
    "es_ES",
    "it_IT",
    "nl_NL",
    "pt_BR",
    "ja_JP",
)
MIMESIS_LOCALE: dict[str, str] = {
    "en_US": "en",
    "en_GB": "en-gb",
    "de_DE": "de",
    "fr_FR": "fr",
    "es_ES": "es",
    "it_IT": "it",
    "nl_NL": "nl",
    "pt_BR": "pt-br",
    "ja_JP": "ja",
}
LOCALE_COUNTRY: dict[str, str] = {loc: loc[-2:] for loc in LOCALES}
COUNTRY_LOCALE: dict[str, str] = {cc: loc for loc, cc in LOCALE_COUNTRY.items()}


def resolve_locale(locale: str | None) -> str:
    """The canonical spelling (``en_US``) of a locale; accepts ``en-US``/``en_us``.

    Raises ValueError naming the supported locales for anything else.
    """
    text = (locale or "en_US").strip().replace("-", "_")
    if "_" in text:
        lang, region = text.split("_", 1)
        text = f"{lang.lower()}_{region.upper()}"
    if text not in MIMESIS_LOCALE:
        raise ValueError(f"unsupported locale {locale!r}; supported: {', '.join(LOCALES)}")
    return text


def locale_id(locale: str | None) -> int:
    """Index of a locale in :data:`LOCALES` (the row key of locale pools)."""
    return LOCALES.index(resolve_locale(locale))
