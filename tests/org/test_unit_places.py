"""A unit's places (辖区地名): one parser and one normalisation for the admin, the
services and the Excel import; the template and the ledger export carry them, so an
exported ledger imports again with its places."""

import io
import re
from collections.abc import Sequence

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.conftest import World
from tests.org.test_xlsx_import import UNIT_HEADER, marked_sheet, xlsx
from zhongzhi.org import services
from zhongzhi.org.exports import units_workbook
from zhongzhi.org.models import PLACE_NAME_MAX_LENGTH, Unit, place_name_errors, split_place_names
from zhongzhi.org.xlsx_import import import_units, unit_template_workbook

HEADER = [*UNIT_HEADER, "辖区地名"]
SEPARATORS = ["、", "，", ",", ";", "；", "\n", "\r\n", " ", "\u3000", "、\n"]

# Names without separators: Chinese, letters, digits and a few marks streets carry.
names = st.text(
    alphabet=st.sampled_from("红岛路兴安支金口一二号小区楼AB12-·（）"), min_size=1, max_size=12
)


# --- the parser ----------------------------------------------------------------------


@given(st.lists(names, max_size=12), st.lists(st.sampled_from(SEPARATORS), min_size=1))
def test_names_joined_by_any_separators_come_back_once_each_in_order(
    written: list[str], separators: list[str]
) -> None:
    text = separators[0]  # a leading separator is ignored too
    for index, name in enumerate(written):
        text += name + separators[index % len(separators)]

    assert split_place_names(text) == list(dict.fromkeys(written))


@given(st.text(max_size=80))
def test_any_text_splits_into_clean_distinct_names_and_normalising_is_stable(text: str) -> None:
    parsed = split_place_names(text)

    assert len(parsed) == len(set(parsed))
    assert all(name and not re.search(r"[、，,;；\s]", name) for name in parsed)
    assert all(name in text for name in parsed)
    normalised = services.unit_places_normalise(text)
    assert split_place_names(normalised) == parsed
    assert services.unit_places_normalise(normalised) == normalised


def test_a_name_over_the_limit_is_refused_in_chinese() -> None:
    long_name = "红" * (PLACE_NAME_MAX_LENGTH + 1)

    assert place_name_errors("红岛路、" + "红" * PLACE_NAME_MAX_LENGTH) == []
    (message,) = place_name_errors(f"红岛路、{long_name}")
    assert "太长" in message and str(PLACE_NAME_MAX_LENGTH) in message


# --- services and admin --------------------------------------------------------------


def test_services_store_the_names_once_each_joined_by_commas(world: World) -> None:
    unit = services.unit_create(
        code="HDL-WG",
        name="红岛路网格",
        kind="department",
        parent=world.hongdaolu,
        places=" 红岛路，兴安支路\n红岛路;红岛路小区 ",
    )
    assert unit.places == "红岛路、兴安支路、红岛路小区"

    services.unit_update(
        unit=unit, name=unit.name, kind=unit.kind, parent=unit.parent, places="金口一路；；金口一路"
    )
    unit.refresh_from_db()
    assert unit.place_names == ["金口一路"]


