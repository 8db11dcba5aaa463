"""`zhongzhi`: the one command line entry point.

Each subcommand is one sentence in `zhongzhi --help`. Most hand over to a Django
management command; `serve` runs the production server; `triage` runs the triage
engine's own CLI, which needs no database.
"""

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence

# name -> (help, Django management command or None when handled here)
SUBCOMMANDS: dict[str, tuple[str, str | None]] = {
    "serve": (
        "迁移数据库，启动后台任务进程，并用生产服务器（gunicorn）"
        "在 http://127.0.0.1:8000 提供平台。",
        None,
    ),
    "worker": (
        "运行后台任务（Excel 导入、分流）并跟进新提交的建议的工作进程；serve 会自动启动一个。",
        "worker",
    ),
    "demo": ("创建演示活动和各角色的演示账号（可重复运行，不会重复创建）。", "demo"),
    "migrate": ("创建或升级数据库表。", None),
    "createsuperuser": ("创建一个拥有全部权限的管理员账号。", "createsuperuser"),
    "import-units": (
        "从 Excel 批量导入单位；有一行出错则全部不导入，并写出标注了错误的表格。",
        "import_units",
    ),
    "import-accounts": ("从 Excel 批量导入账号并生成一次性密码表。", "import_accounts"),
    "generate-suggestions": (
        "从给定的消息文件生成任意规模的建议（如 151,681 条），用于压测和大规模演示。",
        "generate_suggestions",
    ),
    "briefing": (
        "生成某一时间段的工作简报（Word，可加 PDF）；--issue 签发并编入期号。",
        "briefing",
    ),
    "deadlines": (
        "检查整改时限：标记即将到期和逾期、逐级督办、提醒超时签收（后台每天自动运行）。",
        "rectification_deadlines",
    ),
    "open-data": (
        "导出活动的公开数据（CSV、JSON 和数据字典，已去除个人信息）到一个目录。",
        "open_data",
    ),
    "triage": ("对建议做分流：规范化、去重、分类、热点聚类和评分（不需要数据库）。", None),
    "manage": ("运行任意 Django 管理命令（开发和运维用）。", None),
}


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongzhi.settings")
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    call_command("createcachetable", verbosity=0)


def _serve(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="zhongzhi serve", description=SUBCOMMANDS["serve"][0])
    parser.add_argument("--host", default=os.environ.get("ZHONGZHI_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ZHONGZHI_PORT", "8000")))
    parser.add_argument(
        "--no-worker", action="store_true", help="不启动后台任务进程（另行运行 zhongzhi worker 时）"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("ZHONGZHI_WORKERS", str(max(2, (os.cpu_count() or 1) + 1)))),
        help="工作进程数",
    )
    options = parser.parse_args(argv)
    _django_setup()
    from django.core.management import call_command

    _migrate()
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"众智已启动：http://{options.host}:{options.port}/  （Ctrl+C 停止）", flush=True)
    gunicorn = [
        sys.executable, "-m", "gunicorn", "zhongzhi.wsgi:application",
        "--bind", f"{options.host}:{options.port}",
        "--workers", str(options.workers),
        "--access-logfile", "-",
        # Bulk account imports hash many passwords with Argon2 inside the request.
        "--timeout", "180",
    ]  # fmt: skip
    worker = None
    if not options.no_worker:
        worker = subprocess.Popen(
            [sys.executable, "-m", "zhongzhi.cli", "worker", "--queue-name", "*", "--no-reload"]
        )
    try:
        return subprocess.run(gunicorn, check=False).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="zhongzhi",
        description="众智：解放思想大讨论活动平台。",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="子命令：\n"
        + "\n".join(f"  {name:<16} {help_text}" for name, (help_text, _c) in SUBCOMMANDS.items())
        + "\n\n用 `zhongzhi <子命令> --help` 查看各子命令的参数。",
    )
    parser.add_argument("command", choices=SUBCOMMANDS, metavar="子命令")
    if not args or args[0] in {"-h", "--help"}:
        parser.print_help()
        return 0
    options = parser.parse_args(args[:1])
    rest = args[1:]
    if options.command == "triage":
        from zhongzhi.triage.cli import main as triage_main

        return triage_main(rest)
    if options.command == "serve":
        return _serve(rest)
    _django_setup()
    if options.command == "migrate":
        if rest and rest[0] in {"-h", "--help"}:
            print(SUBCOMMANDS["migrate"][0])
            return 0
        _migrate()
        return 0
    from django.core.management import execute_from_command_line

    django_command = SUBCOMMANDS[options.command][1]
    if options.command == "manage":
        execute_from_command_line(["zhongzhi manage", *rest])
    else:
        execute_from_command_line([f"zhongzhi {options.command}", str(django_command), *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
