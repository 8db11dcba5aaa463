"""The 工作简报 as a Word document, in the usual shape of an office's briefing: the red
masthead (工作简报, 期号, 编发单位 and 日期 over a red rule), then 一、工作动态 … 六、下步打算,
each with its text, its charts as images, and under 典型做法 the chosen ideas, essays
and closed cases with their before-and-after photos. Opens in Word, WPS and
LibreOffice; `pdf_from_docx` makes the PDF copy with LibreOffice where it is installed."""

import io
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from zhongzhi.core.word import set_font
from zhongzhi.reports.charts import ChartFontMissing, chart_png, drawable
from zhongzhi.reports.registry import Chart, Highlight, Period

logger = logging.getLogger(__name__)

FANGSONG = "仿宋"
HEITI = "黑体"
KAITI = "楷体"
RED = RGBColor(0xC0, 0x00, 0x00)
TEXT_WIDTH = Cm(15.6)  # A4 less 2.8 cm margins on each side
HIGHLIGHT_TEXT_LIMIT = 600
NUMERALS = "一二三四五六七八九十"
PDF_TIMEOUT = 120  # seconds: LibreOffice's first start makes its profile


@dataclass
class SectionContent:
    heading: str
    paragraphs: list[str]
    charts: list[Chart] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)


@dataclass
class BriefingContent:
    campaign_name: str
    number: int | None  # None: a draft
    issuer: str
    issue_date_label: str
    period: Period
    sections: list[SectionContent]


def briefing_document(content: BriefingContent) -> bytes:
    document = Document()
    set_font(document.styles["Normal"], 15, name=FANGSONG)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.7)
    section.top_margin, section.bottom_margin = Cm(3.2), Cm(2.5)

    _masthead(document, content)
    figure = 0
    for n, part in enumerate(content.sections):
        heading = document.add_paragraph()
        heading.paragraph_format.space_before = Pt(10)
        set_font(heading.add_run(f"{NUMERALS[n]}、{part.heading}"), 16, name=HEITI)
        written = False
        for text in part.paragraphs:
            _body(document, text)
            written = True
        for chart in part.charts:
            if not drawable(chart.data):
                continue
            try:
                image = chart_png(chart.data)
            except ChartFontMissing:
                _body(document, _("（本机没有安装中文字体，图表从略。）"))
                break
            figure += 1
            _picture(document, image, TEXT_WIDTH)
            _caption(document, _("图%(n)d　%(title)s") % {"n": figure, "title": chart.title})
            written = True
        for m, highlight in enumerate(part.highlights, start=1):
            _highlight(document, m, highlight)
            written = True
        if not written:
            _body(document, _("本期无。"))
    _closing(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _masthead(document: object, content: BriefingContent) -> None:
    title = document.add_paragraph()  # type: ignore[attr-defined]
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_("工作简报"))
    set_font(run, 40, True)
    run.font.color.rgb = RED
    subtitle = document.add_paragraph()  # type: ignore[attr-defined]
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(subtitle.add_run(content.campaign_name), 14, name=KAITI)
    number = document.add_paragraph()  # type: ignore[attr-defined]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    label = _("（草稿）") if content.number is None else _("第 %(n)d 期") % {"n": content.number}
    set_font(number.add_run(label), 15)
    line = document.add_paragraph()  # type: ignore[attr-defined]
    line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    set_font(line.add_run(f"{content.issuer}\t{content.issue_date_label}"), 14)
    _rule(line, "bottom")
    period = document.add_paragraph()  # type: ignore[attr-defined]
    period.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(
        period.add_run(_("（统计时间：%(period)s）") % {"period": content.period.label}),
        12,
        name=KAITI,
    )


def _rule(paragraph: Paragraph, side: str) -> None:
    """The red rule of a masthead: a border on the paragraph (no drawing needed)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    edge = OxmlElement(f"w:{side}")
    for key, value in {
        "w:val": "single",
        "w:sz": "18",
        "w:space": "4",
        "w:color": "C00000",
    }.items():
        edge.set(qn(key), value)
    borders.append(edge)
    properties.append(borders)


def _body(document: object, text: str) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    paragraph.paragraph_format.first_line_indent = Pt(30)  # two characters
    paragraph.paragraph_format.line_spacing = Pt(28)
    paragraph.paragraph_format.space_after = Pt(0)
    set_font(paragraph.add_run(text), name=FANGSONG)


def _caption(document: object, text: str) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(paragraph.add_run(text), 10.5, name=KAITI)


def _picture(document: object, image: bytes, width: object) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(image), width=width)


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= HIGHLIGHT_TEXT_LIMIT else text[:HIGHLIGHT_TEXT_LIMIT] + "……"


def _highlight(document: object, n: int, highlight: Highlight) -> None:
    title = document.add_paragraph()  # type: ignore[attr-defined]
    title.paragraph_format.first_line_indent = Pt(30)
    label = f"（{NUMERALS[(n - 1) % 10]}）{highlight.kind}：{highlight.title}"
    if highlight.unit:
        label += f"（{highlight.unit}）"
    set_font(title.add_run(label), 15, True, name=KAITI)
    for text in _short(highlight.text).splitlines():
        if text.strip():
            _body(document, text.strip())
    if not highlight.pictures:
        return
    table = document.add_table(rows=2, cols=len(highlight.pictures))  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = Cm(7.5) if len(highlight.pictures) > 1 else Cm(10)
    for column, picture in enumerate(highlight.pictures):
        try:
            image = picture.read()
        except OSError:
            logger.warning("a briefing photo could not be read: %s", highlight.key)
            continue
        cell = table.cell(0, column).paragraphs[0]
        cell.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.add_run().add_picture(io.BytesIO(image), width=width)
        caption = table.cell(1, column).paragraphs[0]
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(caption.add_run(str(picture.caption)), 10.5, name=KAITI)


def _closing(document: object, content: BriefingContent) -> None:
    document.add_paragraph()  # type: ignore[attr-defined]
    line = document.add_paragraph()  # type: ignore[attr-defined]
    _rule(line, "top")
    line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    set_font(
        line.add_run(
            _("%(issuer)s\t%(date)s印发")
            % {"issuer": content.issuer, "date": content.issue_date_label}
        ),
        12,
    )


def libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def pdf_from_docx(docx: bytes) -> bytes | None:
    """The PDF LibreOffice makes of the document, or None where it is not installed or
    fails (logged): the Word file is the briefing, the PDF a copy."""
    program = libreoffice()
    if program is None:
        return None
    with tempfile.TemporaryDirectory(prefix="zhongzhi-briefing-") as folder:
        source = os.path.join(folder, "briefing.docx")
        with open(source, "wb") as handle:
            handle.write(docx)
        # Its own profile: two conversions at once must not share (and lock) one.
        profile = f"-env:UserInstallation=file://{folder}/profile"
        try:
            subprocess.run(
                [program, profile, "--headless", "--convert-to", "pdf", "--outdir", folder, source],
                capture_output=True,
                timeout=PDF_TIMEOUT,
                check=True,
            )
            with open(os.path.join(folder, "briefing.pdf"), "rb") as handle:
                return handle.read()
        except (OSError, subprocess.SubprocessError) as error:
            logger.warning("LibreOffice could not make the briefing's PDF: %s", error)
            return None
