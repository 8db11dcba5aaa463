"""Run the daily deadline sweep now (what the worker does once a day).

zhongzhi manage rectification_deadlines [--today YYYY-MM-DD]
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from zhongzhi.core.management.arguments import iso_day
from zhongzhi.rectification.services.deadlines import sweep_deadlines


class Command(BaseCommand):
    help = "检查整改时限：标记即将到期和逾期的措施，逐级督办，提醒超时未签收的交办。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=iso_day, help="按这一天检查（默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        with tqdm(desc="campaigns", unit="campaign", disable=quiet) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            summary = sweep_deadlines(options["today"], progress=progress)
        if not quiet:
            levels = summary.escalations
            self.stdout.write(
                f"{summary.day}: {summary.campaigns} campaigns, {summary.due_soon} newly due soon, "
                f"{summary.overdue} newly overdue, 催办 {levels[1]}, 督办 {levels[2]}, "
                f"挂牌督办 {levels[3]}, {summary.signatures} signatures late, "
                f"{summary.notifications} notifications in {summary.seconds:.2f}s"
            )
