"""The '扫码提建议' poster of a campaign: A4, a red header with the theme, the slogan,
a big QR code of the campaign's public page, and who runs it. PNG and PDF.

Drawing Chinese needs a CJK font on the machine (Debian: ``fonts-wqy-microhei`` or
``fonts-noto-cjk``, installed by ``scripts/bootstrap``). Without one we refuse with
`PosterFontMissing` instead of printing boxes where the characters should be.
Set ``ZHONGZHI_POSTER_FONT`` (settings or environment) to use a font file of your own.
"""

import functools
import io
import os
import shutil
import subprocess
from dataclasses import dataclass

import qrcode
import qrcode.constants
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont
from qrcode.image.pil import PilImage

DPI = 200
# A4 is 210 × 297 mm.
WIDTH = round(210 / 25.4 * DPI)
HEIGHT = round(297 / 25.4 * DPI)
RED = (192, 57, 43)
INK = (31, 41, 51)
MUTED = (102, 114, 127)
WHITE = (255, 255, 255)

# Tried in order; the first that exists wins. Simplified-Chinese faces first.
KNOWN_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]


class PosterFontMissing(RuntimeError):
    """No font that can draw Chinese is installed."""


@dataclass(frozen=True)
class PosterContent:
    theme: str
    slogan: str
    campaign_name: str
    owner_name: str
    url: str


@dataclass(frozen=True)
class _FontFace:
    path: str
    index: int


def _configured_font() -> str:
    return str(
        getattr(settings, "ZHONGZHI_POSTER_FONT", "") or os.environ.get("ZHONGZHI_POSTER_FONT", "")
    )


def _fc_list_fonts() -> list[str]:
    """Font files fontconfig knows for Chinese, Simplified faces first."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        listed = subprocess.run(
            [fc_list, "-f", "%{file}|%{family}\n", ":lang=zh"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    rows = [line.split("|", 1) for line in listed.splitlines() if "|" in line]
    rows.sort(key=lambda row: (" SC" not in row[1] and "CN" not in row[1], row[0]))
    return [row[0] for row in rows]


def _best_index(path: str) -> int:
    """In a collection (.ttc), the Simplified Chinese face if there is one."""
    if not path.lower().endswith(".ttc"):
        return 0
    for index in range(12):
        try:
            family = ImageFont.truetype(path, 12, index=index).getname()[0] or ""
        except OSError:
            break
        if family.endswith(" SC") or " SC " in family:
            return index
    return 0


@functools.cache
def _find_face(configured: str) -> _FontFace | None:
    candidates = [configured] if configured else []
    candidates += KNOWN_FONTS + _fc_list_fonts()
    for path in candidates:
        if not os.path.isfile(path):
            continue
        try:
            ImageFont.truetype(path, 12)
        except OSError:
            continue
        return _FontFace(path, _best_index(path))
    return None


def find_cjk_font() -> str | None:
    """Path of the font the poster will use, or None if none is installed."""
    face = _find_face(_configured_font())
    return face.path if face else None


def _font(size: int) -> ImageFont.FreeTypeFont:
    face = _find_face(_configured_font())
    if face is None:
        raise PosterFontMissing(
            _(
                "海报需要中文字体，但本机没有安装。请安装 Debian 软件包 fonts-wqy-microhei 或 "
                "fonts-noto-cjk（scripts/bootstrap 会自动安装），"
                "或用 ZHONGZHI_POSTER_FONT 指定字体文件。"
            )
        )
    return ImageFont.truetype(face.path, size, index=face.index)


# Punctuation that must not start a line (禁则): it joins the line before.
_NO_LINE_START = set("，。、；：！？）》」』”’…·,.;:!?)]")


def _tokens(paragraph: str) -> list[str]:
    """Characters, with Latin words and numbers kept whole."""
    tokens: list[str] = []
    word = ""
    for char in paragraph:
        if char.isascii() and not char.isspace():
            word += char
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(char)
    if word:
        tokens.append(word)
    return tokens


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float
) -> list[str]:
    """Break Chinese text by characters (Latin words kept whole) to fit the width."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        tokens: list[str] = []
        for token in _tokens(paragraph):
            # A word wider than the line (a long address) is broken anywhere.
            too_wide = len(token) > 1 and draw.textlength(token, font=font) > width
            tokens.extend(token if too_wide else [token])
        for token in tokens:
            fits = draw.textlength(line + token, font=font) <= width
            if fits or not line.strip() or token in _NO_LINE_START:
                line += token
            else:
                lines.append(line.strip())
                line = token
        lines.append(line.strip())
    return [line for line in lines if line]


