"""The demo's essays: the five community coordinators and 红岛路社区's staff member
must write one. Three are handed in (one uploaded as Word, marked excellent by the
office), 福山路社区's is a draft, and 太平角社区 is behind: its due date has passed
and nothing is handed in."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.essays.models import EssayAssignment
from zhongzhi.essays.services import (
    NewWriter,
    assignments_add,
    essay_due_set,
    essay_mark_excellent,
    essay_save,
)
from zhongzhi.org.models import Membership, User

WRITERS = ["hongdaolu", "hongdaolu-staff", "jinkoulu", "fushanlu", "badaguan", "taipingjiao"]

ESSAYS = {
    "hongdaolu": (
        "把群众的“小事”当成社区的“大事”",
        "这次大讨论让我体会到，解放思想首先要解放“等靠要”的思想。红岛路片区老旧小区多，"
        "停车难、加装电梯难，过去总觉得是上级的事。通过入户走访，我们把居民的意见一条条"
        "列出来，能自己解决的马上办，需要协调的列入问题清单，限期整改。",
    ),
    "hongdaolu-staff": (
        "在网格里找差距",
        "作为网格员，我每天在楼院里转。对照“七大行动”，我发现自己对独居老人的情况掌握"
        "还不够细。今后每周上门一次，把服务做到群众心坎上。",
    ),
    "jinkoulu": (
        "解放思想从改作风开始",
        "金口路社区开了三场居民座谈会，收集意见建议四十余条。最大的体会是：群众的办法"
        "往往比我们想的更实在。要敢于把问题摆到桌面上，把整改晒在群众眼前。",
    ),
}


def _word_essay() -> SimpleUploadedFile:
    document = Document()
    document.add_heading("以“绣花功夫”守护历史风貌街区", level=1)
    for text in (
        "八大关是城市的名片。大讨论中，我们对照先进找差距，发现旺季游客管理、居民停车和"
        "环境卫生是居民最关心的三件事。",
        "我们提出“错峰开放、共治公约、志愿劝导”三项做法，请居民、商户和游客一起商量，"
        "已在两条街试行，投诉明显减少。解放思想，就是要把“管”变成“商量着办”。",
    ):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("八大关社区心得体会.docx", buffer.getvalue())


def essays_demo_create(campaign: Campaign, office: User) -> int:
    if EssayAssignment.objects.filter(campaign=campaign).exists():
        return 0
    today = clock.today()
    users = {u.username: u for u in User.objects.filter(username__in=WRITERS)}
    units = {
        m.user_id: m.unit
        for m in Membership.objects.filter(
            user__in=users.values(), unit__path__startswith=campaign.owner_unit.path
        )
        .select_related("unit")
        .order_by("-unit__path")
    }
    if len(users) != len(WRITERS):
        return 0
    essay_due_set(
        campaign=campaign,
        actor=office,
        due_date=min(today + datetime.timedelta(days=14), campaign.end_date),
    )
    behind = max(today - datetime.timedelta(days=3), campaign.start_date)
    assignments_add(
        campaign=campaign,
        actor=office,
        writers=[
            NewWriter(
                users[login],
                units[users[login].pk],
                behind if login == "taipingjiao" else None,
            )
            for login in WRITERS
        ],
    )
    mine = {
        a.writer.username: a
        for a in EssayAssignment.objects.filter(campaign=campaign).select_related("writer")
    }
    for login, (title, text) in ESSAYS.items():
        essay_save(assignment=mine[login], actor=users[login], title=title, text=text, submit=True)
    excellent = essay_save(
        assignment=mine["badaguan"],
        actor=users["badaguan"],
        title="以“绣花功夫”守护历史风貌街区",
        upload=_word_essay(),
        submit=True,
    )
    essay_mark_excellent(
        essay=excellent, actor=office, note="做法具体，可在简报“心得交流”栏目刊发。"
    )
    essay_save(
        assignment=mine["fushanlu"],
        actor=users["fushanlu"],
        title="（草稿）在服务群众中解放思想",
        text="提纲：一、找差距；二、抓落实；三、见成效。",
    )
    return len(WRITERS)
