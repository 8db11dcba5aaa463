"""Tests for ``zhongzhi triage`` (zhongzhi.triage.cli): the contract other teams script
against. Input files are written by the tests; no real data."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from zhongzhi.cli import main as zhongzhi_main
from zhongzhi.triage.cli import OUTPUT_COLUMNS, main

HEADER = ["编号", "标题", "内容", "时间", "附议", "单位"]
ROWS = [
    ["1", "路灯坏了", "金口路社区东门外的三盏路灯已经坏了三个多月，晚上出行不便，希望尽快维修。",
     "2024-05-01 10:00", "3", "金口路社区"],
    ["2", "", "金口路社区东门外的三盏路灯已经坏了三个多月，晚上出行不便，\n希望尽快维修。盼复！",
     "2024/5/2", "1", "金口路社区"],
    ["3", "菜市场占道", "红岛路菜市场门口占道经营严重，\n早上车辆无法通行，建议设置临时摊位。",
     "", "0", "红岛路社区"],
    ["4", "", "", "", "", ""],
]  # fmt: skip


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    elif path.suffix == ".jsonl":
        with path.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False))
                handle.write("\n")
    else:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    return path


def _read_output(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    sheet = load_workbook(path, read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def _topics(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "topics.csv",
        ["name", "description", "keywords"],
        [["市政设施", "路灯和道路的维修", "路灯、井盖 道路"], ["市场管理", "", "菜市场，占道经营"]],
    )


def _run(tmp_path: Path, source: Path, output: Path, *extra: str) -> int:
    return main(
        ["run", str(source), "--id-column", "编号", "--text-column", "内容",
         "--title-column", "标题", "--time-column", "时间", "--likes-column", "附议",
         "--unit-column", "单位", "--output", str(output), "--quiet", "--workers", "1", *extra]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("source", "target"), [("csv", "jsonl"), ("xlsx", "xlsx"), ("jsonl", "xlsx"), ("csv", "csv")]
)
def test_run_writes_every_contract_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, target: str
) -> None:
    path = _write(tmp_path / f"in.{source}", HEADER, ROWS)
    output = tmp_path / f"out.{target}"
    assert _run(tmp_path, path, output, "--topics", str(_topics(tmp_path))) == 0
    if target == "csv":
        with output.open(encoding="utf-8-sig", newline="") as handle:
            rows: list[dict[str, Any]] = list(csv.DictReader(handle))
    else:
        rows = _read_output(output)
    assert [str(r["id"]) for r in rows] == ["1", "2", "3", "4"]
    for column in OUTPUT_COLUMNS:
        assert column in rows[0]
    if target == "jsonl":
        assert rows[0]["group"] == rows[1]["group"]  # the same suggestion, resent
        assert [r["canonical"] for r in rows] == [True, False, True, True]
        assert rows[1]["duplicate_of"] == "1"
        assert rows[0]["topic"] == "市政设施" and rows[2]["topic"] == "市场管理"
        assert rows[3]["topic"] is None and rows[3]["keywords"] == []
        assert rows[1]["score"] < rows[0]["score"]
        assert isinstance(rows[0]["reasons"], list) and rows[0]["reasons"]
    out = capsys.readouterr().out
    assert "重复组 (groups)" in out and "主题分布" in out and "热点前 10" in out


def test_multi_line_csv_fields_and_gb18030(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "gbk.csv"
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    output = tmp_path / "out.jsonl"
    assert _run(tmp_path, path, output) == 0
    rows = _read_output(output)
    assert len(rows) == len(ROWS)  # a quoted line break stays inside its field
    assert rows[0]["topic"] is None  # no model, no topics: left empty
    assert "GB18030" in capsys.readouterr().err


def test_train_then_run_with_the_model(tmp_path: Path) -> None:
    lights = [
        "{}的路灯坏了好几天，晚上很黑，请尽快维修路灯。",
        "{}路面坑洼，井盖松动，请修好道路。",
    ]
    buses = ["{}到火车站的公交车太少，请增加公交班次。", "建议开通{}到医院的公交线路，换乘太麻烦。"]
    places = ["金口路", "红岛路", "福山路", "太平角", "湛山路", "八大关", "西城", "东城"]
    rows = [[p + str(i), t.format(p), "市政设施"] for i, p in enumerate(places) for t in lights]
    rows += [
        [p + "b" + str(i), t.format(p), "公共交通"] for i, p in enumerate(places) for t in buses
    ]
    rows += [["u1", "福山路公交站的站牌坏了", ""]]  # unlabelled: only shapes the vocabulary
    labelled = _write(tmp_path / "labelled.xlsx", ["编号", "内容", "主题"], rows)
    model = tmp_path / "model"
    assert main(["train", str(labelled), "--text-column", "内容", "--label-column", "主题",
                 "--output", str(model)]) == 0  # fmt: skip
    assert (model / "model.json").is_file()

    source = _write(tmp_path / "in.csv", HEADER, ROWS)
    output = tmp_path / "out.jsonl"
    assert _run(tmp_path, source, output, "--model", str(model)) == 0
    result = _read_output(output)
    assert result[0]["topic"] == "市政设施"
    assert result[0]["topic_confidence"] > 0.5


def test_missing_column_names_the_columns_that_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "in.csv", HEADER, ROWS)
    code = main(["run", str(path), "--id-column", "id", "--text-column", "内容",
                 "--output", str(tmp_path / "o.jsonl")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "id" in err and "编号、标题、内容" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o.jsonl").exists()


def test_broken_encoding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"id,text\n1,\xff\xfd\xfe broken\n")
    code = main(["run", str(path), "--id-column", "id", "--text-column", "text",
                 "--output", str(tmp_path / "o.jsonl")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "编码 (encoding)" in err and "GB18030" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "找不到文件"),
        ("empty.csv", b"", "空的"),
        ("header-only.csv", b"id,text\n", "没有数据行"),
        ("table.doc", b"id,text\n1,x\n", "unknown extension"),
        ("broken.xlsx", b"not a zip", "xlsx"),
        ("broken.jsonl", b'{"id": 1, "text": "x"}\n{oops\n', "第 2 行"),
    ],
)
def test_bad_files_exit_2_with_a_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code = main(["run", str(path), "--id-column", "id", "--text-column", "text",
                 "--output", str(tmp_path / "o.jsonl")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unknown_output_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "in.csv", HEADER, ROWS)
    code = main(["run", str(path), "--id-column", "编号", "--text-column", "内容",
                 "--output", str(tmp_path / "o.txt")])  # fmt: skip
    assert code == 2
    assert "unknown extension" in capsys.readouterr().err


def test_train_needs_two_topics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(
        tmp_path / "l.csv", ["text", "label"], [["路灯坏了", "市政"], ["井盖丢了", "市政"]]
    )
    code = main(["train", str(path), "--text-column", "text", "--label-column", "label",
                 "--output", str(tmp_path / "m")])  # fmt: skip
    assert code == 2
    assert "两个主题" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["run"], ["train"], ["eval"]])
def test_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    assert "usage: zhongzhi triage" in capsys.readouterr().out


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "in.csv"]) == 2
    assert "--id-column" in capsys.readouterr().err


def test_eval_without_data_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--data", str(tmp_path / "nowhere")]) == 0
    assert "找不到评测数据" in capsys.readouterr().out


def test_dispatched_from_zhongzhi(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.jsonl", HEADER, ROWS)
    output = tmp_path / "out.jsonl"
    code = zhongzhi_main(["triage", "run", str(path), "--id-column", "编号", "--text-column",
                          "内容", "--output", str(output), "--quiet"])  # fmt: skip
    assert code == 0 and len(_read_output(output)) == len(ROWS)
