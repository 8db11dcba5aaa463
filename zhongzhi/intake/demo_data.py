"""Suggestions for the demo campaign (八大关街道 "7+11"): a few hundred of them.

Every text here was written for the demo; none is copied from the seed documents
or the development data. They spread over the five communities, the 11 topics and
7 categories, every channel and the last five weeks, and include the concrete
requests the street's communities really closed (seed 004): the potholed road at
兴安支路2号, the guard rail at 红岛路5号, handrails at 和惠居, the leaking water pipe at
莱阳路22号, the sewage at 莱阳路18-24号, handrails and solar lamps at 鱼山路4号, a card
top-up machine, and more sports and culture activities. Some are sent again in other
words or in Traditional script, some have +1s, the seed cases are adopted
(rectification.demo closes the loop on them); two meetings are recorded through the
quick-entry service.

    demo_suggestions_create(campaign) -> int   # how many were created; 0 the second time

Idempotent: every suggestion has the key ``demo-<n>`` (meeting rows their meeting's).
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from zhongzhi.activities.models import Activity
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Topic
from zhongzhi.intake.meetings import MeetingRow, meeting_record
from zhongzhi.intake.models import Channel, Suggestion, SuggestionStatus
from zhongzhi.intake.services import (
    suggestion_plus_one,
    suggestion_submit,
)
from zhongzhi.org.models import Membership, Role, Unit, User
from zhongzhi.screening.services.decisions import suggestion_decide
from zhongzhi.triage.resubmit import Kind, resubmit

# The "7+11" topics and categories, by the names the template gives them.
NEW_DRIVERS, INVESTMENT, OLD_TOWN, OCEAN, BUSINESS, CADRES = (
    "新旧动能转换",
    "双招双引",
    "西部老城区复兴发展",
    "经略海洋",
    "营商环境",
    "干部能力",
)
MILITARY, REFORM, CO_BUILD, BANG_DAO_JIA, SERVICE = (
    "融入军民融合创新示范区",
    "深化街道社区管理体制改革",
    "推进“六联共建”",
    "“帮到家”党建服务品牌再提升",
    "提高为民服务水平",
)
STREET, STATION, VETERAN, DEPUTY, CPPCC, MODEL, RESIDENT = (
    "街道",
    "社区工作站",
    "老干部",
    "人大代表",
    "政协委员",
    "道德模范",
    "居民代表",
)
HDL, JKL, FSL, BDG, TPJ = (
    "QD-SN-BDG-HDL",
    "QD-SN-BDG-JKL",
    "QD-SN-BDG-FSL",
    "QD-SN-BDG-BDG",
    "QD-SN-BDG-TPJ",
)
COMMUNITIES = (HDL, JKL, FSL, BDG, TPJ)
STREET_CODE = "QD-SN-BDG"
COORDINATORS = {
    HDL: "hongdaolu",
    JKL: "jinkoulu",
    FSL: "fushanlu",
    BDG: "badaguan",
    TPJ: "taipingjiao",
}
DAYS = 35  # suggestions are spread over the last five weeks


RESIDENTS_CHANNELS = (Channel.ONLINE, Channel.API)

# The screening decision that leaves a demo suggestion in the status its entry names.
_DECISION_FOR: dict[str, str] = {
    SuggestionStatus.ACCEPTED: "accept",
    SuggestionStatus.EXCELLENT: "excellent",
    SuggestionStatus.ADOPTED: "adopt",
}


@dataclass
class DemoEntry:
    unit: str
    topic: str | None
    category: str | None
    text: str
    title: str = ""
    channel: str = ""  # "" = drawn at random
    plus_ones: int = 0
    answer: str = ""
    status: str = ""
    days_ago: int = -1  # -1 = drawn at random


# --- What residents really asked for (seed 004), in the demo's own words ---------------

ROAD = DemoEntry(
    HDL,
    SERVICE,
    RESIDENT,
    "兴安支路2号门前那段路高低不平，坑坑洼洼的，下雨天全是水坑，老人推着小车根本走不了，"
    "晚上还有人绊倒过。希望社区尽快找人把路面重新铺一下。",
    "兴安支路2号路面坑洼",
    plus_ones=23,
    answer="社区实地查看并入户听取意见后制定了方案，兴安支路2号路段已重新铺设，人行道地砖全部换新。"
    "感谢您的反映，如还有问题请随时联系社区。",
    days_ago=33,
)
GUARD_RAIL = DemoEntry(
    HDL,
    SERVICE,
    MODEL,
    "红岛路5号楼门口旁边有条深沟，没有任何遮挡，晚上路灯又暗，孩子放学经过很危险，"
    "建议沿沟边装一段护栏。",
    "红岛路5号门口深沟建议加护栏",
    plus_ones=11,
    answer="护栏已于上周安装完毕，并在沟边加装了反光警示标识。",
    days_ago=31,
)
HANDRAILS_HEHUIJU = DemoEntry(
    HDL,
    BANG_DAO_JIA,
    RESIDENT,
    "和惠居的楼梯没有扶手，我们这栋楼七十岁以上的老人有十几位，上下楼全靠扶墙，"
    "前几天还有人崴了脚。能不能给各个单元都装上扶手？",
    "和惠居楼道请加装扶手",
    plus_ones=17,
    answer="社区已为和惠居20多个单元的楼梯安装了扶手，欢迎老人们试用后提出意见。",
    days_ago=30,
)
WATER_PIPE = DemoEntry(
    JKL,
    SERVICE,
    RESIDENT,
    "莱阳路22号院的自来水管用了几十年，锈得厉害，接口处一直滴水，墙根都泡软了，"
    "夏天水压还不够。请帮忙协调供水部门来更换管道。",
    "莱阳路22号自来水管漏水",
    plus_ones=9,
    answer="经社区协调，供水部门已对莱阳路22号院老旧破损的自来水管进行了整体改造，漏水问题已解决。",
    days_ago=29,
)
SEWAGE = DemoEntry(
    JKL,
    SERVICE,
    DEPUTY,
    "莱阳路18号到24号几个院子的污水管道经常堵，一堵就从井口往外冒，院子里味道很大，"
    "住户意见很大，建议彻底疏通并改造排污管道。",
    "莱阳路18-24号院污水外溢",
    plus_ones=14,
    answer="莱阳路18号至24号院的排污管道已完成疏通和改造，社区将定期回访。",
    days_ago=27,
)
YUSHAN_HANDRAILS = DemoEntry(
    JKL,
    BANG_DAO_JIA,
    VETERAN,
    "鱼山路4号院里台阶多，楼道也窄，老人进出不方便，希望在台阶和楼道里装上安全扶手。",
    "鱼山路4号请装安全扶手",
    plus_ones=6,
    answer="鱼山路4号院内台阶和楼道的安全扶手已经安装到位。",
    days_ago=26,
)
YUSHAN_LAMPS = DemoEntry(
    JKL,
    SERVICE,
    RESIDENT,
    "鱼山路4号院子里晚上一片漆黑，没有路灯，建议装几盏太阳能路灯，不用拉电线也省电费。",
    "鱼山路4号院内没有路灯",
    plus_ones=5,
    answer="院内已安装太阳能路灯，天黑后自动亮灯。",
    days_ago=25,
)
CARD_MACHINE = DemoEntry(
    FSL,
    SERVICE,
    VETERAN,
    "我们社区离最近的青岛通充值点要走二十多分钟，老年人腿脚不好，每次给老年卡充值都得让子女请假陪着。"
    "能不能在社区里放一台自助充卡机？",
    "社区里能否安装青岛通自助充卡机",
    plus_ones=28,
    answer="社区服务站新添了一台青岛通自助充值设备，老人带上身份证就能给老年卡免费充值。",
    days_ago=32,
)
SPORTS = DemoEntry(
    FSL,
    SERVICE,
    RESIDENT,
    "社区平时的文体活动太少了，退休以后在家闲着。我们几个老姐妹以前都跳过舞，"
    "希望社区牵头组个舞蹈队，再找个地方让大家活动活动身体。",
    "希望多搞些文体活动",
    plus_ones=19,
    answer="社区研究后成立了形体队和民族舞蹈队，每周二、四下午在社区活动室活动，欢迎报名。",
    days_ago=28,
)
HOUSING = DemoEntry(
    BDG,
    REFORM,
    RESIDENT,
    "武昌路1号乙的老房子产权一直没理清，住了几十年办不了手续，希望街道请相关单位来当面说说清楚。",
    "武昌路1号乙房屋产权问题",
    plus_ones=4,
    status=SuggestionStatus.ACCEPTED,
    days_ago=20,
)

SEED_REQUESTS = (
    ROAD,
    GUARD_RAIL,
    HANDRAILS_HEHUIJU,
    WATER_PIPE,
    SEWAGE,
    YUSHAN_HANDRAILS,
    YUSHAN_LAMPS,
    CARD_MACHINE,
    SPORTS,
    HOUSING,
)

# The same requests sent again by other people, in other words.
RESENT = (
    DemoEntry(
        HDL,
        SERVICE,
        RESIDENT,
        "兴安支路2号这条路太烂了，到处是坑，我家老伴前天晚上在那里摔了一跤，请社区重视！",
        "再次反映兴安支路2号的路",
        plus_ones=6,
        days_ago=24,
    ),
    DemoEntry(
        HDL,
        OLD_TOWN,
        CPPCC,
        "建议把兴安支路2号附近的破损路面和人行道一起翻修，老城区的小路也是城市的脸面。",
        "兴安支路路面翻修",
        days_ago=22,
    ),
    DemoEntry(
        HDL,
        SERVICE,
        RESIDENT,
        "红岛路5号那条沟边上什么都没有，我们天天提心吊胆，赶紧装个栏杆吧。",
        days_ago=21,
    ),
    DemoEntry(
        HDL,
        BANG_DAO_JIA,
        STATION,
        "走访中好几位和惠居的老人提到楼梯扶手的事，建议列入“帮到家”为老服务清单，统一安装。",
        "和惠居加装扶手",
        days_ago=19,
    ),
    DemoEntry(
        JKL,
        SERVICE,
        RESIDENT,
        "莱阳路22号水管又漏了，楼下一直滴滴答答，修了好几次都不管用，要换就全换掉。",
        plus_ones=3,
        days_ago=18,
    ),
    DemoEntry(
        JKL,
        SERVICE,
        RESIDENT,
        "莱阳路20号院里下水道冒黑水，应该是和18号、24号连在一起的管子出了问题，麻烦一起查一查。",
        "莱阳路20号下水道冒水",
        days_ago=17,
    ),
    DemoEntry(
        JKL,
        SERVICE,
        RESIDENT,
        "鱼山路4号晚上太黑了，能装个灯吗？太阳能的就行。",
        channel=Channel.API,
        days_ago=16,
    ),
    DemoEntry(
        FSL,
        SERVICE,
        RESIDENT,
        "老年卡充值太远了，社区能不能弄个能自己充值的机器？",
        plus_ones=12,
        days_ago=23,
    ),
    DemoEntry(
        FSL,
        BANG_DAO_JIA,
        MODEL,
        "建议在社区服务站放一台青岛通充值机，再安排志愿者教老人怎么用。",
        "青岛通充值机",
        days_ago=15,
    ),
    DemoEntry(
        FSL,
        SERVICE,
        RESIDENT,
        "想跳广场舞、练练形体都没有组织，希望社区多开展些文体活动，晚上也热闹些。",
        plus_ones=8,
        days_ago=14,
    ),
    DemoEntry(
        TPJ,
        SERVICE,
        RESIDENT,
        "我们太平角这边也缺文体活动，能不能和福山路一样组个舞蹈队？",
        days_ago=9,
    ),
)

# --- Other suggestions, written for the demo -------------------------------------------

OTHERS = (
    DemoEntry(
        HDL,
        NEW_DRIVERS,
        STREET,
        "建议利用老城区闲置的小洋楼发展设计、影视后期这类轻资产产业，既保护建筑又能带来就业。",
        "闲置老建筑发展文创产业",
    ),
    DemoEntry(
        JKL,
        NEW_DRIVERS,
        CPPCC,
        "鼓励社区里的小商店接入线上平台，街道可以请电商企业来办几期培训，帮老店主学会网上接单。",
        "帮老店主上线经营",
    ),
    DemoEntry(
        FSL,
        NEW_DRIVERS,
        DEPUTY,
        "辖区高校多，建议街道搭个平台，让学生的创业项目在老城区找到便宜的办公场地。",
        "为大学生创业提供场地",
    ),
    DemoEntry(
        BDG,
        NEW_DRIVERS,
        STREET,
        "八大关的旅游不能只靠看房子，建议开发夜间灯光秀和沉浸式导览，把游客留下来过夜消费。",
        "发展夜间旅游",
    ),
    DemoEntry(
        TPJ, NEW_DRIVERS, RESIDENT, "希望在社区推广智能水电表，老人家里出了异常能及时提醒子女。"
    ),
    DemoEntry(
        HDL,
        INVESTMENT,
        CPPCC,
        "招商不要只盯大企业，老城区适合引进小而精的设计工作室和特色餐饮，"
        "建议街道建一个空置房源清单，对外发布。",
        "建立空置房源清单",
    ),
    DemoEntry(
        FSL,
        INVESTMENT,
        STREET,
        "建议设立人才驿站，给来辖区创业的年轻人提供短期住宿和政策咨询。",
        "设立人才驿站",
    ),
    DemoEntry(
        BDG, INVESTMENT, DEPUTY, "在外地的青岛籍企业家不少，建议办一次老乡恳谈会，请他们回乡投资。"
    ),
    DemoEntry(
        JKL, INVESTMENT, VETERAN, "引进项目要讲诚信，答应企业的事要兑现，不然口碑坏了以后没人来。"
    ),
    DemoEntry(
        HDL,
        OLD_TOWN,
        VETERAN,
        "西部老城区的里院很有特色，建议修缮时保留原来的样子，不要一拆了之，可以改成民宿和小展馆。",
        "里院保护性修缮",
    ),
    DemoEntry(
        JKL,
        OLD_TOWN,
        RESIDENT,
        "老城区路窄车多，建议规划几条单行线，再把路边的僵尸车清理掉。",
        "老城区交通微循环",
    ),
    DemoEntry(
        FSL,
        OLD_TOWN,
        CPPCC,
        "福山路一带名人故居多，建议串成一条文化步行线，配上二维码讲解。",
        "名人故居步行线",
    ),
    DemoEntry(
        BDG, OLD_TOWN, MODEL, "老房子外立面改造时，空调外机和电线也要统一规整，现在看着很乱。"
    ),
    DemoEntry(
        TPJ,
        OLD_TOWN,
        RESIDENT,
        "老旧小区加装电梯的政策希望讲得再清楚些，业主之间谈不拢的时候社区能不能出面调解。",
        "老楼加装电梯怎么办",
    ),
    DemoEntry(
        TPJ,
        OCEAN,
        DEPUTY,
        "太平角海边每到周末垃圾很多，建议组织净滩志愿活动，也在岸边多放几个分类垃圾桶。",
        "组织净滩活动",
    ),
    DemoEntry(
        BDG,
        OCEAN,
        CPPCC,
        "建议和海洋研究机构合作，在社区开设海洋科普讲堂，让孩子从小了解海洋。",
        "开设海洋科普讲堂",
    ),
    DemoEntry(
        JKL, OCEAN, STREET, "辖区有不少从事海洋科研的专家，建议建立专家库，请他们为街道发展出主意。"
    ),
    DemoEntry(FSL, OCEAN, RESIDENT, "海水浴场附近的公共淋浴和更衣室太少，旺季排长队，建议增加。"),
    DemoEntry(
        HDL,
        BUSINESS,
        STREET,
        "个体户办营业执照还得来回跑，建议在社区设代办点，材料一次收齐。",
        "社区代办营业执照",
    ),
    DemoEntry(
        JKL,
        BUSINESS,
        CPPCC,
        "沿街商户反映检查太多，建议各部门联合检查，一次查完，少打扰正常经营。",
        "联合检查减少打扰",
    ),
    DemoEntry(FSL, BUSINESS, DEPUTY, "建议对新开的小店给一段时间的包容期，轻微问题先提醒后处罚。"),
    DemoEntry(BDG, BUSINESS, RESIDENT, "景区周边的商户价格不透明，游客投诉多，建议统一明码标价。"),
    DemoEntry(
        TPJ,
        BUSINESS,
        STREET,
        "建议建一个企业服务群，街道干部直接回答企业的问题，别让企业找不到门。",
    ),
    DemoEntry(
        HDL,
        CADRES,
        VETERAN,
        "年轻干部要多到楼院里走走，多听老百姓说话，不要只在办公室填表格。",
        "年轻干部多下基层",
    ),
    DemoEntry(
        JKL, CADRES, DEPUTY, "建议每季度请居民给社区工作人员打分，结果公开，干得好的要表扬。"
    ),
    DemoEntry(
        FSL,
        CADRES,
        STATION,
        "社区工作人员身兼多职，培训机会少，建议街道定期组织业务培训和经验交流。",
        "加强社区干部培训",
    ),
    DemoEntry(
        BDG, CADRES, MODEL, "窗口工作人员态度总体不错，但个别人说话生硬，建议加强服务礼仪培训。"
    ),
    DemoEntry(
        TPJ, CADRES, STREET, "建议建立容错机制，鼓励干部大胆创新，不要因为怕出错就什么都不干。"
    ),
    DemoEntry(
        BDG,
        MILITARY,
        CPPCC,
        "辖区有驻地部队和军休所，建议定期开展军民联谊，请官兵给中小学生讲国防教育课。",
        "军民共建国防教育",
    ),
    DemoEntry(
        TPJ,
        MILITARY,
        VETERAN,
        "退役军人是宝贵的力量，建议组建退役军人志愿服务队，参与社区治安巡逻。",
        "组建退役军人志愿服务队",
    ),
    DemoEntry(
        HDL, MILITARY, DEPUTY, "军人家属看病、孩子上学有实际困难的，社区要建台账，逐一帮着解决。"
    ),
    DemoEntry(
        JKL, MILITARY, STREET, "建议把拥军优属和“帮到家”服务结合起来，重要节日上门慰问军属。"
    ),
    DemoEntry(
        HDL,
        REFORM,
        STATION,
        "社区要填的报表太多，同一个数据好几个部门要，建议统一平台，一次录入各处共用。",
        "给社区减负",
    ),
    DemoEntry(JKL, REFORM, STREET, "建议把网格划得更细一些，一个网格员负责的户数太多，顾不过来。"),
    DemoEntry(
        FSL,
        REFORM,
        DEPUTY,
        "社区事务清单应该向居民公开，哪些事社区管、哪些事该找部门，让大家心里有数。",
        "公开社区事务清单",
    ),
    DemoEntry(BDG, REFORM, STATION, "物业、业委会和社区三方的责任要划清楚，现在出了问题互相推。"),
    DemoEntry(
        TPJ,
        REFORM,
        RESIDENT,
        "建议推行居民议事会，小区里的大事小情大家一起商量着定。",
        "推行居民议事会",
    ),
    DemoEntry(
        HDL,
        CO_BUILD,
        STREET,
        "辖区机关单位的停车场晚上和周末都空着，建议错时向居民开放，缓解停车难。",
        "单位停车场错时开放",
    ),
    DemoEntry(JKL, CO_BUILD, STATION, "和辖区学校共建，假期把操场和图书室向社区孩子开放。"),
    DemoEntry(
        FSL,
        CO_BUILD,
        CPPCC,
        "医院可以和社区结对，每月派医生来社区义诊，给老人量血压、讲用药。",
        "医院结对义诊",
    ),
    DemoEntry(BDG, CO_BUILD, STREET, "景区管理单位和社区一起抓环境卫生，旺季的时候联合值守。"),
    DemoEntry(TPJ, CO_BUILD, MODEL, "建议物业企业党员到社区报到，参与楼院共治。"),
    DemoEntry(
        HDL,
        BANG_DAO_JIA,
        STATION,
        "“帮到家”服务要让老人知道怎么找，建议印一张服务卡片，写清楚能办哪些事、打哪个电话。",
        "印发“帮到家”服务卡",
    ),
    DemoEntry(
        JKL,
        BANG_DAO_JIA,
        MODEL,
        "独居老人家里的小修小补，比如换灯泡、修水龙头，希望志愿者能上门帮忙。",
        "上门小修小补",
    ),
    DemoEntry(
        FSL,
        BANG_DAO_JIA,
        VETERAN,
        "建议给行动不便的老人提供代买药、代缴费服务，子女不在身边的尤其需要。",
    ),
    DemoEntry(
        BDG,
        BANG_DAO_JIA,
        STATION,
        "“帮到家”可以增加法律咨询，很多老人遇到继承、租房纠纷不知道问谁。",
        "增加法律咨询服务",
    ),
    DemoEntry(
        TPJ, BANG_DAO_JIA, RESIDENT, "建议每栋楼推选一个楼长，谁家有困难楼长第一时间告诉社区。"
    ),
    DemoEntry(
        HDL,
        SERVICE,
        RESIDENT,
        "社区服务站中午休息，上班族只能请假来办事，建议中午和周六上午轮流值班。",
        "服务站延时服务",
    ),
    DemoEntry(
        JKL,
        SERVICE,
        RESIDENT,
        "小区门口的公交站没有遮雨棚，下雨天等车全身湿透，希望加个棚子。",
        "公交站加装雨棚",
    ),
    DemoEntry(
        FSL, SERVICE, DEPUTY, "建议在社区设置母婴室和公共卫生间指引牌，游客和带孩子的家长都需要。"
    ),
    DemoEntry(
        BDG,
        SERVICE,
        RESIDENT,
        "景区游客把车停到居民楼下，我们下班回来没地方停，请想办法管管。",
        "游客车辆占用居民车位",
        plus_ones=7,
    ),
    DemoEntry(
        TPJ,
        SERVICE,
        RESIDENT,
        "海边木栈道有几块木板松了，走上去会翘起来，容易绊倒，请尽快维修。",
        "木栈道木板松动",
        plus_ones=3,
    ),
    DemoEntry(
        TPJ,
        SERVICE,
        VETERAN,
        "建议社区开办老年人智能手机课堂，教大家用手机挂号、视频聊天。",
        "开办智能手机课堂",
        status=SuggestionStatus.EXCELLENT,
    ),
    DemoEntry(
        HDL,
        SERVICE,
        MODEL,
        "建议建立社区爱心冰箱，居民可以把多余的食物放进去，给需要的人取用。",
        status=SuggestionStatus.EXCELLENT,
    ),
)

# --- Everyday issues at many addresses ---------------------------------------------------

PLACES = {
    HDL: (
        "红岛路3号院",
        "红岛路11号",
        "兴安支路5号",
        "兴安路18号",
        "和惠居3号楼",
        "红岛路社区小广场",
    ),
    JKL: (
        "金口一路8号",
        "金口二路15号",
        "莱阳路8号院",
        "鱼山路12号",
        "金口三路活动室",
        "莱阳路口公交站",
    ),
    FSL: (
        "福山路6号",
        "福山支路3号院",
        "大学路27号",
        "福山路社区服务站",
        "福山路老楼",
        "福山路小游园",
    ),
    BDG: (
        "武昌路9号",
        "山海关路4号",
        "居庸关路10号院",
        "八大关景区入口",
        "正阳关路7号",
        "韶关路口",
    ),
    TPJ: (
        "太平角一路12号",
        "太平角三路5号院",
        "太平角公园",
        "湛山一路",
        "太平角六路3号",
        "太平角海滨步道",
    ),
}

# (topic, category, title, text) with {place}
EVERYDAY = (
    (
        SERVICE,
        RESIDENT,
        "{place}楼道灯坏了",
        "{place}楼道里的声控灯坏了快一个月，晚上上下楼只能摸黑，老人孩子都不安全，请尽快修一下。",
    ),
    (
        SERVICE,
        RESIDENT,
        "{place}垃圾清运不及时",
        "{place}旁边的垃圾桶经常满出来，天一热味道很大，建议增加清运次数，早晚各收一次。",
    ),
    (
        CO_BUILD,
        RESIDENT,
        "{place}停车难",
        "{place}附近车位太少，晚上车都停上了人行道，消防通道也被堵。建议和周边单位商量错时共享车位。",
    ),
    (
        SERVICE,
        RESIDENT,
        "{place}井盖松动",
        "{place}门口有个井盖踩上去直晃，还咣当响，怕有人踩空，请有关部门检查更换。",
    ),
    (
        OLD_TOWN,
        RESIDENT,
        "{place}外墙脱落",
        "{place}外墙的墙皮一块块往下掉，下面就是人行道，刮风下雨天特别危险，建议尽快排查修补。",
    ),
    (
        SERVICE,
        VETERAN,
        "{place}增设休息座椅",
        "{place}附近老人多，走一段路就得歇一歇，建议在路边安几张长椅。",
    ),
    (
        OLD_TOWN,
        VETERAN,
        "{place}适老化改造",
        "{place}是老楼，没有电梯，台阶又高又陡，建议纳入适老化改造，先把扶手和坡道做起来。",
    ),
    (
        SERVICE,
        MODEL,
        "{place}文明养犬",
        "{place}周边遛狗不牵绳、不清理粪便的情况不少，建议多宣传文明养犬，放几个宠物便袋箱。",
    ),
    (
        BUSINESS,
        RESIDENT,
        "{place}夜间噪音",
        "{place}附近有商户晚上十点以后还在装卸货，动静很大，影响休息，希望协调一下作业时间。",
    ),
    (
        SERVICE,
        RESIDENT,
        "{place}树木修剪",
        "{place}院里的树长得太密，挡住了一楼的阳光，树枝还碰到电线，请安排修剪。",
    ),
    (
        NEW_DRIVERS,
        RESIDENT,
        "{place}快递柜",
        "{place}附近没有快递柜，快递都堆在楼门口，丢了好几次，建议引进智能快递柜。",
    ),
    (
        NEW_DRIVERS,
        DEPUTY,
        "{place}电动车充电",
        "{place}的电动车没地方充电，有人从楼上扯电线下来充，火灾隐患很大，建议建集中充电点。",
    ),
    (
        BANG_DAO_JIA,
        RESIDENT,
        "{place}便民服务点",
        "希望在{place}附近设个便民服务点，修鞋、配钥匙、缝缝补补这些小事不用跑远路。",
    ),
    (
        OLD_TOWN,
        CPPCC,
        "{place}文化墙",
        "{place}那面墙空着，又旧又花，建议画成讲老城故事的文化墙，游客也愿意来拍照。",
    ),
    (
        REFORM,
        STATION,
        "{place}公布网格员",
        "不少居民不知道自己片区的网格员是谁，建议在{place}楼道口贴出网格员的照片和电话。",
    ),
    (
        SERVICE,
        RESIDENT,
        "{place}雨后积水",
        "一下雨{place}门口就积水，深的地方能没过脚面，排水口可能堵了，请来疏通。",
    ),
    (
        BANG_DAO_JIA,
        VETERAN,
        "{place}老年助餐",
        "{place}住着不少独居老人，做饭不方便，建议开个老年食堂或者提供送餐服务。",
    ),
    (
        REFORM,
        DEPUTY,
        "{place}消防通道被占",
        "{place}的消防通道被杂物和自行车堵着，万一着火消防车进不来，请组织清理并划线。",
    ),
    (
        INVESTMENT,
        CPPCC,
        "{place}空置门面",
        "{place}一排临街门面空了一年多，建议街道帮着引进特色小店和文创工作室，把老街盘活。",
    ),
    (
        BUSINESS,
        MODEL,
        "{place}游客秩序",
        "旅游旺季{place}一带游客很多，乱停车、占道拍照的情况突出，建议增加引导员。",
    ),
    (
        OCEAN,
        CPPCC,
        "{place}海洋科普角",
        "{place}离海边近，建议和科研单位合作办个海洋科普角，周末给孩子们讲讲海洋知识。",
    ),
    (
        MILITARY,
        DEPUTY,
        "{place}军民共建",
        "{place}附近有驻地部队，建议社区和部队多搞共建活动，请官兵给青少年上国防课。",
    ),
    (
        CADRES,
        RESIDENT,
        "{place}办事清单",
        "到社区办事常常要跑两三趟，建议在{place}公布办事清单和所需材料，能网上办的尽量网上办。",
    ),
    (
        BANG_DAO_JIA,
        STREET,
        "{place}党员志愿服务",
        "建议{place}的在职党员亮身份、认岗位，周末轮流参加楼院清洁，帮扶困难老人。",
    ),
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗"
ADDRESSES = ("先生", "女士", "阿姨", "大爷")
CHANNEL_WEIGHTS = {
    Channel.ONLINE: 40,
    Channel.API: 30,
    Channel.PAPER: 18,
    Channel.LETTER: 7,
    Channel.SYMPOSIUM: 5,
}

# Two meetings recorded on the quick-entry page: (token, unit, name, place, days ago, rows)
MEETINGS = (
    (
        "demo-meeting-1",
        STREET_CODE,
        "八大关街道“7+11”意见征集座谈会",
        "街道党群服务中心三楼会议室",
        24,
        (
            (STREET, CADRES, "建议街道机关干部每月至少一天到社区坐班，现场解决问题。"),
            (STATION, REFORM, "社区工作站的人手紧，希望给社区的考核事项做做减法。"),
            (VETERAN, SERVICE, "老同志们希望社区多办几场文艺活动，大家也能出份力。"),
            (DEPUTY, BUSINESS, "辖区小微企业融资难，建议街道牵线银行开展专场对接。"),
            (CPPCC, OLD_TOWN, "老城区的保护和发展要同步规划，建议请专家做个整体方案。"),
            (MODEL, BANG_DAO_JIA, "“帮到家”服务可以招募更多居民志愿者，形成互助的风气。"),
            (RESIDENT, SERVICE, "社区活动室能不能晚上也开放，上班族只有晚上有空。"),
            (RESIDENT, CO_BUILD, "辖区单位的食堂能否向社区老人开放，解决吃饭难。"),
            (VETERAN, MILITARY, "建议组织老战士给年轻人讲讲传统，办一次国防教育报告会。"),
            (STATION, BANG_DAO_JIA, "建议把“帮到家”服务的需求登记放到手机上，随时能报。"),
            (DEPUTY, OCEAN, "结合经略海洋，可以在社区开展海洋环保主题的亲子活动。"),
            (MODEL, SERVICE, "希望表彰身边的好人好事，在社区宣传栏里常年展示。"),
        ),
    ),
    (
        "demo-meeting-2",
        JKL,
        "金口路社区解放思想大讨论推进会",
        "金口路社区居委会会议室",
        12,
        (
            (RESIDENT, SERVICE, "楼院里的老水管、老电线问题多，建议社区统一摸排一遍。"),
            (STATION, REFORM, "社区可以建一个居民需求清单，办结一件销号一件。"),
            (VETERAN, CADRES, "社区干部要多入户，熟悉每家每户的情况。"),
            (MODEL, BANG_DAO_JIA, "建议组织志愿者结对帮扶院里的独居老人。"),
            (DEPUTY, OLD_TOWN, "莱阳路一带老建筑多，修缮时要注意保留原貌。"),
        ),
    ),
)


def _entries() -> list[DemoEntry]:
    """The demo's suggestions in a fixed order (the order gives the idempotency keys)."""
    rng = random.Random(20261102)
    entries: list[DemoEntry] = [*SEED_REQUESTS, *RESENT, *OTHERS]
    for code in COMMUNITIES:
        for place in PLACES[code]:
            for topic, category, title, text in rng.sample(EVERYDAY, 5):
                entries.append(
                    DemoEntry(
                        code,
                        topic,
                        category if rng.random() < 0.7 else rng.choice((RESIDENT, MODEL, VETERAN)),
                        text.format(place=place),
                        title.format(place=place) if rng.random() < 0.6 else "",
                        plus_ones=rng.choice((0, 0, 0, 0, 1, 2, 3, 5)),
                    )
                )
    # Sent again: in Traditional script (a phone set that way), with a greeting, retyped.
    originals = list(entries)
    for kinds in [[Kind.TRADITIONAL]] * 18 + [[Kind.GREETING]] * 12 + [[Kind.RETYPED]] * 10:
        original = rng.choice(originals)
        entries.append(
            DemoEntry(
                original.unit,
                original.topic,
                rng.choice((RESIDENT, RESIDENT, MODEL, VETERAN)),
                resubmit(original.text, kinds, rng),
                resubmit(original.title, [Kind.TRADITIONAL], rng)
                if Kind.TRADITIONAL in kinds
                else "",
                channel=Channel.API if Kind.TRADITIONAL in kinds else "",
            )
        )
    for entry in entries:
        if not entry.channel:
            entry.channel = rng.choices(
                [c for c in CHANNEL_WEIGHTS if c != Channel.SYMPOSIUM],
                [w for c, w in CHANNEL_WEIGHTS.items() if c != Channel.SYMPOSIUM],
            )[0]
        if entry.days_ago < 0:
            entry.days_ago = rng.randrange(DAYS)
    return entries


