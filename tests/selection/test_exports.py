"""A closed round's ranked list as xlsx and docx, read back; the docx opens in
LibreOffice where it is installed."""

import io
import os
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from django.urls import reverse

from tests.conftest import World
from tests.selection.conftest import Round
from zhongzhi.intake.models import Suggestion
from zhongzhi.selection.services import round_close


@pytest.fixture
def closed(world: World, scored_round: Round) -> Round:
    round_close(round_id=scored_round.round.pk, actor=world.office)
    return scored_round


def download(world: World, made: Round, name: str) -> bytes:
    response = world.client_for(world.leader).get(
        reverse(f"selection:{name}", args=[made.round.pk])
    )
    assert response.status_code == 200
    assert "attachment; filename*=UTF-8''" in response["Content-Disposition"]
    return response.content


def test_the_xlsx_export_reads_back_with_the_ranked_figures(
    world: World, ideas: dict[str, Suggestion], closed: Round
) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(download(world, closed, "results_xlsx"))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "名次", "并列", "回执号", "标题", "内容", "单位", "平均分", "标准差", "评分数", "入选"
    )  # fmt: skip
    a, b, c, d, e = rows[1:]
    assert a[:4] == (1, "是", ideas["A"].receipt_code_display, "楼道声控灯改为感应灯")
    assert (a[5], a[6], a[7], a[8], a[9]) == ("红岛路社区", 4.5, 0.5, 4, "是")
    assert (b[0], b[1], b[2], b[9]) == (1, "是", ideas["B"].receipt_code_display, "是")
    assert (c[0], c[1], c[6], c[7], c[9]) == (3, None, 4.0, 0.71, None)
    assert (d[0], d[6], d[7]) == (4, 1.25, 0.43)
    assert (e[0], e[2], e[6], e[8]) == (None, ideas["E"].receipt_code_display, None, 0)


def test_text_that_looks_like_a_formula_stays_text(world: World, closed: Round) -> None:
    suggestion = closed.entry("A").suggestion
    Suggestion.objects.filter(pk=suggestion.pk).update(title='=HYPERLINK("http://x","点我")')
    sheet = openpyxl.load_workbook(io.BytesIO(download(world, closed, "results_xlsx"))).active
    assert sheet is not None
    assert sheet["D2"].data_type == "s"


def test_the_docx_list_reads_back_with_title_campaign_date_and_table(
    world: World, ideas: dict[str, Suggestion], closed: Round
) -> None:
    document = docx.Document(io.BytesIO(download(world, closed, "results_docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "第一轮金点子评选 金点子评选结果" in text
    assert "活动：八大关街道解放思想大讨论" in text and "评选结束：" in text
    assert "参评 5 条，入选 2 条（名额 2）" in text
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["名次", "回执号", "金点子", "单位", "平均分", "标准差", "入选"]
    assert rows[1][0] == "并列第 1" and rows[2][0] == "并列第 1"
    assert rows[1][1] == ideas["A"].receipt_code_display
    assert rows[1][2].startswith("楼道声控灯改为感应灯\n建议把老楼楼道的声控灯")
    assert rows[1][3:] == ["红岛路社区", "4.50", "0.50", "是"]
    assert rows[3][:1] + rows[3][4:] == ["3", "4.00", "0.71", ""]
    assert rows[5][0] == "未评分" and rows[5][4:6] == ["—", "—"]


def test_the_docx_list_converts_to_pdf_in_libreoffice(
    world: World, closed: Round, tmp_path: Path
) -> None:
    if shutil.which("libreoffice") is None:
        # scripts/test installs it; under CI a missing one is a failure, not a skip.
        message = "LibreOffice is not installed (Debian package libreoffice-writer-nogui)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    source = tmp_path / "results.docx"
    source.write_bytes(download(world, closed, "results_docx"))
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = (tmp_path / "results.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
