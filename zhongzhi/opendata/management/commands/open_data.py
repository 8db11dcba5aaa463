"""Write a campaign's open data (公开数据) into a folder.

zhongzhi open-data CAMPAIGN_ID --output DIR

DIR is created when missing; an existing DIR must be empty (or hold only an earlier
export's files, which are replaced), so that a typo cannot mix the files into another
folder. Progress on stderr (tqdm); the files written on stdout.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from zhongzhi.campaigns.models import Campaign
from zhongzhi.opendata.exports import FILES, write_open_data


class Command(BaseCommand):
    help = "导出活动的公开数据（CSV、JSON 和数据字典，已去除个人信息）到一个目录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign_id", type=int, help="活动编号（活动页面地址中的数字）")
        parser.add_argument("--output", required=True, type=Path, help="写入的目录（不存在时创建）")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(pk=options["campaign_id"]).first()
        if campaign is None:
            raise CommandError(f"没有编号为 {options['campaign_id']} 的活动。")
        output: Path = options["output"]
        if output.exists() and not output.is_dir():
            raise CommandError(f"{output} 已存在，且不是目录。")
        if output.is_dir():
            others = sorted(p.name for p in output.iterdir() if p.name not in FILES)
            if others:
                raise CommandError(
                    f"目录 {output} 不是空的（有 {'、'.join(others[:3])} 等），"
                    "为免混入其他文件，请指定一个新的或空的目录。"
                )
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"无法创建目录 {output}：{error.strerror}") from None
        quiet = options["verbosity"] == 0
        with tqdm(desc="open data", unit="条", disable=quiet) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            result = write_open_data(campaign, output, progress=progress)
        if not quiet:
            self.stdout.write(f"{campaign.name}: {result.rows} 条意见建议")
            for path in result.files:
                self.stdout.write(str(path))
