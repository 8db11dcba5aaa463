"""`zhongzhi open-data CAMPAIGN_ID --output DIR` (a contract: offices script it)."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import World
from tests.opendata.conftest import PERSONAL, Planted
from tests.opendata.scan import personal_data_in
from zhongzhi.cli import SUBCOMMANDS, main
from zhongzhi.opendata.exports import FILES


def test_the_command_writes_the_files_and_the_dictionary_into_a_new_folder(
    world: World, planted: Planted, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "公开数据" / "第一批"
    call_command("open_data", str(world.campaign.pk), "--output", str(output))
    assert sorted(p.name for p in output.iterdir()) == sorted(FILES)
    assert f"{world.campaign.name}: 6 条意见建议" in capsys.readouterr().out
    for path in output.iterdir():
        assert personal_data_in(path.read_text(encoding="utf-8-sig"), PERSONAL) == []
    # Run again into the same folder: its own files are replaced, nothing else there.
    call_command("open_data", str(world.campaign.pk), "--output", str(output), verbosity=0)
    assert sorted(p.name for p in output.iterdir()) == sorted(FILES)


def test_a_missing_campaign_is_a_clear_error_and_writes_nothing(
    world: World, tmp_path: Path
) -> None:
    output = tmp_path / "out"
    with pytest.raises(CommandError, match="没有编号为 999999 的活动"):
        call_command("open_data", "999999", "--output", str(output))
    assert not output.exists()


def test_a_folder_holding_other_files_is_refused(world: World, tmp_path: Path) -> None:
    (tmp_path / "报告.docx").write_bytes(b"mine")
    with pytest.raises(CommandError, match=r"不是空的（有 报告\.docx 等）"):
        call_command("open_data", str(world.campaign.pk), "--output", str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["报告.docx"]
    afile = tmp_path / "报告.docx"
    with pytest.raises(CommandError, match="不是目录"):
        call_command("open_data", str(world.campaign.pk), "--output", str(afile))


def test_zhongzhi_open_data_is_a_subcommand(world: World, tmp_path: Path) -> None:
    assert SUBCOMMANDS["open-data"][1] == "open_data"
    output = tmp_path / "out"
    assert main(["open-data", str(world.campaign.pk), "--output", str(output), "-v", "0"]) == 0
    assert sorted(p.name for p in output.iterdir()) == sorted(FILES)
