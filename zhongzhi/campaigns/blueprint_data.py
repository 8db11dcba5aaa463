"""The templates (模板) themselves, taken from the seed documents.

Kept apart from `blueprints.py` because the plan texts are long; importing
`zhongzhi.campaigns.blueprints` registers everything defined here into `BLUEPRINTS`.

Lead units (牵头单位) use one set of names across templates so that a unit tree that
has them (as a unit's name or short name, e.g. a 宣传统战科 with the short name 宣传条线)
resolves them: "…条线" for the lines of work, "街道各党组织" / "各单位" for "every
organisation of the owner", "领导小组办公室" for the campaign office.
"""

from zhongzhi.campaigns.blueprints import (
    Blueprint,
    CategorySpec,
    PlanItemSpec,
    StageSpec,
    TopicSpec,
    register,
)

OFFICE = "领导小组办公室"
EVERY_UNIT = "各单位"
EVERY_PARTY_ORGANISATION = "街道各党组织"
SUPERVISION_GROUPS = "督导组"
CHINESE_NUMBERS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")


def split_leads(text: str) -> tuple[str, ...]:
    """Split a plan's "(牵头单位：…)" wording into separate lead names.

    "党政、宣传条线" names two lines of work that share the suffix: ("党政条线", "宣传条线").
    """
    parts = [part.strip() for part in text.split("、") if part.strip()]
    suffix = "条线" if parts and parts[-1].endswith("条线") else ""
    return tuple(part if part.endswith(suffix) else part + suffix for part in parts)


# --- "7+11" (seed 004, 八大关街道) -------------------------------------------------

