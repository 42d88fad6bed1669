"""Ascii folding of names, for e-mail local parts and user names.

Kept apart from the pools because it is plain text processing (no data
packages), shared by the name pools and the region matching of the cities.
"""

from __future__ import annotations

import unicodedata

_KANA = {
    # Hepburn romanisation of the kana syllabary: enough to spell katakana and
    # hiragana given names; kanji have no reading in the data (see fold_ascii).
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he", "ホ": "ho",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヲ": "o", "ン": "n",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
    "ャ": "ya", "ュ": "yu", "ョ": "yo", "ッ": "", "ー": "",
}  # fmt: skip
_SYLLABLES = [s for s in dict.fromkeys(_KANA.values()) if len(s) == 2]


def _kana_to_romaji(text: str) -> str:
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if 0x3041 <= code <= 0x3096:  # hiragana -> katakana
            ch = chr(code + 0x60)
        roman = _KANA.get(ch)
        if roman is None:
            return ""
        if ch in "ャュョ" and out and out[-1].endswith("i"):  # キャ -> kya, シャ -> sha
            prev = out.pop()
            roman = prev[:-1] + (roman[1:] if prev in ("shi", "chi", "ji") else roman)
        out.append(roman)
    return "".join(out)


def fold_ascii(text: str) -> str:
    """Lower-case ASCII letters of a name, for e-mail local parts and user names.

    Accents are stripped (``Müller`` -> ``muller``); kana is romanised; a name
    that folds to nothing (kanji) gets a stable pseudo-reading built from kana
    syllables keyed by the name, so it still looks like a romanised name.
    Digits are dropped so that appended numbers keep addresses unambiguous.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    folded = "".join(c for c in decomposed if "a" <= c.lower() <= "z").lower()
    if folded:
        return folded
    roman = _kana_to_romaji(text)
    if roman:
        return roman
    import hashlib

    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    count = 2 + digest[0] % 2
    return "".join(_SYLLABLES[b % len(_SYLLABLES)] for b in digest[1 : 1 + count])
