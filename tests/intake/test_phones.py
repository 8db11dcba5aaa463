"""Phone numbers residents and units leave: mobiles and Chinese fixed lines, parsed
by `intake.services.clean_phone` into one stored form and masked by
`intake.access.mask_phone` for those who may not call back."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from zhongzhi.intake.access import mask_phone, mask_phones_in_text
from zhongzhi.intake.receipt_codes import ALPHABET, _check_symbol, format_receipt_code
from zhongzhi.intake.services import clean_phone


def digit_string(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    digit_string(9),
)
# 010 and 02x have three digits, the others four: how 11 or 12 digits read one way.
area_codes = st.one_of(
    st.just("010"),
    digit_string(1).map(lambda d: f"02{d}"),
    st.builds(lambda first, rest: f"0{first}{rest}", st.sampled_from("3456789"), digit_string(2)),
)
local_numbers = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("23456789"),
    st.one_of(digit_string(6), digit_string(7)),
)
extensions = st.text(alphabet="0123456789", min_size=1, max_size=6)
separators = st.sampled_from(["", " ", "-"])
full_width = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


@given(mobiles, st.sampled_from(["", "+86", "86", "+86 ", "+86-"]), separators, separators)
def test_a_mobile_is_stored_as_its_eleven_digits(
    mobile: str, prefix: str, first: str, second: str
) -> None:
    typed = f"{prefix}{mobile[:3]}{first}{mobile[3:7]}{second}{mobile[7:]}"
    assert clean_phone(typed) == mobile
    assert clean_phone(f" {typed.translate(full_width)} ") == mobile


@given(
    st.one_of(st.none(), area_codes),
    st.sampled_from(["", "-", " ", "paren"]),
    local_numbers,
    st.one_of(st.none(), extensions),
    st.sampled_from(["-", "转", "分机", " 转 ", "ext", "EXT.", "x", "#"]),
)
def test_a_fixed_line_is_stored_as_area_local_extension(
    area: str | None, area_separator: str, local: str, extension: str | None, ext_separator: str
) -> None:
    typed = ""
    if area is not None:
        typed = f"({area})" if area_separator == "paren" else area + area_separator
    typed += local
    if extension is not None:
        typed += ext_separator + extension
    expected = "-".join(part for part in (area, local, extension) if part)
    assert clean_phone(typed) == expected
    assert clean_phone(typed.translate(full_width)) == expected


@given(st.text(alphabet="0123456789+- ()转x#", max_size=24))
def test_any_accepted_number_is_stored_in_a_form_that_parses_to_itself(typed: str) -> None:
    try:
        stored = clean_phone(typed)
    except ValidationError as error:
        assert "固定电话" in error.message_dict["submitter_phone"][0]
        return
    assert len(stored) <= 20  # Suggestion.submitter_phone's max_length
    assert clean_phone(stored) == stored
    assert re.fullmatch(r"1[3-9]\d{9}|(0\d{2,3}-)?[2-9]\d{6,7}(-\d{1,6})?|", stored), stored


@given(st.text(alphabet="0123456789", min_size=1, max_size=6))
def test_short_digit_strings_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        clean_phone(typed)


@given(mobiles)
def test_a_mobile_is_masked_to_its_first_three_and_last_four(mobile: str) -> None:
    assert mask_phone(mobile) == f"{mobile[:3]}****{mobile[-4:]}"


@given(st.one_of(st.none(), area_codes), local_numbers, st.one_of(st.none(), extensions))
def test_a_fixed_line_is_masked_to_its_area_code_and_last_four(
    area: str | None, local: str, extension: str | None
) -> None:
    stored = clean_phone("-".join(part for part in (area, local, extension) if part))
    masked = mask_phone(stored)
    start = f"{area}-" if area else ""
    hidden_local = "*" * (len(local) - 4) + local[-4:]
    assert masked == start + hidden_local + (f"-{'*' * len(extension)}" if extension else "")
    # No more of the number is shown than of a mobile (7 of 11 digits).
    shown = re.sub(r"\D", "", masked)
    assert len(shown) <= len(area or "") + 4


@pytest.mark.parametrize(
    ("stored", "masked"),
    [
        ("0532-82881234", "0532-****1234"),
        ("82881234", "****1234"),
        ("0532-82881234-806", "0532-****1234-***"),
        ("13800138000", "138****8000"),
    ],
)
def test_masked_examples(stored: str, masked: str) -> None:
    assert mask_phone(stored) == masked


# --- numbers inside a suggestion's text (`mask_phones_in_text`) ---------------------------

# Prose with no digit, letter or phone word in it (电话, 座机, 联系, 转 … are not among
# these characters), so that what surrounds a number never makes it one.
prose = st.text(
    alphabet="小区门口的路灯坏了请尽快维修建议在社区广场增设健身器材，。！？、 ", max_size=12
)
phone_words = st.sampled_from(
    [
        "电话",
        "电话：",
        "联系电话:",
        "座机",
        "固话 ",
        "联系",
        "办公电话是",
        "热线",
        "Tel:",
        "电话号码为",
    ]
)
extension_markers = st.sampled_from(["转", "分机", " 转 ", "ext", "EXT."])


def typed_local(local: str, split: bool) -> str:
    return f"{local[:-4]}-{local[-4:]}" if split else local


def starred(number: str, keep_first: int, keep_last: int) -> str:
    """The number with its digits starred but the first and last few (others kept)."""
    digits = [i for i, c in enumerate(number) if c.isdigit()]
    hidden = set(digits[keep_first : len(digits) - keep_last])
    return "".join("*" if i in hidden else c for i, c in enumerate(number))


@given(
    prose,
    area_codes,
    st.sampled_from(["", "-", " ", "paren", "－"]),
    local_numbers,
    st.booleans(),
    st.one_of(st.none(), st.tuples(st.sampled_from(["-", "转", "分机", "#"]), extensions)),
    prose,
)
def test_a_fixed_line_with_its_area_code_is_masked_anywhere_in_a_text(
    before: str,
    area: str,
    separator: str,
    local: str,
    split: bool,
    extension: tuple[str, str] | None,
    after: str,
) -> None:
    head = f"({area})" if separator == "paren" else area + separator
    marker, digits = extension or ("", "")
    number = typed_local(local, split)
    text = f"{before}{head}{number}{marker}{digits}{after}"
    expected = f"{before}{head}{starred(number, 0, 4)}{marker}{'*' * len(digits)}{after}"
    assert mask_phones_in_text(text) == expected
    # full-width digits and signs are masked alike, and stay full-width
    wide = text.translate(full_width)
    assert mask_phones_in_text(wide) == expected.translate(full_width).replace("＊", "*")


@given(prose, phone_words, local_numbers, st.booleans(), st.one_of(st.none(), extensions), prose)
def test_a_local_number_after_a_phone_word_is_masked(
    before: str, word: str, local: str, split: bool, extension: str | None, after: str
) -> None:
    ext = f"转{extension}" if extension else ""
    text = f"{before}{word}{typed_local(local, split)}{ext}{after}"
    masked_ext = f"转{'*' * len(extension)}" if extension else ""
    expected = f"{before}{word}{starred(typed_local(local, split), 0, 4)}{masked_ext}{after}"
    assert mask_phones_in_text(text) == expected


@given(prose, local_numbers, extension_markers, extensions, prose)
def test_a_local_number_with_an_extension_is_masked(
    before: str, local: str, marker: str, extension: str, after: str
) -> None:
    text = f"{before}{local}{marker}{extension}{after}"
    expected = f"{before}{starred(local, 0, 4)}{marker}{'*' * len(extension)}{after}"
    assert mask_phones_in_text(text) == expected


@given(prose, mobiles, separators, separators, prose)
def test_a_mobile_in_a_text_is_masked_to_its_first_three_and_last_four(
    before: str, mobile: str, first: str, second: str, after: str
) -> None:
    typed = f"{mobile[:3]}{first}{mobile[3:7]}{second}{mobile[7:]}"
    expected = f"{before}{mobile[:3]}{first}****{second}{mobile[7:]}{after}"
    assert mask_phones_in_text(f"{before}{typed}{after}") == expected


dates = st.dates(datetime.date(1990, 1, 1), datetime.date(2100, 12, 31))
not_phones = st.one_of(
    dates.map(lambda d: d.isoformat()),
    dates.map(lambda d: f"{d:%Y/%m/%d}"),
    dates.map(lambda d: f"{d:%Y%m%d}"),
    dates.map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    st.builds(
        lambda road, n: f"{road}{n}号",
        st.sampled_from(["莱阳路", "红岛路", "金口一路"]),
        st.integers(1, 999),
    ),
    st.builds(lambda a, b: f"{a}号楼{b}单元", st.integers(1, 99), st.integers(1, 9)),
    st.text(alphabet=ALPHABET, min_size=8, max_size=8).map(
        lambda body: format_receipt_code(body + _check_symbol(body))
    ),
    st.integers(0, 10**12).map(lambda n: f"{n}元"),
    st.integers(0, 10**9).map(lambda n: f"{n:,}元"),
    st.decimals(0, 10**8, places=2, allow_nan=False).map(lambda n: f"{n}万元"),
    st.integers(1, 10**8).map(str),  # a bare number: an amount, a count, an order number
    st.sampled_from(["12345", "110", "96716", "2026-10-15 14:30", "10:00-11:30", "第8288期"]),
)


@given(st.lists(st.tuples(prose, not_phones), max_size=4), prose)
def test_dates_house_numbers_receipt_codes_and_amounts_are_left_as_written(
    pieces: list[tuple[str, str]], end: str
) -> None:
    text = "".join(f"{words}{thing}" for words, thing in pieces) + end
    assert mask_phones_in_text(text) == text


@given(st.text(alphabet="0123456789-转电话座机 （）()：:元号", max_size=40))
def test_masking_keeps_the_length_and_masks_nothing_twice(text: str) -> None:
    masked = mask_phones_in_text(text)
    assert len(masked) == len(text)
    assert all(a == b or (a.isdigit() and b == "*") for a, b in zip(text, masked, strict=True))
    assert mask_phones_in_text(masked) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("我家电话0532-82881234，白天有人。", "我家电话0532-****1234，白天有人。"),
        ("请拨打82881234转806找王主任", "请拨打****1234转***找王主任"),
        ("座机：8288-1234", "座机：****-1234"),
        ("（0532）82881234", "（0532）****1234"),
        ("０５３２－８２８８１２３４", "０５３２－****１２３４"),
        ("010-82881234-806", "010-****1234-***"),
        ("手机13800138000或座机053282881234", "手机138****8000或座机0532****1234"),
        ("联系电话 82881234", "联系电话 ****1234"),
        ("2026-10-15下午在莱阳路22号开会，回执号ABCD-2345K。", None),
        ("总投资30000000元，共82881234人次。", None),
        ("请打12345热线或0532-12345", None),
        ("电话费2000元", None),
    ],
)
def test_phones_in_text_examples(text: str, masked: str | None) -> None:
    assert mask_phones_in_text(text) == (text if masked is None else masked)