SEVEN_ELEVEN = Blueprint(
    key="7+11",
    name="“7+11”意见征集（八大关街道）",
    description="邀请7类群体，围绕11个方面召开专题座谈会并线上征集意见，深入查找问题不足。",
    source="seed 004：八大关街道解放思想实行“7+11”意见征集机制",
    activity_kinds=(("专题座谈会", "symposium"), ("线上意见征集", "other")),
    categories=(
        CategorySpec("街道", "街道机关干部和工作人员。"),
        CategorySpec("社区工作站", "各社区工作站（社区党委、居委会）的工作人员。"),
        CategorySpec("老干部", "辖区离退休老干部、老同志。"),
        CategorySpec("人大代表", "辖区各级人大代表。"),
        CategorySpec("政协委员", "辖区各级政协委员。"),
        CategorySpec("道德模范", "辖区道德模范和身边好人代表。"),
        CategorySpec("居民代表", "各社区推选的居民代表。"),
    ),
    topics=(
        TopicSpec(
            "新旧动能转换",
            "关于培育新产业新业态、改造传统产业、推动经济转型升级的意见建议。",
            (
                "动能",
                "转型",
                "升级",
                "新产业",
                "新业态",
                "传统产业",
                "落后产能",
                "科技",
                "创新",
                "研发",
                "高新技术",
                "数字经济",
                "互联网",
                "智能",
                "科技型企业",
            ),
        ),
        TopicSpec(
            "双招双引",
            "关于招商引资、招才引智，引进企业、项目和人才并留住他们的意见建议。",
            (
                "招商",
                "引资",
                "招商引资",
                "招才",
                "引智",
                "引才",
                "人才",
                "留住人才",
                "人才公寓",
                "落户",
                "高校毕业生",
                "投资",
                "外资",
                "总部",
                "项目落地",
            ),
        ),
        TopicSpec(
            "西部老城区复兴发展",
            "关于西部老城区历史街区保护、老旧建筑改造和恢复城区活力的意见建议。",
            (
                "老城区",
                "老城",
                "西部",
                "历史街区",
                "老建筑",
                "老房子",
                "里院",
                "旧城改造",
                "历史文化",
                "文物",
                "保护修缮",
                "名人故居",
                "风貌",
                "街区",
                "沿街商铺",
                "空置",
            ),
        ),
        TopicSpec(
            "经略海洋",
            "关于发展海洋经济和海洋科技、保护海岸和海水浴场、弘扬海洋文化的意见建议。",
            (
                "海洋",
                "海洋经济",
                "海洋科技",
                "海洋研究所",
                "蓝色经济",
                "海岸",
                "岸线",
                "海边",
                "海水浴场",
                "沙滩",
                "渔业",
                "海产品",
                "港口",
                "航运",
                "游艇",
                "海洋文化",
            ),
        ),
        TopicSpec(
            "营商环境",
            "关于政务服务、审批办事效率和为企业、商户排忧解难的意见建议。",
            (
                "办事",
                "审批",
                "窗口",
                "企业",
                "营业执照",
                "手续",
                "跑腿",
                "一次办好",
                "证明材料",
                "个体户",
                "商户",
                "中小企业",
                "融资",
                "减税",
                "收费",
                "政策兑现",
            ),
        ),
        TopicSpec(
            "干部能力",
            "关于干部作风、业务本领、担当作为和服务态度的意见建议。",
            (
                "干部",
                "作风",
                "态度",
                "能力",
                "本领",
                "担当",
                "不作为",
                "推诿",
                "扯皮",
                "形式主义",
                "官僚主义",
                "工作人员",
                "责任心",
                "培训",
                "业务水平",
            ),
        ),
        TopicSpec(
            "融入军民融合创新示范区",
            "关于融入青岛军民融合创新示范区建设、军地共建和拥军优属的意见建议。",
            (
                "军民融合",
                "示范区",
                "军地",
                "部队",
                "军队",
                "军人",
                "退役军人",
                "军属",
                "拥军",
                "优抚",
                "双拥",
                "国防",
                "民兵",
                "征兵",
            ),
        ),
        TopicSpec(
            "深化街道社区管理体制改革",
            "关于街道与社区职责划分、社区减负、网格化管理和社区工作者队伍的意见建议。",
            (
                "体制改革",
                "管理体制",
                "社区减负",
                "减负",
                "职责",
                "权责",
                "网格",
                "网格员",
                "社区工作者",
                "社工",
                "台账",
                "考核",
                "盖章",
                "开证明",
                "下沉",
                "编制",
            ),
        ),
        TopicSpec(
            "推进“六联共建”",
            "关于社区与驻区单位、共建单位联建共建、共享场地和资源的意见建议。",
            (
                "六联共建",
                "共建",
                "联建",
                "共驻共建",
                "驻区单位",
                "辖区单位",
                "共建单位",
                "资源共享",
                "场地共享",
                "联席会议",
                "结对",
                "党建联盟",
                "联动",
                "共享",
            ),
        ),
        TopicSpec(
            "“帮到家”党建服务品牌再提升",
            "关于“帮到家”党建服务品牌、党员志愿服务和上门帮办代办的意见建议。",
            (
                "帮到家",
                "党建",
                "服务品牌",
                "品牌",
                "党员",
                "在职党员",
                "报到",
                "志愿者",
                "志愿服务",
                "上门服务",
                "上门",
                "代办",
                "帮办",
                "党群服务中心",
                "结对帮扶",
                "困难群众",
            ),
        ),
        TopicSpec(
            "提高为民服务水平",
            "关于居民身边的民生小事：道路、水管、路灯、扶手、便民设施和文体活动等的意见建议。",
            (
                "便民",
                "服务",
                "老人",
                "老年人",
                "道路",
                "路面",
                "坑洼",
                "路灯",
                "扶手",
                "护栏",
                "漏水",
                "水管",
                "污水",
                "下水道",
                "充值",
                "老年卡",
                "文体活动",
                "舞蹈队",
                "停车",
                "垃圾",
            ),
        ),
    ),
)


# --- Three stages (seed 003, 晋城) -------------------------------------------------
# The article covers the first stage (宣传发动, "一个月来") of a campaign "为期两个多月";
# the shares are in weeks: a month to mobilise, a month to carry out, two weeks to sum
# up. It describes what happened in the first two stages; the third stage's items
# follow from its name (总结交流) and the screening of ideas the article reports.