def _when(
    now: datetime.datetime, days_ago: int, n: int, floor: datetime.datetime
) -> datetime.datetime:
    """A daytime moment `days_ago` days back, different for every n, never in the future."""
    day = timezone.localdate(now) - datetime.timedelta(days=days_ago)
    hour, minute = 7 + (n * 7) % 15, (n * 13) % 60
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    return max(floor, min(moment, now - datetime.timedelta(minutes=n % 50 + 1)))


def _office(campaign: Campaign) -> User | None:
    membership = (
        Membership.objects.filter(unit=campaign.owner_unit, role=Role.OFFICE)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def demo_suggestions_create(campaign: Campaign, *, now: datetime.datetime | None = None) -> int:
    """Create the demo suggestions (and two meetings) in `campaign`; return how many
    suggestions were new. Running it again creates nothing."""
    now = now or timezone.now()
    floor = timezone.make_aware(datetime.datetime.combine(campaign.start_date, datetime.time(8)))
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[*COMMUNITIES, STREET_CODE])}
    fallback = campaign.owner_unit
    topics = {topic.name: topic for topic in Topic.objects.filter(campaign=campaign)}
    categories = {c.name: c for c in ParticipantCategory.objects.filter(campaign=campaign)}
    coordinators = {
        user.username: user for user in User.objects.filter(username__in=COORDINATORS.values())
    }
    office = _office(campaign)
    name_rng = random.Random(7)
    created = 0
    for n, entry in enumerate(_entries(), start=1):
        anonymous = name_rng.random() < 0.35
        name = "" if anonymous else name_rng.choice(SURNAMES) + name_rng.choice(ADDRESSES)
        suggestion, is_new = suggestion_submit(
            campaign=campaign,
            text=entry.text,
            title=entry.title,
            channel=entry.channel,
            topic=topics.get(entry.topic or ""),
            category=categories.get(entry.category or ""),
            # A resident on the public page names no unit: the office routes it
            # (screening.demo); suggestions already answered came in through a unit.
            unit=None
            if entry.channel in RESIDENTS_CHANNELS and not (entry.answer or entry.status)
            else units.get(entry.unit, fallback),
            submitter_name=name,
            anonymous=anonymous,
            submitted_by=coordinators.get(COORDINATORS.get(entry.unit, ""))
            if entry.channel == Channel.PAPER
            else None,
            submitted_at=_when(now, entry.days_ago, n, floor),
            idempotency_key=f"demo-{n}",
        )
        if not is_new:
            continue
        created += 1
        for k in range(entry.plus_ones):
            suggestion_plus_one(suggestion=suggestion, browser_id=f"demo-{n}-{k}")
        if office is None:
            continue
        if entry.answer:
            # Adopted: the rectification demo makes them problems with measures, and
            # their answers reach the residents when those are verified.
            suggestion_decide(
                suggestion=suggestion, decision="adopt", actor=office, note="转社区办理"
            )
        elif entry.status:
            suggestion_decide(
                suggestion=suggestion, decision=_DECISION_FOR[entry.status], actor=office
            )
    return created + _meetings_create(campaign, units, topics, categories, now, floor)


def _meetings_create(
    campaign: Campaign,
    units: dict[str, Unit],
    topics: dict[str, Topic],
    categories: dict[str, ParticipantCategory],
    now: datetime.datetime,
    floor: datetime.datetime,
) -> int:
    created = 0
    for token, code, name, place, days_ago, rows in MEETINGS:
        if Activity.objects.filter(campaign=campaign, name=name).exists():
            continue
        unit = units.get(code, campaign.owner_unit)
        held_on = max(timezone.localdate(now) - datetime.timedelta(days=days_ago), floor.date())
        meeting, is_new = meeting_record(
            campaign=campaign,
            unit=unit,
            name=name,
            held_on=held_on,
            place=place,
            recorded_by=None,
            entry_token=token,
            rows=[
                MeetingRow(text=text, category=categories.get(category), topic=topics.get(topic))
                for category, topic, text in rows
            ],
        )
        if is_new:
            created += Suggestion.objects.filter(activity=meeting).count()
    return created
