"""Django's own message catalogues (.po files), read at test time.

Django's English catalogue lists every message id of the installed version; its
zh_Hans catalogue says which of them Django translates. Our zh_Hans catalogue
(zhongzhi/locale/zh_Hans) fills the gaps.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings

DJANGO = Path(django.__file__).resolve().parent
OURS = Path(settings.BASE_DIR) / "zhongzhi" / "locale"


@dataclass(frozen=True)
class Message:
    context: str
    msgid: str
    plural: str
    translated: bool  # a non-empty msgstr, not marked fuzzy


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    """The string of a .po line between its quotes, its C escapes undone."""
    return _ESCAPE.sub(lambda match: _ESCAPES.get(match.group(1), match.group(1)), text)


def read_po(path: Path) -> list[Message]:
    """The entries of a .po file (the header left out)."""
    messages: list[Message] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        fields: dict[str, str] = {}
        fuzzy = False
        current = ""
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if not line or line.startswith("#"):
                continue
            match = _KEYWORD.match(line)
            if match:
                current = match.group(1).split("[")[0]
                fields[current] = fields.get(current, "") + _unquote(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += _unquote(line[1:-1])
        if fields.get("msgid"):
            messages.append(
                Message(
                    context=fields.get("msgctxt", ""),
                    msgid=fields["msgid"],
                    plural=fields.get("msgid_plural", ""),
                    translated=bool(fields.get("msgstr")) and not fuzzy,
                )
            )
    return messages


def django_catalogues(domain: str = "django") -> list[Path]:
    """The locale directories of Django and of the installed django.contrib apps."""
    roots = [DJANGO / "conf" / "locale"]
    for app in settings.INSTALLED_APPS:
        if app.startswith("django.contrib."):
            roots.append(DJANGO / "contrib" / app.rsplit(".", 1)[1] / "locale")
    return [root for root in roots if (root / "en" / "LC_MESSAGES" / f"{domain}.po").exists()]


def po(root: Path, language: str, domain: str = "django") -> Path:
    return root / language / "LC_MESSAGES" / f"{domain}.po"
