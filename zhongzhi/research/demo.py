"""The demo's research topics: one under way at 红岛路社区, one concluded and graded at
八大关社区 with its final report (a Word file written here)."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.org.models import Unit, User
from zhongzhi.research.models import Grade, ResearchTopic
from zhongzhi.research.services import topic_apply, topic_step


def _report() -> SimpleUploadedFile:
    document = Document()
    document.add_heading("历史风貌街区居民与游客共治路径研究（结题报告）", level=1)
    document.add_paragraph(
        "课题组走访居民120户、商户36家，梳理出停车、噪声和垃圾三类矛盾，提出"
        "“错峰开放、共治公约、志愿劝导”三项做法，已在两条街试行。"
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("八大关社区课题结题报告.docx", buffer.getvalue())


def research_demo_create(campaign: Campaign, office: User) -> int:
    if ResearchTopic.objects.filter(campaign=campaign).exists():
        return 0
    today = clock.today()
    made = 0
    for code, login, title, question, done in [
        (
            "QD-SN-BDG-HDL",
            "hongdaolu",
            "老旧小区夜间停车难的治理路径",
            "红岛路片区夜间停车缺口有多大？周边单位错峰共享车位能解决多少？",
            False,
        ),
        (
            "QD-SN-BDG-BDG",
            "badaguan",
            "历史风貌街区居民与游客共治路径研究",
            "旅游旺季游客增多，居民与游客在停车、噪声、垃圾上的矛盾如何共商共治？",
            True,
        ),
    ]:
        unit = Unit.objects.filter(code=code).first()
        lead = User.objects.filter(username=login).first()
        if unit is None or lead is None:
            continue
        first, second = (
            min(today + datetime.timedelta(days=days), campaign.end_date) for days in (10, 30)
        )
        topic = topic_apply(
            campaign=campaign,
            actor=lead,
            unit=unit,
            title=title,
            question=question,
            lead=lead,
            members="社区两委成员、网格员、居民代表",
            plan="入户走访和问卷调查，召开居民、商户座谈会，形成对策建议。",
            expected_result="调研报告一份，可推广的做法若干。",
            milestones=[("完成走访调查", first), ("形成调研报告", second)],
        )
        topic = topic_step(topic=topic, key="approve", actor=office, note="同意立项。")
        if done:
            topic = topic_step(topic=topic, key="report", actor=lead, report=_report())
            topic_step(
                topic=topic,
                key="grade",
                actor=office,
                grade=Grade.GOOD,
                note="调研扎实，做法可推广，建议在简报中介绍。",
            )
        made += 1
    return made
