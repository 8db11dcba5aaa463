"""A scanner for personal data in published text, written apart from the masker (its own
patterns, looser ones) so that a gap in the masker shows up instead of being shared."""

import re

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Whatever may stand between the digits of one number; the scanner joins them all.
# Up to three of them, as the masker promises (not a line break: dates one a line).
_BETWEEN_DIGITS = re.compile(r"(?<=[0-9])[ \t\-\u2010-\u2015.\u00b7()]{1,3}(?=[0-9Xx])")
PATTERNS = {
    "mobile": re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])"),
    "id card": re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])"),
    "landline": re.compile(r"(?<![0-9])0[0-9]{2,3}[0-9]{7,8}(?![0-9])"),
    "e-mail": re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"),
}


def personal_data_in(text: str, planted: list[str] | tuple[str, ...] = ()) -> list[str]:
    """What looks personal in `text`: phone, ID-card and e-mail patterns, and any of the
    `planted` values (as written, and with separators dropped)."""
    flat = _BETWEEN_DIGITS.sub("", text.translate(_FULL_WIDTH))
    found = [f"{kind}: {m[0]}" for kind, p in PATTERNS.items() for m in p.finditer(flat)]
    for value in planted:
        if value in text or _BETWEEN_DIGITS.sub("", value) in flat:
            found.append(f"planted: {value}")
    return found
