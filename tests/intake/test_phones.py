"""Phone numbers residents and units leave: mobiles and Chinese fixed lines, parsed
by `intake.services.clean_phone` into one stored form and masked by
`intake.access.mask_phone` for those who may not call back."""

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from zhongzhi.intake.access import mask_phone
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
