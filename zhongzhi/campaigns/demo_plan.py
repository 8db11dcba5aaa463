"""The demo campaign's own plan (实施方案): 八大关街道's four stages and work items.

Written for the demo, not taken from a seed document: the same structure as the
four-stage template (four stages in proportion, each work item with its lead units),
with 八大关's units as leads and "7+11" opinion collection as the third stage, where
the demo's today falls (``zhongzhi.core.demo`` sets the campaign's dates so).

Lead units are named exactly as the demo creates them (``zhongzhi.core.demo.UNITS``).
``PROGRESS`` gives each work item of a stage that has begun the status and note its
lead unit would have entered by the demo's today.
"""

from zhongzhi.campaigns.blueprints import Blueprint, PlanItemSpec, StageSpec
from zhongzhi.campaigns.models import PlanItemStatus

OFFICE = "党政办公室"
PUBLICITY = "宣传统战科"
PERSONNEL = "组织人事科"
DISCIPLINE = "纪工委"
CITY = "城市管理科"
COMMUNITIES = ("红岛路社区", "金口路社区", "福山路社区", "八大关社区", "太平角社区")

# Weeks: three to mobilise, four to study, six to collect (today is in its fifth),
# six to turn the results into measures and sum up.
STAGE_WEEKS = (3, 4, 6, 6)
WEEKS_BEFORE_TODAY = 11

DEMO_PLAN = Blueprint(
    key="badaguan-demo",
    name="八大关街道演示方案",
    description="演示活动的实施方案：动员部署、学习讨论、“7+11”征集意见、实践转化四个阶段。",
    source="为演示编写",
    stages=(
        StageSpec(
            "动员部署",
            "街道成立领导小组，开动员会、发方案；五个社区同步部署，线上征集渠道开通。",
            share=STAGE_WEEKS[0],
        ),
        StageSpec(
            "学习讨论",
            "机关和社区分层学习，干部走进楼院调研，找准八大关要讨论的真问题。",
            share=STAGE_WEEKS[1],
        ),
        StageSpec(
            "“7+11”征集意见",
            "七类群体围绕十一个方面座谈、线上留言、入户走访；能马上办的实事边查边改。",
            share=STAGE_WEEKS[2],
        ),
        StageSpec(
            "实践转化、总结提升",
            "意见建议归并成问题清单，逐条定措施、定单位、定时限；好的做法形成制度。",
            share=STAGE_WEEKS[3],
        ),
    ),
    plan_items=(
        # 1. 动员部署
        PlanItemSpec(
            "成立领导小组和办公室",
            "党工委书记任组长，办公室设在党政办公室，负责统筹调度、督促检查和信息报送。",
            stage=0,
            lead_units=(OFFICE,),
        ),
        PlanItemSpec(
            "召开全街道动员大会",
            "机关各科室、五个社区和驻区单位代表参加，讲清这次大讨论要做什么、怎么做、何时完成。",
            stage=0,
            lead_units=(OFFICE, PUBLICITY),
        ),
        PlanItemSpec(
            "印发实施方案和任务清单",
            "四个阶段各有起止时间，每项任务写明牵头单位和完成时限，在平台上逐项跟踪。",
            stage=0,
            lead_units=(OFFICE,),
        ),
        PlanItemSpec(
            "开通线上征集，张贴扫码海报",
            "平台上开通居民提交页面；各社区在楼院、服务站张贴二维码海报，居民扫码即可留言、查回执。",
            stage=0,
            lead_units=(PUBLICITY,),
        ),
        PlanItemSpec(
            "社区召开动员部署会",
            "各社区召开党委会和居民代表会，结合本社区情况细化安排，明确联络员。",
            stage=0,
            lead_units=COMMUNITIES,
        ),
        # 2. 学习讨论
        PlanItemSpec(
            "党工委中心组专题学习",
            "围绕解放思想的主题集中学习两次，班子成员结合分管工作谈认识、找差距。",
            stage=1,
            lead_units=(PUBLICITY,),
        ),
        PlanItemSpec(
            "社区党员集中学习",
            "利用党员大会和主题党日组织学习，离退休老党员和在职党员一起参加、一起讨论。",
            stage=1,
            lead_units=COMMUNITIES,
        ),
        PlanItemSpec(
            "机关干部分片进楼院调研",
            "机关干部按片联系社区，到楼院听居民怎么看街道的工作，每人交一份调研小结。",
            stage=1,
            lead_units=(PERSONNEL,),
        ),
        PlanItemSpec(
            "“身边的变化”社区宣讲",
            "请老同志、道德模范到社区讲老城区和海滨街区这些年的变化，引导居民说心里话。",
            stage=1,
            lead_units=(PUBLICITY,),
            kind="optional",
        ),
        # 3. “7+11”征集意见
        PlanItemSpec(
            "组织“7+11”分组座谈",
            "七类群体的代表按十一个方面分组发言，工作人员当场把每条意见录入平台，会后逐条跟进。",
            stage=2,
            lead_units=(OFFICE,),
        ),
        PlanItemSpec(
            "线上和意见表征集意见",
            "居民扫码留言，驻区单位用意见表或接口成批报送；每条意见都有回执号，可随时查看办理情况。",
            stage=2,
            lead_units=(PUBLICITY,),
        ),
        PlanItemSpec(
            "结合大走访入户征求意见",
            "社区工作人员和网格员逐户走访，重点听取独居老人、困难家庭和沿街商户的诉求。",
            stage=2,
            lead_units=COMMUNITIES,
        ),
        PlanItemSpec(
            "居民身边的实事边查边改",
            "路面、水管、扶手、路灯这类能马上办的事，社区当即协调办理，并在回执页答复居民。",
            stage=2,
            lead_units=(CITY, *COMMUNITIES),
        ),
        PlanItemSpec(
            "对照意见查摆干部作风",
            "针对居民反映的服务态度、办事效率问题，机关和社区干部逐一对照查摆，开展谈心谈话。",
            stage=2,
            lead_units=(DISCIPLINE, PERSONNEL),
        ),
        # 4. 实践转化、总结提升
        PlanItemSpec(
            "意见建议归并为问题清单",
            "对征集到的意见去重、归类，按十一个方面列出问题清单，每个问题明确整改措施、责任单位和时限。",
            stage=3,
            lead_units=(OFFICE,),
        ),
        PlanItemSpec(
            "整改措施督导落实",
            "督导组按清单跟踪整改进度，到期未完成的先催办、再督办，办结的回访居民。",
            stage=3,
            lead_units=(DISCIPLINE,),
        ),
        PlanItemSpec(
            "评选优秀“金点子”",
            "从征集的意见中选出一批针对性强、可操作的金点子，对提出的居民和单位予以表扬。",
            stage=3,
            lead_units=(PUBLICITY,),
            kind="optional",
        ),
        PlanItemSpec(
            "总结成效，形成长效制度",
            "总结这次大讨论的做法和成效，把定期征集、限时办理、办结回访写进街道的工作制度。",
            stage=3,
            lead_units=(OFFICE,),
        ),
        # The whole campaign
        PlanItemSpec(
            "编发工作简报",
            "办公室每两周编发一期简报，通报各单位进度、好的做法和滞后的事项。",
            stage=None,
            lead_units=(OFFICE,),
        ),
    ),
)

