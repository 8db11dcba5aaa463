"""Personal details in free text masked for publication (公开数据). Plain Python: no Django.

`mask_text(text, names=...)` returns the text with

* phone numbers (mobile 1[3-9]x, 11 digits, with spaces, dashes or dots between the
  groups, ``+86`` in front, full-width digits; landlines with an area code, 0532-8xxxxxxx;
  a bare 7–8 digit number unless it is an amount, a count or a date), ID-card numbers (18
  characters, the last may be X; the old 15 digits), bank cards and any other run of 12 or
  more digits, QQ numbers and WeChat ids after QQ / 微信 / vx, e-mail addresses and licence
  plates (the province and the letter kept: 鲁B*****) starred, one ``*`` for each
  character, so the text keeps its shape;
* names after 我叫 / 我是 / 本人 / 名叫 and labels such as 姓名： / 联系人 / 反映人 /
  经办人, and every name given in ``names`` (the submitter's, from the form), replaced by
  ``某某``; a surname with a title (王师傅, 李科长) becomes 某师傅 / 某科长.

Why 某某 and not the surname kept (张某某): in a community of a few thousand people a
surname with the street and the topic often names the person; a compound surname (欧阳)
would keep half a given name; and the name's length is gone too. The title is kept
because it says who spoke (a resident, a cadre), not who it was.

What is left alone, because open data where every number has gone is of no use: house
and building numbers (山海关路4号, 18号楼2单元), dates (2023年10月1日, 2023-10-01,
20231001), amounts and counts with their unit (5000000元, 1200户), decimals, the public
service lines (12345, 110, 95598) and numbers of up to six digits in general.

Masking is idempotent (masking masked text changes nothing) and a text without personal
details comes back unchanged; `tests/opendata/test_masking.py` checks both with
hypothesis, and that no phone or ID pattern survives.
"""

import re
from collections.abc import Iterable

NAME_MASK = "某某"
STAR = "*"

# Full-width digits, letters and the separators (０-９, Ａ-Ｚ, －, （ …) and the ideographic
# space are read as their ASCII selves: the patterns below read the text so translated
# (character for character), the stars go into the original one. Other full-width
# characters (，。：％) are matched as they are.
_WIDE_THAT_MATTERS = re.compile(
    r"[\uff08\uff09\uff0d\uff0e\uff10-\uff19\uff20-\uff3a\uff41-\uff5a\u3000]"
)
_ASCII_LETTER = re.compile(r"[A-Za-z]")
# What may stand between the digits of one number, up to three characters of it: 138 1234
# 5678, 138 - 1234 - 5678, 0532-85912345, 138.1234.5678, (0532)85912345. Not a line break:
# dates and figures listed one a line stay apart.
SEPARATORS = " \t-\u2010\u2011\u2012\u2013\u2014\u2015.\u00b7()"
_SEP = re.escape(SEPARATORS)
# Only numbers of five digits or more can be personal (below: 12345, 110, house numbers,
# dates), so only those are matched: most numbers in a text are shorter.
_RUN = re.compile(rf"[0-9](?:[{_SEP}]{{0,3}}[0-9]){{4,}}(?P<x>[{_SEP}]{{0,3}}[Xx])?")

# What follows an amount or a count rather than a phone number.
_UNITS = "元块角万亿千百十人户家个名位次件条项辆台套间栋幢层平米亩斤吨克里年月日号天周岁倍%％㎡"
_UNIT_AFTER = re.compile(rf"\s*(?:[{_UNITS}]|公里|公斤|千米|平方|km|kg|m2|kw|kW)")
_CURRENCY_BEFORE = re.compile(r"[¥￥$＄]\s*$")
_PHONE_WORD = re.compile(
    r"(?:电话|手机|座机|固话|热线|联系方式|号码|tel|phone|mobile)(?:号码?)?[ \t]*"
    r"(?:[:：]|是|为)?[ \t]*$",
    re.IGNORECASE,
)
_IM_WORD = re.compile(
    r"(?:qq|扣扣|微信|weixin|wechat|vx|wx)(?:号码?|账号)?[ \t]*(?:[:：]|是|为)?[ \t]*$",
    re.IGNORECASE,
)
_WECHAT_ID = re.compile(
    r"(?:微信|weixin|wechat|vx|wx)(?:号|账号)?\s*(?:[:：]|是|为)?\s*"
    r"(?P<id>[A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_PLATE = re.compile(
    r"(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[A-HJ-NP-Za-hj-np-z][\s·•]?(?P<rest>[A-HJ-NP-Za-hj-np-z0-9]{5,6})(?![A-Za-z0-9])"
)