THREE_STAGE = Blueprint(
    key="three-stage",
    name="三阶段：宣传发动、组织实施、总结交流（晋城）",
    description="按宣传发动、组织实施、总结交流三个阶段推进，集中学习研讨、课题研究、征集“金点子”并择优，督导组全覆盖督导。",
    source="seed 003：晋城市新一轮思想解放大讨论活动（第一阶段）综述",
    # "12个督导组对97个单位进行督导": the office adds each group's members and units.
    supervision_groups=tuple(f"第{number}督导组" for number in CHINESE_NUMBERS),
    activity_kinds=(
        ("集中学习", "study"),
        ("交流研讨", "symposium"),
        ("课题调研", "research_visit"),
        ("主题演讲比赛", "other"),
    ),
    stages=(
        StageSpec(
            "宣传发动",
            "召开动员会议，成立领导小组及办公室，出台实施方案；各单位部署落实，"
            "张挂宣传标语、媒体开设专栏，营造浓厚氛围。",
            share=4,
        ),
        StageSpec(
            "组织实施",
            "集中学习、交流研讨、课题研究、征集“金点子”、演讲比赛等活动全面展开，"
            "各单位创新自选动作，开门搞大讨论。",
            share=4,
        ),
        StageSpec(
            "总结交流",
            "对“金点子”初步筛选、择优，总结交流课题成果和经验做法。",
            share=2,
        ),
    ),
    plan_items=(
        PlanItemSpec(
            "召开大讨论动员会议",
            "召开思想解放大讨论会议，主要领导讲话为活动定调；领导干部分别与下级单位、"
            "部门交流座谈，以上率下。",
            stage=0,
            lead_units=(OFFICE,),
        ),
        PlanItemSpec(
            "成立领导小组，出台实施方案",
            "成立活动领导小组，办公室设在宣传部门，牵头抓总；出台实施方案，将活动分为"
            "宣传发动、组织实施、总结交流3个阶段，印发集中学习、学术研讨、征集“金点子”、"
            "演讲比赛等活动通知。",
            stage=0,
            lead_units=(OFFICE,),
        ),
        PlanItemSpec(
            "各单位召开专题会议部署落实",
            "各单位召开专题会议传达学习，成立本单位活动领导小组，细化任务清单、职责清单，"
            "明确时限要求，将责任落实到单位、具体到人。",
            stage=0,
            lead_units=(EVERY_UNIT,),
        ),
        PlanItemSpec(
            "张挂宣传标语，媒体宣传报道",
            "拟定宣传标语印发张挂，户外大屏、沿街电子屏、楼宇电视等滚动播放；新闻媒体"
            "开设大讨论专栏，推出评论和专题访谈。",
            stage=0,
            lead_units=(OFFICE,),
        ),
        PlanItemSpec(
            "集中学习",
            "以理论学习中心组学习会议、党委（党组）扩大会议、党支部“三会一课”等形式"
            "集中学习，列出必学目录和学习计划表。",
            stage=1,
            lead_units=(EVERY_UNIT,),
        ),
        PlanItemSpec(
            "交流研讨",
            "坚持问题导向，聚焦突出问题和群众反映强烈的热点难点问题召开大讨论会议，"
            "领导干部带头说、干部群众一起说。",
            stage=1,
            lead_units=(EVERY_UNIT,),
        ),
        PlanItemSpec(
            "课题申报与调研",
            "各单位申报大讨论调研课题，一把手亲自领题、担任课题组组长，组建课题团队开展研究。",
            stage=1,
            lead_units=(EVERY_UNIT,),
        ),
        PlanItemSpec(
            "征集“金点子”",
            "各单位通过发放意见表、座谈等方式向干部职工、专家学者、企业家征集“金点子”"
            "并报送；面向社会通过公众号、小程序征集并自动统计。",
            stage=1,
            lead_units=(EVERY_UNIT,),
        ),
        PlanItemSpec(
            "举办主题演讲比赛",
            "围绕大讨论主题举办演讲比赛，激发干部群众参与大讨论的热情。",
            stage=1,
            lead_units=(EVERY_UNIT,),
        ),
        PlanItemSpec(
            "开门建言献策（自选动作）",
            "各单位结合实际创新自选动作：向在外各界人士寄送公开信邀请建言、搭建建言献策"
            "平台、组织身边人宣讲、征文等，动员社会各界参与。",
            stage=1,
            lead_units=(EVERY_UNIT,),
            kind="optional",
        ),
        PlanItemSpec(
            "“金点子”初步筛选、择优",
            "对征集的“金点子”进行初步筛选，择优评选出有建设性、有代表性的优秀“金点子”。",
            stage=2,
            lead_units=(OFFICE,),
        ),
        PlanItemSpec(
            "总结交流活动成果",
            "汇总课题研究成果和优秀“金点子”，交流经验做法，总结大讨论活动成效。",
            stage=2,
            lead_units=(OFFICE,),
        ),
        PlanItemSpec(
            "督导组全覆盖督导",
            "督导组依据活动部署，对各单位开展全覆盖督导，推动大讨论活动向纵深开展。",
            stage=None,
            lead_units=(SUPERVISION_GROUPS,),
        ),
        PlanItemSpec(
            "编发工作简报",
            "领导小组办公室适时编发工作简报，反映工作成效，交流工作经验。",
            stage=None,
            lead_units=(OFFICE,),
        ),
    ),
)