def test_services_refuse_a_name_too_long(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.unit_create(
            code="HDL-WG",
            name="红岛路网格",
            kind="department",
            parent=world.hongdaolu,
            places="红" * (PLACE_NAME_MAX_LENGTH + 1),
        )
    assert "places" in error.value.message_dict
    assert not Unit.objects.filter(code="HDL-WG").exists()


def test_the_admin_shows_a_name_too_long_on_the_form(world: World) -> None:
    client = world.client_for(world.office)
    url = reverse("admin:org_unit_change", args=[world.hongdaolu.pk])
    form = {
        "code": world.hongdaolu.code,
        "name": world.hongdaolu.name,
        "short_name": "",
        "kind": world.hongdaolu.kind,
        "parent": world.street.pk,
        "sort_order": 0,
        "places": "红岛路、" + "红" * (PLACE_NAME_MAX_LENGTH + 1),
    }

    response = client.post(url, form)

    assert response.status_code == 200
    assert "太长" in response.content.decode()
    assert client.post(url, {**form, "places": "红岛路\n兴安支路、红岛路"}).status_code == 302
    world.hongdaolu.refresh_from_db()
    assert world.hongdaolu.places == "红岛路、兴安支路"


# --- the import ----------------------------------------------------------------------


def test_places_import_normalised_with_every_separator(world: World) -> None:
    rows = [
        ["BDG-WG", "网格中心", "", "部门", "QD-SN-BDG", "红岛路、兴安支路，红岛路\n太平角一路"],
        ["BDG-WG-1", "第一网格", "", "部门", "BDG-WG", "金口一路; 金口二路"],
        ["BDG-WG-2", "第二网格", "", "部门", "BDG-WG", ""],
    ]

    result = import_units(workbook=xlsx(rows, header=HEADER), actor=world.office)

    assert result.ok, result.errors
    places = dict(Unit.objects.filter(code__startswith="BDG-WG").values_list("code", "places"))
    assert places == {
        "BDG-WG": "红岛路、兴安支路、太平角一路",
        "BDG-WG-1": "金口一路、金口二路",
        "BDG-WG-2": "",
    }


def test_a_file_without_the_places_column_still_imports(world: World) -> None:
    result = import_units(
        workbook=xlsx([["BDG-WG", "网格中心", "", "部门", "QD-SN-BDG"]]), actor=world.office
    )

    assert result.ok, result.errors
    assert Unit.objects.get(code="BDG-WG").places == ""


def test_a_place_name_too_long_fails_the_whole_file_and_is_marked(world: World) -> None:
    too_long = "八大关" * 20
    rows = [
        ["BDG-WG", "网格中心", "", "部门", "QD-SN-BDG", "红岛路"],
        ["BDG-WG-1", "第一网格", "", "部门", "BDG-WG", f"金口一路、{too_long}"],
    ]

    result = import_units(workbook=xlsx(rows, header=HEADER), actor=world.office)

    assert not result.ok
    ((row, column, message),) = result.errors
    assert (row, column) == (3, "辖区地名")
    assert "太长" in message and too_long[:10] in message
    assert not Unit.objects.filter(code__startswith="BDG-WG").exists()
    ws = marked_sheet(result)
    assert ws["F3"].comment is not None and "太长" in ws["F3"].comment.text
    assert "辖区地名" in str(ws["G3"].value)


def test_the_template_has_the_places_column_with_an_example(world: World) -> None:
    book = load_workbook(io.BytesIO(unit_template_workbook(actor=world.office)))

    assert [cell.value for cell in book["单位"][1]] == HEADER
    instructions = [
        str(cell.value) for row in book["说明"].iter_rows() for cell in row if cell.value
    ]
    assert any(text.startswith("选填。辖区内的道路") for text in instructions)
    assert "红岛路、兴安支路、红岛路小区" in instructions
    scope = book["可选上级单位"]
    assert [cell.value for cell in scope[1]] == HEADER


# --- the export's round trip ---------------------------------------------------------


def sheet_rows(content: bytes) -> list[Sequence[object]]:
    ws = load_workbook(io.BytesIO(content)).active
    assert ws is not None
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def test_an_exported_ledger_imports_again_with_its_places(world: World) -> None:
    centre = services.unit_create(
        code="BDG-WG",
        name="网格中心",
        kind="department",
        parent=world.street,
        places="红岛路，兴安支路\n红岛路小区",
    )
    first = services.unit_create(
        code="BDG-WG-1", name="第一网格", kind="department", parent=centre, places="金口一路"
    )
    plain = services.unit_create(code="BDG-WG-2", name="第二网格", kind="department", parent=centre)
    # A unit whose places were written around the services (as the demo does).
    Unit.objects.filter(pk=plain.pk).update(places="太平角一路;太平角一路 湛山路")
    before = dict(Unit.objects.filter(code__startswith="BDG-WG").values_list("code", "places"))
    ledger = units_workbook(
        Unit.objects.filter(code__startswith="BDG-WG").select_related("parent").order_by("path")
    )

    rows = sheet_rows(ledger)
    assert list(rows[0]) == HEADER
    assert rows[1][5] == "红岛路、兴安支路、红岛路小区"
    Unit.objects.filter(pk__in=[first.pk, plain.pk]).delete()
    centre.delete()

    result = import_units(workbook=ledger, actor=world.office)

    assert result.ok, result.errors
    after = dict(Unit.objects.filter(code__startswith="BDG-WG").values_list("code", "places"))
    assert after == {**before, "BDG-WG-2": "太平角一路、湛山路"}
    assert Unit.objects.get(code="BDG-WG-1").parent.code == "BDG-WG"  # type: ignore[union-attr]