# --- names -----------------------------------------------------------------------------

# Common surnames (about 95 of every 100 people); rarer ones are still caught after a
# label (姓名：) or 我叫, where a name is all that can follow.
_SINGLE_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范廖石贾夏韦付方邹熊孟秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章"
    "鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁"
    "冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚"
    "娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇"
    "桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND_SURNAMES = (
    "欧阳|司马|诸葛|上官|东方|皇甫|令狐|慕容|尉迟|长孙|宇文|司徒|夏侯|公孙|轩辕|端木|"
    "独孤|南宫|西门|百里|呼延|万俟"
)
_SURNAME = rf"(?:{_COMPOUND_SURNAMES}|[{_SINGLE_SURNAMES}])"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TITLES = (
    "老师|先生|女士|小姐|师傅|阿姨|大爷|大妈|大娘|大姐|大哥|奶奶|爷爷|同志|书记|主任|"
    "经理|科长|处长|局长|站长|所长|队长|组长|社长|校长|院长|医生|大夫|警官|老人|"
    "某"  # 王某: already a masked name, written so by staff
)
# Words that end a name: what comes after it in 我叫张三丰今年70岁 / 我是李四，住…
_AFTER_NAME = (
    "电话|手机|联系|住|家住|居住|现住|今年|现年|年龄|是|的|在|从|来自|男|女|向|反映|"
    "建议|认为|希望|想|要|和|与|及|等|说|请|同|一家|家中|家里|已|曾|于|为|现|本|"
    "居民|业主|老人|同志"
)
_END_OF_NAME = rf"(?=[^{_HAN}]|$|(?:{_AFTER_NAME}))"
# Places and organisations that may follow 我是: 我是金口路的居民 is not a name.
_NOT_A_NAME_END = tuple("路街道巷弄区村镇乡市县省楼号院园苑城湾岛山庄厂店局委会办队组站所校司")
_NOT_A_NAME_START = ("某", "×", "x", "X", "*")
# Labels after which a name is all that can follow (with a colon: any 2–4 characters).
_LABELS = (
    "姓名|联系人|反映人|投诉人|举报人|建议人|提议人|提交人|申请人|当事人|"
    "经办人|承办人|办理人|负责人|答复人|署名|落款|签名"
)
# Words before which a name may stand: the name must then start with a surname.
_SAYS = "我叫|我是|本人|名叫|叫做|我的名字是|我的名字叫|我姓名|鄙人"

_WITH_TITLE = re.compile(
    rf"(?P<lead>(?:{_LABELS}|{_SAYS})\s*[:：]?\s*)(?P<name>{_SURNAME})(?P<title>{_TITLES})"
)
_LABELLED = re.compile(
    rf"(?P<lead>(?:{_LABELS})\s*[:：]\s*)(?P<name>[{_HAN}]{{2,4}}?){_END_OF_NAME}"
)
_CALLED = re.compile(
    rf"(?P<lead>(?:我叫|名叫|叫做|我的名字叫)\s*)(?P<name>[{_HAN}]{{2,4}}?){_END_OF_NAME}"
)
# Any of the words a name may follow: a text without one has no name to look for.
_NAME_HINT = re.compile(rf"{_LABELS}|{_SAYS}")
_SAID = re.compile(
    rf"(?P<lead>(?:{_LABELS}|{_SAYS})\s*[:：]?\s*)"
    rf"(?P<name>{_SURNAME}[{_HAN}]{{1,2}}?){_END_OF_NAME}"
)


def _name_or_not(match: re.Match[str]) -> str:
    name = match["name"]
    if name.startswith(_NOT_A_NAME_START) or "某" in name or name.endswith(_NOT_A_NAME_END):
        return match[0]
    return match["lead"] + NAME_MASK


