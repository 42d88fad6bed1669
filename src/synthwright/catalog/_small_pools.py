"""Small pools built from tables in code: e-mail domains per locale and file kinds.

These are formats and shares, not vocabularies (the vocabularies come from
the data packages, see `_pools`); each is cheap to build, so none is cached
on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa

from ._locales import LOCALES

# --- e-mail domains ----------------------------------------------------------

_COMMON_DOMAINS = {"gmail.com": 0.45, "outlook.com": 0.12, "yahoo.com": 0.1, "icloud.com": 0.06}
_LOCALE_DOMAINS: dict[str, dict[str, float]] = {
    "en_US": {"hotmail.com": 0.08, "aol.com": 0.03, "comcast.net": 0.02},
    "en_GB": {"hotmail.co.uk": 0.1, "btinternet.com": 0.05, "yahoo.co.uk": 0.05},
    "de_DE": {"gmx.de": 0.15, "web.de": 0.15, "t-online.de": 0.08},
    "fr_FR": {"orange.fr": 0.12, "free.fr": 0.08, "laposte.net": 0.05, "hotmail.fr": 0.05},
    "es_ES": {"hotmail.es": 0.12, "telefonica.net": 0.04, "yahoo.es": 0.05},
    "it_IT": {"libero.it": 0.15, "virgilio.it": 0.06, "alice.it": 0.04},
    "nl_NL": {"ziggo.nl": 0.08, "kpnmail.nl": 0.06, "hotmail.nl": 0.06},
    "pt_BR": {"hotmail.com": 0.12, "uol.com.br": 0.08, "bol.com.br": 0.05},
    "ja_JP": {"yahoo.co.jp": 0.2, "docomo.ne.jp": 0.06, "ezweb.ne.jp": 0.04},
}


@dataclass(frozen=True)
class DomainPool:
    """E-mail domains: one pool, and per locale a CDF over its indices."""

    values: pa.Array
    cdf: np.ndarray  # (locales, domains), each row cumulative weights ending at 1

    def draw(self, rng: np.random.Generator, locale_ids: np.ndarray) -> np.ndarray:
        u = rng.random(len(locale_ids))
        out = np.empty(len(locale_ids), dtype=np.int64)
        uniq = np.unique(locale_ids)
        for loc in uniq.tolist():
            rows = locale_ids == loc if len(uniq) > 1 else slice(None)
            out[rows] = np.searchsorted(self.cdf[loc], u[rows], side="right")
        return np.minimum(out, self.cdf.shape[1] - 1)


@lru_cache(maxsize=1)
def email_domains() -> DomainPool:
    """Free-mail domains weighted per locale (global ones plus locale-typical ones)."""
    all_domains = list(_COMMON_DOMAINS)
    for extra in _LOCALE_DOMAINS.values():
        all_domains += [d for d in extra if d not in all_domains]
    weights = np.zeros((len(LOCALES), len(all_domains)))
    for li, loc in enumerate(LOCALES):
        for d, w in {**_COMMON_DOMAINS, **_LOCALE_DOMAINS[loc]}.items():
            weights[li, all_domains.index(d)] = w
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    cdf[:, -1] = 1.0
    return DomainPool(pa.array(all_domains, type=pa.string()), cdf)


# --- files -------------------------------------------------------------------

#: Common file extensions with a rough share of files people keep, and the
#: folder such files live in. Mime types come from the stdlib ``mimetypes``.
_FILE_KINDS = (
    ("pdf", 12, "Documents"), ("docx", 8, "Documents"), ("xlsx", 6, "Documents"),
    ("pptx", 3, "Documents"), ("txt", 6, "Documents"), ("csv", 5, "Documents"),
    ("md", 2, "Documents"), ("rtf", 1, "Documents"), ("odt", 1, "Documents"),
    ("jpg", 14, "Pictures"), ("png", 8, "Pictures"), ("gif", 2, "Pictures"),
    ("svg", 1, "Pictures"), ("webp", 1, "Pictures"), ("mp4", 4, "Videos"),
    ("mov", 2, "Videos"), ("mp3", 4, "Music"), ("wav", 1, "Music"),
    ("zip", 4, "Downloads"), ("gz", 1, "Downloads"), ("json", 2, "Projects"),
    ("xml", 1, "Projects"), ("html", 2, "Projects"), ("py", 1, "Projects"),
    ("js", 1, "Projects"),
)  # fmt: skip


@dataclass(frozen=True)
class FileKinds:
    """(extension, mime type, folder) triples with weights; index = the row's file kind."""

    extensions: pa.Array
    mimes: pa.Array
    folders: pa.Array
    weights: np.ndarray


@lru_cache(maxsize=1)
def file_kinds() -> FileKinds:
    """File kinds with mime types from the stdlib ``mimetypes`` built-in table.

    A fresh ``MimeTypes()`` ignores /etc/mime.types, so output is the same on every machine.
    """
    import mimetypes

    db = mimetypes.MimeTypes()
    fallback = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "md": "text/markdown",
        "gz": "application/gzip",
        "odt": "application/vnd.oasis.opendocument.text",
        "webp": "image/webp",
    }
    rows = []
    for ext, weight, folder in _FILE_KINDS:
        mime = db.types_map[True].get(f".{ext}") or fallback.get(ext)
        if mime:
            rows.append((ext, mime, folder, weight))
    return FileKinds(
        extensions=pa.array([r[0] for r in rows], type=pa.string()),
        mimes=pa.array([r[1] for r in rows], type=pa.string()),
        folders=pa.array([r[2] for r in rows], type=pa.string()),
        weights=np.array([r[3] for r in rows], dtype=np.float64),
    )