# --- Four stages with lead units (seed 001, 斜塘街道) --------------------------------
# The plan runs from May to the end of the year. Its month ranges share October
# (stage 2 "6月至10月", stage 3 "10月至12月上旬"); October is split at the 15th so that
# the stages follow one another. Shares are the days of 2018: 5/1–5/31, 6/1–10/15,
# 10/16–12/10 (上旬 ends on the 10th), 12/11–12/31. The month ranges stay here, not in
# the stages' descriptions: a campaign's own dates replace them.

FOUR_STAGE = Blueprint(
    key="four-stage",
    name="四阶段实施方案（斜塘街道）",
    description="按强化宣传发动、深化学习讨论、注重实践转化、坚持久久为功四个阶段推进，每项工作任务明确牵头单位。",
    source="seed 001：斜塘街道解放思想大讨论活动实施方案",
    activity_kinds=(
        ("党工委中心组学习会", "study"),
        ("“解放思想大讨论”论坛", "forum"),
        ("读书调研", "research_visit"),
    ),
    stages=(
        StageSpec("强化宣传发动", "形成广泛思想共识。", share=31),
        StageSpec("深化学习讨论", "兴起干部群众共同参与热潮。", share=137),
        StageSpec("注重实践转化", "提振干部干事创业精气神。", share=56),
        StageSpec("坚持久久为功", "率先推动高质量发展。", share=21),
    ),
    plan_items=(
        # 1. 强化宣传发动
        PlanItemSpec(
            "研究制定方案，部署启动大讨论",
            "召开街道党工委会议精心策划部署，认真研究制定大讨论活动的工作方案和实施意见，"
            "广泛宣传发动，拉开街道大讨论活动序幕。",
            stage=0,
            lead_units=split_leads("党政、宣传条线"),
        ),
        PlanItemSpec(
            "召开党工委中心组学习会动员部署",
            "以学全面深化改革开放重要思想和在博鳌论坛上的重要讲话精神为主题，贯彻落实省委"
            "书记娄勤俭在全省党委中心组学习会上的讲话精神，省委常委、市委书记周乃翔在全市"
            "党委中心组学习会上的讲话精神，苏州市委常委、园区党工委吴庆文书记在园区党工委"
            "会议上的讲话精神，召开街道党工委中心组学习会，对开展大讨论活动进行动员部署。",
            stage=0,
            lead_units=split_leads("党政、宣传条线"),
        ),
        PlanItemSpec(
            "班子领导读书调研",
            "围绕大讨论活动主题，部署开展班子领导读书调研活动，推动学以致用、用以促学。",
            stage=0,
            lead_units=split_leads("宣传条线"),
        ),
        PlanItemSpec(
            "广泛征集存在问题，查找思想障碍",
            "广泛征集存在问题，针对部分干部群众中存在的自满自足、等待观望、消极懈怠、路径"
            "依赖、重物轻人等思想倾向，发动街道上下结合实际，深入查找制约全面深化改革开放、"
            "影响高质量发展的思想障碍、观念束缚，有针对性地开展讨论。",
            stage=0,
            lead_units=split_leads(EVERY_PARTY_ORGANISATION),
        ),
        PlanItemSpec(
            "新闻媒体宣传报道，营造舆论声势",
            "发挥街道聚合传播体系优势，持续组织新闻媒体宣传报道大讨论活动的重要意义、主题"
            "内容、方法步骤、基本要求等，在全社会营造强大舆论声势。",
            stage=0,
            lead_units=split_leads("宣传条线"),
        ),
        # 2. 深化学习讨论
        PlanItemSpec(
            "聚焦主题摸透情况、找准思路、搞实措施",
            "聚焦“学习新思想、改革再出发、开放迈新步、发展高质量”主题，围绕全面深化改革、"
            "推进转型升级、致力创新驱动、提升发展质效等方面，进一步把自身情况摸透，把目标"
            "思路找准，把发展措施搞实。",
            stage=1,
            lead_units=split_leads("党政条线"),
        ),
        PlanItemSpec(
            "举办3期“解放思想大讨论”论坛",
            "围绕大讨论主题，在8月至10月期间举办3期“解放思想大讨论”论坛，激发领导干部"
            "精神状态，形成求真务实、推动发展的浓厚氛围，推动改革发展实践。街道班子领导、"
            "各部门、各社区、各单位主要领导作论坛交流发言，分享创新发展新招实招，谋划难题"
            "解决办法。",
            stage=1,
            lead_units=split_leads("党政、宣传条线"),
        ),
        PlanItemSpec(
            "各级各部门集中学习交流研讨",
            "街道各级各部门围绕大讨论主题和重点方面，结合自身实际，组织开展集中学习交流"
            "研讨和专题研讨，切实查找矛盾，剖析原因，提出扎实工作举措，推动街道上下兴起"
            "思想大讨论的热潮。",
            stage=1,
            lead_units=split_leads(EVERY_PARTY_ORGANISATION),
        ),
        PlanItemSpec(
            "纪念真理标准问题讨论40周年研讨",
            "结合纪念真理标准问题讨论40周年，社科理论界深入学习研讨全面深化改革开放重要"
            "思想，全面总结街道成立以来特别是党的十八大以来坚持党的思想路线，深化改革的"
            "成就、经验和启示。",
            stage=1,
            lead_units=split_leads("宣传条线"),
        ),
        PlanItemSpec(
            "开办“解放思想大家说”网上专栏",
            "在街道网站、“斜塘之音”广播、《斜塘河》杂志、斜塘发布等自媒体开办专栏、专题，"
            "举办“解放思想大家说”专题。精心组织庆祝改革开放40年网上主题宣传，开辟网上"
            "互动专区，推出系列融媒体报道作品。组织开展网络文化季系列活动，用网言网语讲述"
            "斜塘故事、传播斜塘声音。",
            stage=1,
            lead_units=split_leads("宣传条线"),
        ),
        PlanItemSpec(
            "“我与斜塘的故事”系列报道",
            "推出系列报道，开展“致敬改革开放40周年——‘我与斜塘的故事’”活动，集中宣传"
            "一批推进改革开放的先进典型和奋战在改革一线的先进人物。",
            stage=1,
            lead_units=split_leads("宣传条线"),
        ),
        PlanItemSpec(
            "“走基地、看变化、聚力量”和百姓名嘴展示",
            "以“新时代新气象新作为”为主题，举办“走基地、看变化、聚力量”活动和百姓名嘴"
            "风采展示活动。",
            stage=1,
            lead_units=split_leads("宣传条线"),
        ),
        # 3. 注重实践转化
        PlanItemSpec(
            "梳理意见建议，转化为措施和制度",
            "各级各部门各单位梳理有价值的意见建议，把大讨论活动形成的共识性成果，转化为"
            "全面深化改革开放的办法、措施、政策、制度，推动各级党组织和党员干部科学确定"
            "走在前列的目标任务，系统谋划走在前列的路径举措，全面落实走在前列的机制保障，"
            "形成一批实践成果和制度成果。",
            stage=2,
            lead_units=split_leads(EVERY_PARTY_ORGANISATION),
        ),
        PlanItemSpec(
            "加强干部监督管理，完善“四项机制”",
            "加强干部日常监督和管理，建立健全干部谈心谈话、提醒函询诫勉、队伍建设等制度，"
            "完善干部履职保护、绩效考核、创新激励、责任追究“四项机制”，让能干事、会干事、"
            "干成事的干部得褒奖、有实惠、受重用，激发各级各部门领导班子和干部群众干事创业"
            "活力。",
            stage=2,
            lead_units=split_leads("纪检、组织条线"),
        ),
        PlanItemSpec(
            "选优配强干部队伍，加强教育培训",
            "围绕街道改革发展需要，选优配强干部队伍；加强高素质专业化干部队伍建设，大力"
            "实施青蓝培育工程，系统推进干部教育培训，重点办好书记班、党建党务班、社区治理班"
            "和能力提升班，突出开展解放思想大讨论活动，分层分类加强干部素质能力培养，拓宽"
            "街道干部视野，切实提升街道干部的政治定力、履职能力和创新魄力。",
            stage=2,
            lead_units=split_leads("组织条线"),
        ),
        PlanItemSpec(
            "中层以上干部提交心得体会文章",
            "紧扣解放思想大讨论主题，组织开展街道中层以上干部书面大讨论活动。围绕大讨论"
            "主题，结合个人本职工作，以问题为导向，提交1篇高质量心得体会文章，形成一批讨论"
            "成果，引导广大党员干部想大事谋实事、想新招出实招，做到学在深处、谋在新处、"
            "干在实处。",
            stage=2,
            lead_units=split_leads("组织条线"),
        ),
        PlanItemSpec(
            "实施“善治斜塘党建引领工程”",
            "以提升基层党组织组织力为重点，大力实施“善治斜塘党建引领工程”，贯彻落实"
            "《苏州工业园区基层党组织建设规范化实施办法》、《苏州工业园区基层党组织“星级”"
            "管理评定办法》，以党组织建设的规范化助推党内政治生活的规范化，在街道机关、事业"
            "单位、社区、公司等党组织广泛开展解放思想大讨论活动，推动基层党组织建设全面进步、"
            "全面过硬，把基层党组织建设成为宣传党的主张、贯彻党的决定、推动改革开放的坚强"
            "战斗堡垒。",
            stage=2,
            lead_units=split_leads("组织条线"),
        ),
        # 4. 坚持久久为功
        PlanItemSpec(
            "组织收听收看庆祝改革开放40周年大会",
            "认真组织好中央和省重要庆祝活动的收听收看和学习讨论。2018年12月18日上午，"
            "党中央、国务院召开庆祝改革开放40周年大会。12月20日前后，省委、省政府召开庆祝"
            "改革开放40周年座谈会，学在庆祝改革开放40周年大会上的重要讲话精神。街道按照"
            "要求统一组织收听收看和学习讨论。",
            stage=3,
            lead_units=split_leads("宣传条线"),
        ),
        PlanItemSpec(
            "围绕“三大攻坚战”加强监督检查",
            "紧紧围绕防范化解重大风险、精准脱贫、污染防治“三大攻坚战”的决策部署，针对生态"
            "文明和安全生产等重点领域，深入一线加强监督检查，切实加强集体“三资”管理和生态"
            "文明建设督查工作，坚决纠正贯彻党中央省市区和街道党工委决策部署态度不坚决、工作"
            "不扎实等现象，督促打好“三大攻坚战”这一重大政治责任落到实处，为斜塘推进高质量"
            "发展提供坚强政治保障。",
            stage=3,
            lead_units=split_leads("纪检条线"),
        ),
        PlanItemSpec(
            "落实全面从严治党，问责不作为乱作为",
            "认真实施全面从严治党工作方案，充分发挥全面从严治党相关平台作用，把责任压力传导"
            "到基层，把有责必问、问责必严的要求落实到管党治党实践中，加大对不作为乱作为的"
            "问责曝光力度，督促街道各级党组织和党员干部切实做到解放思想，改进作风，不断提高"
            "发展的质量和水平，为推动街道高质量发展提供坚强保障。",
            stage=3,
            lead_units=split_leads("组织、纪检、宣传条线"),
        ),
        PlanItemSpec(
            "总结大讨论活动成果并推动运用",
            "总结大讨论活动成果，推动街道各级各部门以重要讲话精神为指引，持续解放思想，不断"
            "探索创新。将活动成果运用到街道社会发展实际，拿出实实在在的举措，谱写高质量发展"
            "新篇章。",
            stage=3,
            lead_units=split_leads(EVERY_PARTY_ORGANISATION),
        ),
        PlanItemSpec(
            "监督检查机构改革实施情况",
            "切实加强对机构改革实施情况的监督检查，确保如期完成各项改革任务。严肃查处改革中"
            "的违纪行为，以严肃问责推动改革主体责任落实，保障各项改革顺利进行。",
            stage=3,
            lead_units=split_leads("纪检条线"),
        ),
    ),
)

