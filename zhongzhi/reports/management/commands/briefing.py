"""Write a campaign's briefing (工作简报) for a date range as a Word file.

zhongzhi briefing CAMPAIGN_ID --from YYYY-MM-DD --to YYYY-MM-DD --output FILE.docx [--pdf] [--issue]

Without --issue the file is a draft drafted from the data (nothing is saved in the
platform); with --issue it is saved and issued as the campaign's next number, as the
office's 签发 button does, and kept unchanged from then on.
"""

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.core.management.arguments import iso_day
from zhongzhi.reports import services
from zhongzhi.reports.selectors import draft_content
from zhongzhi.reports.word import briefing_document, libreoffice, pdf_from_docx


class Command(BaseCommand):
    help = "按时间段生成活动的工作简报（Word），可同时生成 PDF、签发编号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign_id", type=int, help="活动编号")
        parser.add_argument("--from", dest="start", type=iso_day, required=True, help="起始日期")
        parser.add_argument("--to", dest="end", type=iso_day, required=True, help="截止日期")
        parser.add_argument("--output", type=Path, required=True, help="写出的 .docx 文件")
        parser.add_argument(
            "--pdf", action="store_true", help="同时在旁边写出 PDF（需安装 LibreOffice）"
        )
        parser.add_argument(
            "--issue", action="store_true", help="签发：编入下一期期号并保存在平台中，此后不再改变"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = (
            Campaign.objects.select_related("owner_unit").filter(pk=options["campaign_id"]).first()
        )
        if campaign is None:
            raise CommandError(f"没有编号为 {options['campaign_id']} 的活动。")
        output: Path = options["output"]
        if output.suffix.lower() != ".docx":
            raise CommandError("--output 应是 .docx 文件。")
        if not output.parent.is_dir():
            raise CommandError(f"文件夹不存在：{output.parent}")
        if options["pdf"] and libreoffice() is None:
            raise CommandError(
                "本机没有安装 LibreOffice（Debian 软件包 libreoffice-writer-nogui），无法生成 PDF。"
            )
        try:
            period = services.briefing_period_checked(campaign, options["start"], options["end"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        reader = services.whole_campaign_reader()
        quiet = options["verbosity"] == 0
        with tqdm(
            total=2 + int(options["pdf"]), desc="briefing", unit="step", disable=quiet
        ) as bar:
            number = None
            if options["issue"]:
                briefing = services.briefing_create(reader, campaign, period)
                briefing = services.briefing_issue(None, briefing)
                number = briefing.number
                with briefing.docx.open("rb") as handle:
                    document = handle.read()
            else:
                content = draft_content(
                    reader,
                    campaign,
                    period,
                    services.default_issuer(campaign),
                    clock.today(),
                )
                document = briefing_document(content)
            bar.update()
            _write(output, document)
            bar.update()
            if options["pdf"]:
                pdf = services.briefing_pdf(briefing) if number else pdf_from_docx(document)
                if pdf is None:
                    raise CommandError("LibreOffice 没能生成 PDF，Word 文件已写出。")
                _write(output.with_suffix(".pdf"), pdf)
                bar.update()
        if not quiet:
            label = f"第 {number} 期" if number else "草稿"
            self.stdout.write(f"已写出{label}：{output}")


def _write(path: Path, content: bytes) -> None:
    """Written beside and renamed: a failure leaves no half file."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)
