from typing import Any

from django.core.management.base import BaseCommand

from zhongzhi.core.demo import demo_create


class Command(BaseCommand):
    help = (
        "创建演示活动：八大关街道的组织、“7+11”模板、四阶段方案和各角色的演示账号（可重复运行）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_create()
        campaign = result.campaign
        self.stdout.write(
            self.style.SUCCESS(
                f"演示活动：{campaign.name}（{campaign.start_date} 至 {campaign.end_date}）"
                f"，新建单位 {result.created_units} 个，新建账号 {result.new_accounts} 个。"
            )
        )
        self.stdout.write("演示账号（登录名 / 角色 / 单位 / 密码）：")
        for username, role, unit, password in result.accounts:
            self.stdout.write(f"  {username:<16} {role:<10} {unit:<10} {password}")