_DONE, _DOING, _LATE = PlanItemStatus.DONE, PlanItemStatus.IN_PROGRESS, PlanItemStatus.DELAYED

# title -> (status, note) for the work items of the stages that have begun by today.
PROGRESS: dict[str, tuple[str, str]] = {
    "成立领导小组和办公室": (_DONE, "领导小组和办公室已成立，办公室每周一调度一次。"),
    "召开全街道动员大会": (_DONE, "动员大会已开，机关和社区共120余人参加。"),
    "印发实施方案和任务清单": (_DONE, "方案和任务清单已印发，19项任务全部录入平台。"),
    "开通线上征集，张贴扫码海报": (_DONE, "居民提交页面已开通，五个社区共张贴海报60余张。"),
    "社区召开动员部署会": (_DONE, "五个社区的动员部署会均已召开。"),
    "党工委中心组专题学习": (_DONE, "两次专题学习已完成，班子成员均作交流发言。"),
    "社区党员集中学习": (_DONE, "各社区已组织集中学习，参学党员300余人次。"),
    "机关干部分片进楼院调研": (_DONE, "调研小结已全部收齐，汇总出12个需要讨论的问题。"),
    "“身边的变化”社区宣讲": (_DONE, "已在八大关、太平角社区各宣讲一场。"),
    "组织“7+11”分组座谈": (_DONE, "街道座谈会已召开，征集意见12条，均已录入平台。"),
    "线上和意见表征集意见": (_DOING, "线上征集持续进行，三个社区的意见表已收回。"),
    "结合大走访入户征求意见": (_DOING, "已走访1,100余户，福山路、太平角社区还在进行。"),
    "居民身边的实事边查边改": (
        _DOING,
        "兴安支路路面、莱阳路水管等9件已办结，并在回执页答复了居民。",
    ),
    "对照意见查摆干部作风": (_LATE, "两个社区的谈心谈话还没有完成，已提醒限期完成。"),
    "编发工作简报": (_DOING, "已编发第1至第4期简报。"),
}
