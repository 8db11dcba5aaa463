"""Tests for zhongzhi.triage.normalise: folding for matching, never for display."""

from __future__ import annotations

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhongzhi.triage.normalise import (
    PLACEHOLDER_NUMBER,
    fold_letters,
    fold_letters_many,
    normalise,
    normalise_many,
)

_S2T = opencc.OpenCC("s2t")

# Common simplified characters plus the ones whose Traditional form is ambiguous or is
# itself a simplified character (干/乾/幹, 发/髮, 后/後, 复/覆, 了/瞭, 像/象, 链/鍊...).
_SIMPLIFIED_POOL = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二"
    "理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社"
    "义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没"
    "结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活"
    "设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放"
    "决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争"
    "济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具"
    "复覆瞭借藉俱像揹鍊炼座彷薰熏昵迳钜馀余面麪台湾颱范围冲突松著名乾燥髮後裏隻係繫"
    "小区路灯坏居民反映投诉建议希望政府尽快解决噪音停车物业垃圾污水拆迁补偿学校医院公交"
)
_PUNCT_POOL = "，。！？、；：“”‘’（）《》【】…—～·　 \n\t,.!?;:()[]-*"
_PINYIN_GLOSSES = ("(wǎng)", "(qū)", "（dòng）", "(shí)", "(xiàng)")
_BOILERPLATE = (
    "尊敬的领导：",
    "您好！",
    "胡书记：您好，",
    "盼复",
    "请尽快解决，谢谢！",
    "望领导重视。",
)
_MASKS = ("138****5678", "***", "13812345678", "１３８＊＊＊＊５６７８", "2019年5月")

chinese_text = st.lists(
    st.one_of(
        st.sampled_from(_SIMPLIFIED_POOL),
        st.sampled_from(_SIMPLIFIED_POOL),
        st.sampled_from(_SIMPLIFIED_POOL),
        st.sampled_from(_PUNCT_POOL),
        st.sampled_from(_PINYIN_GLOSSES),
        st.sampled_from(_BOILERPLATE),
        st.sampled_from(_MASKS),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
).map("".join)

# Any code point at all, lone surrogates included.
any_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()))

# Only CJK, letters, digits and full-width/half-width-convertible characters, to check
# that Traditional and Simplified fold alike.
simplified_text = st.lists(
    st.one_of(st.sampled_from(_SIMPLIFIED_POOL), st.sampled_from("，。！？：（）0123abcXYZ ")),
    max_size=60,
).map("".join)

_FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(any_text)
def test_never_raises_and_is_idempotent_on_any_string(text: str) -> None:
    once = normalise(text)
    assert isinstance(once, str)
    assert normalise(once) == once


@_FAST
@given(chinese_text)
def test_idempotent_on_chinese_like_text(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@_FAST
@given(simplified_text)
def test_traditional_and_simplified_fold_alike(text: str) -> None:
    assert normalise(_S2T.convert(text)) == normalise(text)


def _to_full_width(text: str) -> str:
    return "".join(
        chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ("\u3000" if ch == " " else ch)
        for ch in text
    )


@_FAST
@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E)) | chinese_text)
def test_full_width_and_half_width_fold_alike(text: str) -> None:
    assert normalise(_to_full_width(text)) == normalise(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(chinese_text, max_size=8))
def test_batch_equals_one_by_one(texts: list[str]) -> None:
    assert normalise_many(texts) == [normalise(t) for t in texts]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("人民網(wǎng)>>遼寧頻道", "人民网>>辽宁频道"),
        ("沈陽(yáng)市遼中區(qū)", "沈阳市辽中区"),
        ("推動（dòng）思想解放", "推动思想解放"),
        ("各级党委(党组)理论学习", "各级党委(党组)理论学习"),  # a real parenthetical stays
        ("下载(app)后登录", "下载(app)后登录"),  # no tone mark: not a gloss
    ],
)
def test_pinyin_glosses_removed_and_parentheticals_kept(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "尊敬的领导：您好！小区路灯坏了",
        "胡书记：您好，小区路灯坏了。盼复！",
        "您好！小区路灯坏了，请尽快解决，谢谢！",
        "尊敬的A市政府领导：\n小区路灯坏了。望领导重视。",
        "领导您好：小区路灯坏了！！！谢谢领导",
        "小区路灯坏了。此致敬礼",
    ],
)
def test_greetings_and_pleas_ignored(raw: str) -> None:
    assert normalise(raw) == "小区路灯坏了"


def test_greeting_after_title_line_ignored() -> None:
    assert normalise("路灯坏了\n尊敬的领导：您好！小区路灯坏了") == "路灯坏了.小区路灯坏了"


def test_plea_words_inside_content_are_kept() -> None:
    assert normalise("请处理小区门口的垃圾，已经堆了一周") == "请处理小区门口的垃圾,已经堆了一周"


@pytest.mark.parametrize(
    "raw",
    [
        "电话138****5678",
        "电话13812345678",
        "电话１３８＊＊＊＊５６７８",
        "电话***",
        "电话138××××5678",
    ],
)
def test_masked_and_long_numbers_fold_to_one_placeholder(raw: str) -> None:
    assert normalise(raw) == "电话" + PLACEHOLDER_NUMBER


def test_short_numbers_are_kept() -> None:
    assert normalise("2019年5月，3.5米宽") == "2019年5月,3.5米宽"


def test_width_case_punctuation_and_spaces() -> None:
    assert normalise("ＷｉＦｉ  信号 差！！！") == normalise("wifi信号差!")
    assert normalise("wifi   signal") == "wifi signal"
    assert normalise("“你好”，【通知】") == '"你好",(通知)'


def test_controls_format_characters_and_emoji_removed() -> None:
    assert normalise("路灯\u200b坏了\x07😀👍🏻\ufeff") == "路灯坏了"


def test_compatibility_characters() -> None:
    assert normalise("面积100㎡，第⑴条") == "面积100m2,第(1)条"


# --- fold_letters: letters and digits only (what the staff search compares) ------------


@_FAST
@given(any_text | chinese_text)
def test_fold_letters_never_raises_is_idempotent_and_keeps_the_length(text: str) -> None:
    once = fold_letters(text)
    assert isinstance(once, str)
    assert fold_letters(once) == once
    assert len(once) == len(text)  # one for one: a part of a text folds to a part


@_FAST
@given(simplified_text)
def test_fold_letters_folds_traditional_and_full_width_alike(text: str) -> None:
    assert fold_letters(_S2T.convert(text)) == fold_letters(text)
    # Full-width letters fold to lower case (as normalise's table does), ASCII capitals
    # stay: every search is blind to ASCII case anyway.
    assert fold_letters(_to_full_width(text)) == fold_letters(_to_full_width(text.lower()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(chinese_text, max_size=8))
def test_fold_letters_batch_equals_one_by_one(texts: list[str]) -> None:
    assert fold_letters_many(texts) == [fold_letters(t) for t in texts]


def test_fold_letters_keeps_everything_but_letters_and_digits() -> None:
    # Unlike normalise: greetings, thanks, punctuation, spaces and numbers all stay.
    text = "尊敬的領導：您好！快遞單號 13812345678 沒到。謝謝！"
    assert fold_letters(text) == "尊敬的领导：您好！快递单号 13812345678 没到。谢谢！"
    assert fold_letters("聲控燈ＡＢＣ１２３①A") == "声控灯abc1231A"
    plain = "A市小区路灯坏了，（2019年）望尽快解决！"
    assert fold_letters(plain) == plain
