"""Receipt codes (回执号): what a resident keeps to follow a suggestion.

Eight random symbols and one check symbol, shown as ``XXXX-XXXXX``. The alphabet is
Crockford's base 32 without ``Z`` (easily read as ``2``): 31 symbols, a prime, so a
position-weighted checksum modulo 31 catches every single wrong symbol and every
swap of two neighbours. Reading back is forgiving: case, spaces, dashes, full-width
forms and the look-alikes ``O``→``0`` and ``I``/``L``→``1`` do not matter.
About 8.5 × 10¹¹ codes: unguessable at the rate the public endpoints allow.
"""

import enum
import secrets
import unicodedata

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
RANDOM_LENGTH = 8
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V", "Z": "2"})


class _Problem(enum.Enum):
    """Why what was typed cannot be a receipt code, in the order it is checked."""

    SYMBOLS = "symbols"
    LENGTH = "length"
    CHECK = "check"


def _check_symbol(body: str) -> str:
    total = sum((position + 1) * _VALUE[symbol] for position, symbol in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_receipt_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + _check_symbol(body)


def format_receipt_code(code: str) -> str:
    """``ABCD2345Y`` → ``ABCD-2345Y`` for display and print."""
    return f"{code[:4]}-{code[4:]}"


# A valid code, so that a resident who types the help's example meets "not found",
# never "wrong code"; every help text calls it 示例.
EXAMPLE_CODE = format_receipt_code("ABCD2345" + _check_symbol("ABCD2345"))


def _clean(text: str) -> str:
    # NFKC: a phone keyboard in full-width mode types "ＡＢＣＤ－２３４５Ｙ".
    cleaned = "".join(unicodedata.normalize("NFKC", text).split()).replace("-", "").upper()
    return cleaned.translate(_LOOK_ALIKES)


def _problem(cleaned: str) -> _Problem | None:
    if any(symbol not in _VALUE for symbol in cleaned):
        return _Problem.SYMBOLS
    if len(cleaned) != RANDOM_LENGTH + 1:
        return _Problem.LENGTH
    if _check_symbol(cleaned[:-1]) != cleaned[-1]:
        return _Problem.CHECK
    return None


def parse_receipt_code(text: str) -> str | None:
    """The canonical code for what a resident typed, or None if it cannot be one."""
    cleaned = _clean(text)
    return None if _problem(cleaned) else cleaned


def explain_receipt_code(text: str) -> str | None:
    """Why what a resident typed is not a receipt code, in words; None if it is one."""
    cleaned = _clean(text)
    problem = _problem(cleaned)
    if problem is _Problem.SYMBOLS:
        foreign = "".join(dict.fromkeys(s for s in cleaned if s not in _VALUE))
        return _(
            "回执号只由数字和英文字母组成，不含“%(foreign)s”，请核对（示例：%(example)s）。"
        ) % {"foreign": foreign[:10], "example": EXAMPLE_CODE}
    if problem is _Problem.LENGTH:
        return _(
            "回执号应为 9 位（不算横线和空格），您输入了 %(length)d 位（示例：%(example)s）。"
        ) % {"length": len(cleaned), "example": EXAMPLE_CODE}
    if problem is _Problem.CHECK:
        return _("回执号的最后一位（校验位）对不上：可能有一位输错或两位颠倒，请逐位核对。")
    return None