def _titled(match: re.Match[str]) -> str:
    if match["title"] == "某":  # 王某 → 某某
        return match["lead"] + NAME_MASK
    return match["lead"] + "某" + match["title"]


def mask_names(text: str, names: Iterable[str] = ()) -> str:
    """Names in `text` replaced by 某某: each of `names` wherever it stands, and those that
    follow 我叫 / 我是 / 本人 / 姓名： / 联系人 and the like."""
    for name in sorted({n.strip() for n in names}, key=len, reverse=True):
        if len(name) >= 2 and not any(mark in name for mark in ("某", "×", STAR)):
            text = text.replace(name, NAME_MASK)
    if not _NAME_HINT.search(text):
        return text
    text = _WITH_TITLE.sub(_titled, text)
    for pattern in (_LABELLED, _CALLED, _SAID):
        text = pattern.sub(_name_or_not, text)
    return text


# --- numbers and addresses ---------------------------------------------------------------


def _is_date(digits: str) -> bool:
    """20231001: a day written without separators."""
    if len(digits) != 8 or digits[:2] not in ("19", "20"):
        return False
    month, day = int(digits[4:6]), int(digits[6:8])
    return 1 <= month <= 12 and 1 <= day <= 31


def _number_is_personal(flat: str, start: int, end: int, digits: str, run: str) -> bool:
    count = len(digits)
    before = flat[max(0, start - 16) : start]
    if count >= 12:  # ID cards (18, or 15), bank cards, a landline with its area code
        return True
    if count == 11 and (digits[0] == "0" or (digits[0] == "1" and digits[1] in "3456789")):
        return True
    if count == 10 and digits[0] == "0":  # 010-1234567
        return True
    if 5 <= count <= 11 and _IM_WORD.search(before):  # QQ numbers, a WeChat id of digits
        return True
    if count in (7, 8):
        if _is_date(digits):  # 2026-10-01, even after 热线
            return False
        if _PHONE_WORD.search(before):
            return True
        amount = _UNIT_AFTER.match(flat, end) or _CURRENCY_BEFORE.search(before)
        decimal = "." in run or "," in run
        return not (amount or decimal)
    return False


def _star(characters: list[str], flat: str, start: int, end: int) -> None:
    """Star characters[start:end] but the separators and an e-mail's @."""
    for i in range(start, end):
        if flat[i] not in SEPARATORS and flat[i] != "@":
            characters[i] = STAR


def _half_width(match: re.Match[str]) -> str:
    return " " if match[0] == "\u3000" else chr(ord(match[0]) - 0xFEE0)


_NOT_DIGIT = re.compile(r"[^0-9]")


def mask_numbers(text: str) -> str:
    """Phone, ID-card, bank-card, QQ and WeChat numbers, e-mail addresses and plates
    starred; everything else as written."""
    flat = _WIDE_THAT_MATTERS.sub(_half_width, text)  # one for one: positions stay
    spans: list[tuple[int, int]] = []
    for match in _RUN.finditer(flat):
        start, end = match.span()
        end_digits = match.start("x") if match["x"] else end
        run = flat[start:end_digits]
        digits = run if run.isdigit() else _NOT_DIGIT.sub("", run)
        if _number_is_personal(flat, start, end_digits, digits, run):
            spans.append((start, end if len(digits) >= 12 else end_digits))
    if _ASCII_LETTER.search(flat):  # e-mails, WeChat ids and plates all have letters
        if "@" in flat:
            spans += [match.span() for match in _EMAIL.finditer(flat)]
        spans += [match.span("id") for match in _WECHAT_ID.finditer(flat)]
        spans += [match.span("rest") for match in _PLATE.finditer(flat)]
    if not spans:
        return text
    characters = list(text)
    for start, end in spans:
        _star(characters, flat, start, end)
    return "".join(characters)


def mask_text(text: str, *, names: Iterable[str] = ()) -> str:
    """`text` as it may be published: names, then numbers and addresses, masked."""
    if not text:
        return text
    return mask_numbers(mask_names(text, names))
