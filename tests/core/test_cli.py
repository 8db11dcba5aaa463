import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from zhongzhi.campaigns.models import Campaign, PlanItem, Stage, Topic
from zhongzhi.cli import SUBCOMMANDS, main
from zhongzhi.org.models import Membership, Unit, User

ROOT = Path(__file__).resolve().parents[2]


def test_help_explains_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in [
        "serve",
        "demo",
        "migrate",
        "createsuperuser",
        "import-units",
        "import-accounts",
        "triage",
    ]:
        assert name in SUBCOMMANDS
        line = next(line for line in out.splitlines() if line.strip().startswith(name + " "))
        assert len(line.split(maxsplit=1)[1]) > 5  # a sentence, not just the name


def test_demo_twice_duplicates_nothing(db: None, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path

    def counts() -> dict[str, int]:
        return {
            model.__name__: model.objects.count()
            for model in (Unit, User, Membership, Campaign, Stage, Topic, PlanItem)
        }

    call_command("demo")
    first = counts()
    call_command("demo")
    assert counts() == first
    campaign = Campaign.objects.get()
    assert campaign.owner_unit.name == "八大关街道"
    assert first["Topic"] == 11 and first["Stage"] == 4
    assert set(
        Unit.objects.filter(parent__name="八大关街道", kind="community").values_list(
            "name", flat=True
        )
    ) == {"红岛路社区", "金口路社区", "福山路社区", "八大关社区", "太平角社区"}
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"office", "coordinator", "staff", "supervisor", "leader"}


def test_demo_prints_passwords_that_log_in(db: None, settings, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    settings.DATA_DIR = tmp_path
    call_command("demo")
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.strip().startswith("office "))
    password = line.split()[-1]
    assert Client().login(username="office", password=password)


def test_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "ZHONGZHI_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "k" * 20 + "-production-secret-key-that-is-long-and-random-3f9a",
        "ZHONGZHI_HTTPS": "true",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "zhongzhi.example.gov.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
