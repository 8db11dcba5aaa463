"""The open-data export: every file it writes scanned for anything personal, its
columns and values, the data dictionary, and rows read without a query each."""

import csv
import json
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import World
from tests.intake.factories import SuggestionFactory
from tests.opendata.conftest import KEPT, PERSONAL, Planted
from tests.opendata.scan import personal_data_in
from zhongzhi.intake.models import Suggestion
from zhongzhi.opendata.exports import (
    CSV_NAME,
    DICTIONARY_CSV,
    DICTIONARY_MD,
    JSON_NAME,
    fields,
    write_open_data,
)


def exported(world: World, tmp_path: Path) -> Path:
    write_open_data(world.campaign, tmp_path)
    return tmp_path


def csv_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / CSV_NAME).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_no_output_file_holds_anything_personal(
    world: World, planted: Planted, tmp_path: Path
) -> None:
    folder = exported(world, tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [CSV_NAME, JSON_NAME, DICTIONARY_CSV, DICTIONARY_MD]
    )
    codes = list(Suggestion.objects.values_list("receipt_code", flat=True))
    assert len(codes) == 6
    displayed = [s.receipt_code_display for s in Suggestion.objects.all()]
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8-sig")
        assert personal_data_in(text, PERSONAL) == [], path.name
        for code in codes + displayed:
            assert code not in text, (path.name, code)
        assert "匿名" not in text  # not even whether someone asked to stay anonymous
    published = (folder / CSV_NAME).read_text(encoding="utf-8-sig")
    for kept in KEPT:  # the house numbers, dates and amounts are still there
        assert kept in published


def test_the_csv_opens_in_excel_and_says_what_came_of_each_suggestion(
    world: World, planted: Planted, tmp_path: Path
) -> None:
    folder = exported(world, tmp_path)
    assert (folder / CSV_NAME).read_bytes().startswith(b"\xef\xbb\xbf")
    rows = {int(row["编号"]): row for row in csv_rows(folder)}
    assert list(rows) == sorted(rows) and len(rows) == 6
    named = rows[planted.named.number]
    assert named["提交日期"] == "2026-09-21"  # 23:30 UTC is the next day in Beijing
    assert (named["方面"], named["群体类别"], named["状态"]) == ("道路交通", "居民代表", "已答复")
    assert named["内容"].startswith("我叫某某，住山海关路4号18号楼2单元，电话***********")
    assert "某某和我一起反映" in named["内容"]  # the submitter's own name, in the text
    assert named["答复"] == "联系人：某某，电话****-********，座机********。路灯已于10月8日修复。"
    assert named["附议数"] == "1"  # the merged one counts as a +1
    assert rows[planted.merged.number]["合并到"] == str(planted.named.number)
    spam = rows[planted.spam.number]
    assert (spam["状态"], spam["内容"], spam["原因"]) == ("无效", "", "广告或推销")
    adopted = rows[planted.adopted.number]
    assert (adopted["问题编号"], adopted["问题状态"], adopted["整改措施数"]) == (
        str(planted.problem.number),
        "整改中",
        "2",
    )
    assert adopted["整改措施状态"] == "未开始 1；整改中 1"
    waiting = rows[planted.waiting.number]
    assert (waiting["问题编号"], waiting["整改措施数"], waiting["答复"]) == ("", "", "")


def test_the_json_holds_the_same_rows_and_only_the_published_fields(
    world: World, planted: Planted, tmp_path: Path
) -> None:
    folder = exported(world, tmp_path)
    data = json.loads((folder / JSON_NAME).read_text(encoding="utf-8"))
    keys = [field.key for field in fields()]
    assert data["campaign"]["name"] == world.campaign.name
    assert data["fields"] == keys
    assert len(data["suggestions"]) == 6
    for row in data["suggestions"]:
        assert list(row) == keys
    by_id = {row["id"]: row for row in data["suggestions"]}
    anonymous = by_id[planted.anonymous.number]
    assert anonymous["text"].startswith("本人某某，邮箱********@***.***，QQ：********")
    assert "鲁B*****" in anonymous["text"]
    assert by_id[planted.merged.number]["merged_into"] == planted.named.number
    assert by_id[planted.adopted.number]["measures"] == 2


def test_the_data_dictionary_lists_every_field_with_its_values(
    world: World, planted: Planted, tmp_path: Path
) -> None:
    folder = exported(world, tmp_path)
    with (folder / DICTIONARY_CSV).open(encoding="utf-8-sig", newline="") as handle:
        entries = {row["字段"]: row for row in csv.DictReader(handle)}
    assert list(entries) == [field.key for field in fields()]
    assert [entries[k]["列名"] for k in entries] == list(csv_rows(folder)[0])
    assert "已答复" in entries["status"]["取值"] and "座谈会" in entries["channel"]["取值"]
    assert entries["id"]["类型"] == "整数" and entries["submitted_on"]["类型"] == "日期"
    markdown = (folder / DICTIONARY_MD).read_text(encoding="utf-8")
    assert "6 条意见建议" in markdown
    assert all(f"| {field.key} | {field.header} |" in markdown for field in fields())


def test_rows_are_read_without_a_query_each(world: World, planted: Planted, tmp_path: Path) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            write_open_data(world.campaign, tmp_path)
        return len(captured)

    before = queries()
    for n in range(30):
        SuggestionFactory(campaign=world.campaign, text=f"第{n}条建议，电话1381234{n:04d}")
    assert queries() == before
    assert personal_data_in((tmp_path / CSV_NAME).read_text(encoding="utf-8-sig")) == []