def _balanced(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    """Wrapped to the narrowest width that needs no more lines, so they look even."""
    lines = _wrap(draw, text, font, width)
    if len(lines) < 2:
        return lines
    narrow = float(width)
    while narrow > width / 3:
        trial = _wrap(draw, text, font, narrow * 0.97)
        if len(trial) > len(lines):
            break
        narrow *= 0.97
    return _wrap(draw, text, font, narrow)


def _fit(
    draw: ImageDraw.ImageDraw, text: str, size: int, width: int, max_lines: int, min_size: int
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font (from `size` down) that sets the text in at most `max_lines`."""
    while True:
        font = _font(size)
        lines = _balanced(draw, text, font, width)
        if len(lines) <= max_lines or size <= min_size:
            if len(lines) > max_lines:
                lines = _wrap(draw, text, font, width)[:max_lines]
                lines[-1] = lines[-1][:-1] + "…"
            return font, lines
        size = max(min_size, int(size * 0.9))


def _height(lines: list[str], font: ImageFont.FreeTypeFont, spacing: float = 1.35) -> int:
    return len(lines) * round(font.size * spacing)


def _centered(
    draw: ImageDraw.ImageDraw,
    lines: list[str],
    font: ImageFont.FreeTypeFont,
    top: int,
    fill: tuple[int, int, int],
    *,
    bold: bool = False,
    spacing: float = 1.35,
) -> int:
    """Draw lines centred; return the y below the last one."""
    line_height = round(font.size * spacing)
    stroke = max(1, round(font.size / 40)) if bold else 0
    for number, line in enumerate(lines):
        y = top + number * line_height + (line_height - font.size) // 2
        draw.text(
            (WIDTH / 2, y),
            line,
            font=font,
            fill=fill,
            anchor="mt",
            stroke_width=stroke,
            stroke_fill=fill,
        )
    return top + len(lines) * line_height


def _qr_image(url: str, size: int) -> Image.Image:
    """The QR code with its quiet zone, whole pixels per module, at most `size` wide."""
    border = 2
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=border
    )
    code.add_data(url)
    code.make(fit=True)
    code.box_size = max(1, size // (code.modules_count + 2 * border))
    return code.make_image(image_factory=PilImage).get_image().convert("RGB")


def qr_png(url: str) -> bytes:
    """The QR code at one pixel per module: a few hundred bytes, for a page that shows
    many (the receipt slips) and scales them up sharp (`image-rendering: pixelated`)."""
    buffer = io.BytesIO()
    _qr_image(url, 0).convert("1").save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def render_poster(content: PosterContent) -> Image.Image:
    """The poster as an RGB image of an A4 page at `DPI`."""
    _font(12)  # fail early and clearly without a CJK font
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    margin = WIDTH // 12
    text_width = WIDTH - 2 * margin
    gap = HEIGHT // 50

    # Everything but the QR code is set first; the QR code gets the space that is left.
    theme = content.theme.strip() or content.campaign_name.strip()
    theme_font, theme_lines = _fit(draw, theme, WIDTH // 13, text_width, 2, WIDTH // 26)
    slogan = content.slogan.strip()
    slogan_font, slogan_lines = _fit(draw, slogan, WIDTH // 20, text_width, 2, WIDTH // 32)
    call_font = _font(WIDTH // 10)
    small = _font(WIDTH // 38)
    hint = _(
        "用微信或手机相机扫一扫，写下您的意见建议；提交后会得到回执号，可随时查询办理进度和答复。"
    )
    hint_lines = _balanced(draw, hint, small, text_width)
    name_font, name_lines = _fit(
        draw, content.campaign_name, WIDTH // 28, text_width, 2, WIDTH // 42
    )
    owner_lines = (
        _wrap(draw, _("主办：%(owner)s") % {"owner": content.owner_name}, small, text_width)
        if content.owner_name
        else []
    )
    tiny = _font(WIDTH // 52)
    url_lines = _wrap(draw, content.url, tiny, text_width)

    # Red header with the theme (or the campaign's name when there is no theme).
    header_height = max(round(HEIGHT * 0.17), _height(theme_lines, theme_font) + 4 * gap)
    draw.rectangle((0, 0, WIDTH, header_height), fill=RED)
    theme_top = (header_height - _height(theme_lines, theme_font)) // 2
    _centered(draw, theme_lines, theme_font, theme_top, WHITE, bold=True)

    y = header_height + 2 * gap
    if slogan_lines:
        y = _centered(draw, slogan_lines, slogan_font, y, RED, bold=True) + gap
    y = _centered(draw, [_("扫码提建议")], call_font, y, INK, bold=True, spacing=1.3) + gap

    # Footer from the bottom up: campaign, owner, address.
    footer_height = (
        _height(name_lines, name_font) + _height(owner_lines, small) + _height(url_lines, tiny)
    )
    footer_top = HEIGHT - footer_height - 3 * gap
    hint_top = footer_top - 2 * gap - _height(hint_lines, small)

    frame = WIDTH // 120
    qr_size = min(round(WIDTH * 0.62), hint_top - y - 2 * gap - 2 * frame)
    qr = _qr_image(content.url, qr_size)
    qr_left = (WIDTH - qr.width) // 2
    qr_top = y + frame + (hint_top - 2 * gap - y - 2 * frame - qr.height) // 2
    draw.rectangle(
        (
            qr_left - frame,
            qr_top - frame,
            qr_left + qr.width + frame - 1,
            qr_top + qr.height + frame - 1,
        ),
        outline=RED,
        width=frame,
    )
    image.paste(qr, (qr_left, qr_top))

    _centered(draw, hint_lines, small, hint_top, MUTED)
    draw.line(
        (margin, footer_top, WIDTH - margin, footer_top), fill=RED, width=max(2, WIDTH // 400)
    )
    y = _centered(draw, name_lines, name_font, footer_top + gap, INK, bold=True)
    y = _centered(draw, owner_lines, small, y, INK)
    _centered(draw, url_lines, tiny, y, MUTED)
    return image


def poster_png(content: PosterContent) -> bytes:
    buffer = io.BytesIO()
    render_poster(content).save(buffer, format="PNG", dpi=(DPI, DPI), optimize=True)
    return buffer.getvalue()


def poster_pdf(content: PosterContent) -> bytes:
    """One A4 page: Pillow sets the page size from the image and the resolution."""
    buffer = io.BytesIO()
    render_poster(content).save(
        buffer, format="PDF", resolution=DPI, title=content.campaign_name, author="众智"
    )
    return buffer.getvalue()