# --- "5+12+N" (seed 002, 沈阳市辽中区) -------------------------------------------------
# A way of holding the discussion, not a stage plan: campaign-wide items that go with
# any stage template. The 5 comparisons are yardsticks for finding gaps (查摆问题: the
# seed counts 295 problems and 314 measures), one item each. The seed does not name the
# 12 task forces (专项攻坚队): the template makes twelve numbered placeholders whose
# titles the office changes to its own task forces. "N" is the series of symposiums
# every unit holds.

TASK_FORCES = 12

FIVE_TWELVE_N = Blueprint(
    key="5+12+N",
    name="“5+12+N”大讨论（辽中区）",
    description="“5对照”讨论查摆差距、12个专项攻坚队主题讨论、N个系列座谈讨论，推动思想深解放；"
    "可与阶段模板一起套用。",
    source="seed 002：沈阳市辽中区以解放思想激活振兴发展内生动力",
    activity_kinds=(
        ("“5对照”讨论查摆", "meeting"),
        ("攻坚队主题讨论", "meeting"),
        ("系列座谈会", "symposium"),
    ),
    plan_items=(
        *(
            PlanItemSpec(
                f"“5对照”讨论查摆：对照{yardstick}",
                f"对照{yardstick}，讨论查摆差距，明确奋斗目标和主攻方向；查摆出的问题立为问题、"
                "制定整改措施。",
                stage=None,
                lead_units=(EVERY_UNIT,),
            )
            for yardstick in (
                "习近平总书记重要讲话和指示精神",
                "“九个是不是”",
                "“四个是否”",
                "“四个距离”",
                "发达地区、行业标杆、先进经验",
            )
        ),
        *(
            PlanItemSpec(
                f"第{number}专项攻坚队主题讨论",
                "专项攻坚队围绕“以思想破冰引领发展破题”主题率先开展解放思想大讨论，引领专项"
                "行动高效开展。（模板占位：请把任务名称改为本攻坚队的名称，并选择牵头单位。）",
                stage=None,
                lead_units=(f"第{number}专项攻坚队",),
            )
            for number in CHINESE_NUMBERS[:TASK_FORCES]
        ),
        PlanItemSpec(
            "“推动思想解放实现新突破”系列座谈会",
            "组织各单位开展“推动思想解放实现新突破系列座谈会”，座谈会收集的意见建议逐条录入。",
            stage=None,
            lead_units=(EVERY_UNIT,),
        ),
        PlanItemSpec(
            "“我为振兴献良策”活动",
            "开展“我为全面振兴全方位振兴献良策”活动，面向干部群众征集意见建议。",
            stage=None,
            lead_units=(EVERY_UNIT,),
            kind="optional",
        ),
    ),
)

for _blueprint in (SEVEN_ELEVEN, THREE_STAGE, FOUR_STAGE, FIVE_TWELVE_N):
    register(_blueprint)
