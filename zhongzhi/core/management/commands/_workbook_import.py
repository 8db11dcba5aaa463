"""Shared by import_units and import_accounts: read a file, show progress, report rows."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from zhongzhi.org import xlsx_import
from zhongzhi.org.models import User


class WorkbookImportCommand(BaseCommand):
    importer: Callable[..., Any]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="xlsx 文件")
        parser.add_argument("--as", dest="actor", help="以该登录名的权限导入（默认：全部权限）")
        parser.add_argument("--marked", type=Path, help="出错时，把标注了错误的表格写到这里")
        parser.add_argument("--credentials", type=Path, help="导入账号时，把一次性密码表写到这里")

    def actor(self, username: str | None) -> User:
        if username is None:
            return User(username="cli", is_superuser=True)  # the server's operator
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"没有登录名为“{username}”的账号。") from None

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        with tqdm(desc="检查并导入", unit="行", leave=False) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                result = type(self).importer(
                    workbook=path.read_bytes(),
                    actor=self.actor(options["actor"]),
                    progress=progress,
                )
            except xlsx_import.WorkbookError as error:
                raise CommandError(str(error)) from None
        if not result.ok:
            for row_error in result.errors[:50]:
                self.stderr.write(f"第 {row_error.row} 行 {row_error.column}：{row_error.message}")
            if options["marked"] and result.marked_workbook:
                options["marked"].write_bytes(result.marked_workbook)
                self.stderr.write(f"已写出标注了错误的表格：{options['marked']}")
            raise CommandError(f"发现 {len(result.errors)} 处错误，未导入任何数据。")
        self.stdout.write(self.style.SUCCESS(f"导入成功：新建 {result.created} 条。"))
        credentials = getattr(result, "credentials_workbook", None)
        if credentials and options["credentials"]:
            options["credentials"].write_bytes(credentials)
            self.stdout.write(f"一次性密码表：{options['credentials']}（请妥善保管，转交后删除）")
