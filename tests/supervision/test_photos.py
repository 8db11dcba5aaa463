"""Photos of an inspection: checked by their content like measures' evidence, shown as
thumbnails on the inspection's page, served only to those who see the inspection."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import World
from tests.rectification.evidence_files import jpeg, pdf
from zhongzhi.org.models import User
from zhongzhi.supervision.models import Inspection, InspectionPhoto, SupervisionGroup


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _record(client, group: SupervisionGroup, world: World, *photos: SimpleUploadedFile):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("supervision:inspection_new", args=[group.pk]),
        {
            "unit": world.jinkoulu.pk,
            "date": "2026-10-14",
            "methods": ["on_site"],
            "photos": list(photos),
        },
    )


def _stored(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def test_a_member_records_an_inspection_with_photos_the_office_opens(
    world: World, inspector: User, group: SupervisionGroup
) -> None:
    client = world.client_for(inspector)
    response = _record(
        client,
        group,
        world,
        SimpleUploadedFile("楼道 现场.jpg", jpeg(), "image/jpeg"),
        SimpleUploadedFile("台账.jpg", jpeg(), "image/jpeg"),
    )
    inspection = Inspection.objects.get()
    assert response["Location"] == reverse("supervision:inspection", args=[inspection.pk])
    photos = list(inspection.photos.all())
    assert [p.original_name for p in photos] == ["楼道 现场.jpg", "台账.jpg"]
    page = client.get(response["Location"]).content.decode()
    first = photos[0]
    assert f'src="{reverse("supervision:photo_preview", args=[first.pk])}"' in page
    assert f'href="{reverse("supervision:photo", args=[first.pk])}"' in page
    assert 'aria-label="检查照片"' in page
    for user, status in [
        (inspector, 200),
        (world.office, 200),
        (world.leader, 200),
        (world.jinkoulu_coordinator, 404),  # the unit inspected: not the group's records
        (world.hongdaolu_coordinator, 404),
    ]:
        opened = world.client_for(user).get(reverse("supervision:photo", args=[first.pk]))
        assert opened.status_code == status, user.username
        if status == 200:
            assert opened["Content-Type"] == "image/jpeg"
            preview = world.client_for(user).get(
                reverse("supervision:photo_preview", args=[first.pk])
            )
            assert b"".join(preview.streaming_content).startswith(b"\xff\xd8")  # type: ignore[attr-defined]


def test_a_document_or_a_broken_photo_saves_nothing(
    world: World, inspector: User, group: SupervisionGroup, media: Path
) -> None:
    client = world.client_for(inspector)
    as_document = _record(
        client,
        group,
        world,
        SimpleUploadedFile("现场.jpg", jpeg(), "image/jpeg"),
        SimpleUploadedFile("通报.pdf", pdf(), "application/pdf"),
    )
    assert as_document.status_code == 200
    assert "检查照片须是图片：通报.pdf 不是。" in as_document.content.decode()
    broken = _record(
        client, group, world, SimpleUploadedFile("现场.jpg", b"not a photo at all", "image/jpeg")
    )
    assert broken.status_code == 200 and "现场.jpg" in broken.content.decode()
    assert not Inspection.objects.exists() and not InspectionPhoto.objects.exists()
    assert _stored(media) == []
