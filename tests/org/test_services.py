import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import World
from zhongzhi.org import services
from zhongzhi.org.models import Unit


def test_moving_a_unit_rewrites_the_paths_of_its_subtree(world: World) -> None:
    services.unit_update(
        unit=world.street, name="八大关街道", kind="subdistrict", parent=world.city
    )
    world.hongdaolu.refresh_from_db()
    assert world.hongdaolu.path == f"/{world.city.pk}/{world.street.pk}/{world.hongdaolu.pk}/"
    assert world.hongdaolu.depth == 2


def test_a_unit_cannot_become_its_own_ancestor(world: World) -> None:
    with pytest.raises(ValidationError, match="不能把单位设为它自己或其下级单位的下级"):
        services.unit_update(
            unit=world.street, name="八大关街道", kind="subdistrict", parent=world.hongdaolu
        )
    with pytest.raises(ValidationError):
        services.unit_update(
            unit=world.street, name="八大关街道", kind="subdistrict", parent=world.street
        )
    world.street.refresh_from_db()
    assert world.street.parent == world.district


def test_admin_refuses_a_cycle_with_a_message_on_the_form(world: World) -> None:
    client = world.client_for(world.office)
    url = reverse("admin:org_unit_change", args=[world.street.pk])
    response = client.post(
        url,
        {
            "code": world.street.code,
            "name": "八大关街道",
            "short_name": "",
            "kind": "subdistrict",
            "parent": world.hongdaolu.pk,
            "sort_order": 0,
        },
    )
    assert response.status_code == 200
    assert "不能把单位设为它自己或其下级单位的下级" in response.content.decode()
    assert Unit.objects.get(pk=world.street.pk).parent_id == world.district.pk


def test_duplicate_unit_code_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.unit_create(code=world.hongdaolu.code, name="重复", kind="community")
    assert "单位编码" in str(error.value)


def test_office_edits_its_street_in_admin_without_moving_it(world: World) -> None:
    client = world.client_for(world.office)
    url = reverse("admin:org_unit_change", args=[world.street.pk])
    form = {
        "code": world.street.code,
        "name": "八大关街道办事处",
        "short_name": "八大关",
        "kind": "subdistrict",
        "parent": world.district.pk,
        "sort_order": 0,
    }
    assert client.post(url, form).status_code == 302
    world.street.refresh_from_db()
    assert world.street.name == "八大关街道办事处"
    # Detaching it from the district would take it out of the tree: refused.
    client.post(url, {**form, "parent": ""})
    world.street.refresh_from_db()
    assert world.street.parent_id == world.district.pk
