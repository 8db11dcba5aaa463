"""Receipt codes (回执号): what a resident keeps to follow a suggestion.

Eight random symbols and one check symbol, shown as ``XXXX-XXXXX``. The alphabet is
Crockford's base 32 without ``Z`` (easily read as ``2``): 31 symbols, a prime, so a
position-weighted checksum modulo 31 catches every single wrong symbol and every
swap of two neighbours. Reading back is forgiving: case, spaces, dashes and the
look-alikes ``O``→``0`` and ``I``/``L``→``1`` do not matter.
About 8.5 × 10¹¹ codes: unguessable at the rate the public endpoints allow.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
RANDOM_LENGTH = 8
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V", "Z": "2"})


def _check_symbol(body: str) -> str:
    total = sum((position + 1) * _VALUE[symbol] for position, symbol in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_receipt_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + _check_symbol(body)


def format_receipt_code(code: str) -> str:
    """``ABCD2345K`` → ``ABCD-2345K`` for display and print."""
    return f"{code[:4]}-{code[4:]}"


def parse_receipt_code(text: str) -> str | None:
    """The canonical code for what a resident typed, or None if it cannot be one."""
    cleaned = "".join(text.split()).replace("-", "").replace("－", "").upper()
    cleaned = cleaned.translate(_LOOK_ALIKES)
    if len(cleaned) != RANDOM_LENGTH + 1 or any(symbol not in _VALUE for symbol in cleaned):
        return None
    if _check_symbol(cleaned[:-1]) != cleaned[-1]:
        return None
    return cleaned
