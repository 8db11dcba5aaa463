"""Receipt codes: unguessable, self-checking, forgiving of how a resident types them."""

from hypothesis import given
from hypothesis import strategies as st

from zhongzhi.intake.receipt_codes import (
    ALPHABET,
    EXAMPLE_CODE,
    explain_receipt_code,
    format_receipt_code,
    new_receipt_code,
    parse_receipt_code,
)


def check_symbol(body: str) -> str:
    """The documented rule, written out independently: Σ (position × value) mod 31."""
    return ALPHABET[sum(i * ALPHABET.index(s) for i, s in enumerate(body, start=1)) % 31]


bodies = st.text(alphabet=ALPHABET, min_size=8, max_size=8)
codes = bodies.map(lambda body: body + check_symbol(body))


def test_alphabet_has_a_prime_number_of_unambiguous_symbols() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert not set("OILUZ") & set(ALPHABET)


def test_new_codes_are_unique_and_valid_over_many_draws() -> None:
    drawn = [new_receipt_code() for _ in range(5000)]
    assert len(set(drawn)) == len(drawn)
    assert all(parse_receipt_code(code) == code for code in drawn)
    assert all(len(code) == 9 and set(code) <= set(ALPHABET) for code in drawn)


@given(codes)
def test_formatted_code_parses_back(code: str) -> None:
    shown = format_receipt_code(code)
    assert shown == f"{code[:4]}-{code[4:]}"
    assert parse_receipt_code(shown) == code
    assert parse_receipt_code(code) == code


@given(codes)
def test_every_single_symbol_substitution_is_rejected(code: str) -> None:
    for position, original in enumerate(code):
        for symbol in ALPHABET:
            if symbol != original:
                typo = code[:position] + symbol + code[position + 1 :]
                assert parse_receipt_code(typo) is None, typo


@given(codes)
def test_every_swap_of_neighbours_is_rejected(code: str) -> None:
    for position in range(len(code) - 1):
        first, second = code[position], code[position + 1]
        if first != second:
            swapped = code[:position] + second + first + code[position + 2 :]
            assert parse_receipt_code(swapped) is None, swapped


@given(codes, st.data())
def test_look_alikes_case_spaces_and_dashes_are_forgiven(code: str, data: st.DataObject) -> None:
    look_alikes = {"0": ["0", "O", "o"], "1": ["1", "I", "i", "L", "l"]}
    typed = ""
    for symbol in format_receipt_code(code):
        if symbol == "-":
            typed += data.draw(st.sampled_from(["-", "", " ", "－", " - "]))
            continue
        symbol = data.draw(st.sampled_from(look_alikes.get(symbol, [symbol])))
        if data.draw(st.booleans()):
            symbol = symbol.lower()
        typed += symbol + data.draw(st.sampled_from(["", "", " ", "-"]))
    assert parse_receipt_code(f"  {typed}\n") == code


@given(st.text(max_size=20))
def test_parse_never_fails_on_arbitrary_input(text: str) -> None:
    parsed = parse_receipt_code(text)
    assert parsed is None or (len(parsed) == 9 and parsed[-1] == check_symbol(parsed[:-1]))


def test_wrong_lengths_and_foreign_symbols_are_rejected() -> None:
    code = new_receipt_code()
    assert parse_receipt_code(code[:-1]) is None
    assert parse_receipt_code(code + "0") is None
    assert parse_receipt_code("") is None
    assert parse_receipt_code(code[:3] + "#" + code[4:]) is None
    assert parse_receipt_code("回执号" + code[3:]) is None


def test_the_help_example_is_a_valid_code() -> None:
    assert parse_receipt_code(EXAMPLE_CODE) == EXAMPLE_CODE.replace("-", "")
    assert explain_receipt_code(EXAMPLE_CODE) is None


@given(codes)
def test_full_width_typing_is_forgiven(code: str) -> None:
    full_width = "".join(chr(ord(symbol) + 0xFEE0) for symbol in format_receipt_code(code))
    assert parse_receipt_code(full_width) == code


@given(st.text(max_size=20))
def test_an_explanation_is_given_exactly_when_the_code_is_refused(text: str) -> None:
    assert (explain_receipt_code(text) is None) == (parse_receipt_code(text) is not None)


@given(codes, st.data())
def test_a_wrong_symbol_or_swap_is_explained_as_the_check_symbol(
    code: str, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(code) - 1))
    symbol = data.draw(st.sampled_from(ALPHABET).filter(lambda s: s != code[position]))
    typo = code[:position] + symbol + code[position + 1 :]
    assert "校验位" in (explain_receipt_code(typo) or "")


@given(st.text(alphabet=ALPHABET, max_size=20).filter(lambda body: len(body) != 9))
def test_a_wrong_length_is_explained_with_the_length_typed(body: str) -> None:
    explanation = explain_receipt_code(format_receipt_code(body)) or ""
    assert "应为 9 位" in explanation
    assert f"您输入了 {len(body)} 位" in explanation
    assert EXAMPLE_CODE in explanation


@given(codes, st.data())
def test_a_foreign_symbol_is_named_in_the_explanation(code: str, data: st.DataObject) -> None:
    foreign = data.draw(st.sampled_from(["#", "回", "*", "。", "/", "€"]))
    position = data.draw(st.integers(0, len(code)))
    explanation = explain_receipt_code(code[:position] + foreign + code[position:]) or ""
    assert "只由数字和英文字母组成" in explanation
    assert f"“{foreign}”" in explanation
