"""Small helpers for the Word documents zhongzhi writes (python-docx)."""

from docx.oxml.ns import qn
from docx.shared import Pt

SONG = "宋体"


def set_font(
    style_or_run: object,
    size: float | None = None,
    bold: bool | None = None,
    *,
    name: str = SONG,
) -> None:
    """A style's or a run's font, for Chinese text too."""
    font = style_or_run.font  # type: ignore[attr-defined]
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    # Word takes Chinese text's font from the East Asian slot, which font.name leaves.
    element = style_or_run.element  # type: ignore[attr-defined]
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), name)
