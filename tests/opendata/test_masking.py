"""The masker (`zhongzhi.opendata.masking`): examples of what goes and what stays, and
hypothesis for the three promises: no phone or ID pattern survives, masking twice is
masking once, and a text without personal details comes back as it was."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.opendata.scan import personal_data_in
from zhongzhi.opendata.masking import mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13812345678", "电话***********"),
        ("打138 1234 5678或139-8765-4321", "打*** **** ****或***-****-****"),
        ("手机：１３８１２３４５６７８", "手机：***********"),
        ("+86 13812345678", "+** ***********"),
        ("座机0532-85912345转801", "座机****-********转801"),
        ("电话85912345", "电话********"),
        ("身份证370202199001011234", "身份证******************"),
        ("身份证号11010519491231002X", "身份证号******************"),
        ("卡号6222020200112233445", "卡号*******************"),
        ("邮箱zs.li@163.com", "邮箱**.**@***.***"),
        ("QQ：27182818", "QQ：********"),
        ("加微信 wxid_lizhi99 联系", "加微信 ************ 联系"),
        ("车牌鲁B12345", "车牌鲁B*****"),
        ("我叫张三丰，今年70岁", "我叫某某，今年70岁"),
        ("我叫张三电话13812345678", "我叫某某电话***********"),
        ("本人李四，家住红岛路", "本人某某，家住红岛路"),
        ("联系人：欧阳娜娜", "联系人：某某"),
        ("姓名：覃小凤", "姓名：某某"),
        ("联系人王女士", "联系人某女士"),
        ("经办人：赵科长", "经办人：某科长"),
        ("我是王老师", "我是某老师"),
        ("我是刘德华，住在这里", "我是某某，住在这里"),
    ],
)
def test_personal_details_are_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "山海关路4号18号楼2单元门口的路灯坏了",
        "2026年10月1日至10月31日，20261001那天开始施工",
        "2026-10-01 起，维修费3500元，共1200户，投资5000000元",
        "每平方米12000元，面积85.5平方米，增长3.5%",
        "请拨打12345热线或110、120，供电服务95598",
        "我是一名退休教师，我是本小区居民，我是金口路的居民",
        "本人认为应当尽快维修，联系人员不足",
        "第3期简报，18栋302室，5栋1单元",
        "共有7200000人次参加",
    ],
)
def test_what_is_not_personal_stays(text: str) -> None:
    assert mask_text(text) == text


def test_the_scanner_finds_what_the_masker_must_remove() -> None:
    # The scanner the properties and the export tests rely on sees through separators.
    assert personal_data_in("请打138 - 1234 5678") == ["mobile: 13812345678"]
    assert personal_data_in("11010519491231002X") == ["id card: 11010519491231002X"]
    assert personal_data_in("0532-85912345") == ["landline: 053285912345"]
    assert personal_data_in("邮箱a@b.cn") == ["e-mail: a@b.cn"]
    assert personal_data_in("张三丰来了", ["张三丰"]) == ["planted: 张三丰"]
    assert personal_data_in("山海关路4号18号楼2单元，2026-10-01，3500元") == []


def test_the_submitters_own_name_goes_wherever_it_stands() -> None:
    text = "王小明和邻居一起反映：王小明家楼下漏水"
    assert mask_text(text, names=["王小明"]) == "某某和邻居一起反映：某某家楼下漏水"
    assert mask_text("王小明说", names=["王"]) == "王小明说"  # one character is no name


# --- properties --------------------------------------------------------------------------

_DIGIT = st.sampled_from("0123456789")
_SEPARATOR = st.sampled_from([" ", "-", "－", "　", ".", "·", "(", ")", "—", " - ", "  ", ""])


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    digits = "1" + draw(st.sampled_from("3456789")) + "".join(draw(_DIGIT) for _ in range(9))
    if draw(st.booleans()):  # full-width, all or some
        digits = "".join(chr(ord(c) + 0xFEE0) if draw(st.booleans()) else c for c in digits)
    groups = [digits[:3], digits[3:7], digits[7:]]
    return draw(_SEPARATOR).join(groups) if draw(st.booleans()) else digits


@st.composite
def id_cards(draw: st.DrawFn) -> str:
    body = draw(st.sampled_from("123456789")) + "".join(draw(_DIGIT) for _ in range(16))
    return body + draw(st.sampled_from("0123456789Xx"))


@st.composite
def landlines(draw: st.DrawFn) -> str:
    area = "0" + "".join(draw(_DIGIT) for _ in range(draw(st.sampled_from([2, 3]))))
    local = draw(st.sampled_from("2345678")) + "".join(
        draw(_DIGIT) for _ in range(draw(st.sampled_from([6, 7])))
    )
    return area + draw(_SEPARATOR) + local


_CHINESE = st.sampled_from(
    [
        "路灯",
        "坏了",
        "我叫",
        "电话",
        "联系人：",
        "小区",
        "，",
        "。",
        "号楼",
        "单元",
        "元",
        "年",
        "X",
    ]
)
_NOISE = st.text(alphabet="0123456789０１２３ -.()Xx@ab号元年月", max_size=12)
personal_texts = st.lists(
    st.one_of(mobiles(), id_cards(), landlines(), _CHINESE, _NOISE), max_size=12
).map("".join)


@given(personal_texts)
@example("1 3 8 1 2 3 4 5 6 7 8")
@example("身份证 1101051949123100 2 X")
@example("13812345678X")
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_no_phone_or_id_pattern_survives(text: str) -> None:
    assert personal_data_in(mask_text(text)) == []


@given(st.one_of(personal_texts, st.text(max_size=60)))
@example("姓名：某某先生")
@example("联系人：王某")
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_masking_twice_is_masking_once(text: str) -> None:
    once = mask_text(text)
    assert mask_text(once) == once


_SAFE_FRAGMENTS = st.sampled_from(
    [
        "山海关路4号",
        "18号楼2单元",
        "2026年10月1日",
        "10月15日",
        "2026-10-01",
        "3500元",
        "5000000元",
        "1200户",
        "12345热线",
        "85.5平方米",
        "增长3.5%",
        "第3期",
        "302室",
        "路灯坏了",
        "建议尽快维修",
        "我是本小区居民",
        "我是一名退休教师",
        "本人认为",
        "希望增加健身器材",
    ]
)
_JOIN = st.sampled_from(["，", "。", "、", "；", "\n", "的", "和"])


@given(st.lists(st.tuples(_SAFE_FRAGMENTS, _JOIN), max_size=10))
def test_text_without_personal_details_is_unchanged(parts: list[tuple[str, str]]) -> None:
    text = "".join(fragment + join for fragment, join in parts)
    assert mask_text(text) == text
