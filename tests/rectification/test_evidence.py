"""Evidence files of progress updates: accepted by content, refused with a message that
names the file, photos shrunk upright, all or nothing with storage, and served only to
those who see the measure."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.conftest import World
from tests.rectification import evidence_files as files
from tests.rectification.factories import problem_with_measure
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.rectification.forms_evidence import EvidenceField
from zhongzhi.rectification.models import Evidence, Measure, ProgressUpdate
from zhongzhi.rectification.services.evidence import (
    EvidenceRefused,
    clean_name,
    evidence_prepare,
    sniff,
)
from zhongzhi.rectification.services.measures import progress_post
from zhongzhi.screening.services.common import Conflict


@pytest.fixture(autouse=True)
def media(settings: SettingsWrapper, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root


def stored(root: Path) -> list[str]:
    """Every file in storage, relative to the media folder."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def post(world: World, measure: Measure, *uploads: SimpleUploadedFile) -> ProgressUpdate:
    return progress_post(
        measure=measure,
        actor=world.hongdaolu_coordinator,
        percent=60,
        text="路面修补已完成六成。",
        evidence=uploads,
    )


# --- accepted ------------------------------------------------------------------------


def test_photo_is_kept_as_taken_with_an_upright_shrunk_preview(world: World, media: Path) -> None:
    _problem, measure = problem_with_measure(world)
    # Taken sideways: the camera says "turn 90° clockwise to view".
    original = files.jpeg((1600, 1200), orientation=6)

    update = post(world, measure, upload("兴安支路修补后.jpg", original))

    (evidence,) = update.evidence.all()
    assert (evidence.kind, evidence.content_type, evidence.original_name, evidence.size) == (
        "image",
        "image/jpeg",
        "兴安支路修补后.jpg",
        len(original),
    )
    with evidence.file.open("rb") as handle:
        assert handle.read() == original
    with evidence.preview.open("rb") as handle, Image.open(handle) as preview:
        assert (preview.format, preview.size) == ("JPEG", (960, 1280))
        # Upright: the red left half of the sensor is now on top.
        top, bottom = preview.getpixel((480, 100)), preview.getpixel((480, 1180))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0]  # type: ignore[index]
    assert len(stored(media)) == 2


@pytest.mark.parametrize(
    ("name", "make", "kind", "content_type"),
    [
        ("整改方案.docx", files.docx, "office", "wordprocessingml"),
        ("整改台账.xlsx", files.xlsx, "office", "spreadsheetml"),
        ("汇报.pptx", files.pptx, "office", "presentationml"),
        ("验收单.pdf", files.pdf, "pdf", "application/pdf"),
        ("最小.pdf", files.minimal_pdf, "pdf", "application/pdf"),
        ("旧版方案.doc", lambda: files.ole("WordDocument", "1Table"), "office", "msword"),
        ("旧版台账.xls", lambda: files.ole("Workbook"), "office", "ms-excel"),
        ("旧版汇报.ppt", lambda: files.ole("PowerPoint Document"), "office", "ms-powerpoint"),
    ],
)
def test_documents_are_recognised_by_their_content(
    world: World, media: Path, name: str, make: object, kind: str, content_type: str
) -> None:
    _problem, measure = problem_with_measure(world)
    data = make()  # type: ignore[operator]

    update = post(world, measure, upload(name, data))

    (evidence,) = update.evidence.all()
    assert (evidence.kind, evidence.original_name, evidence.size) == (kind, name, len(data))
    assert content_type in evidence.content_type
    assert not evidence.preview
    assert len(stored(media)) == 1


def test_png_and_webp_photos_get_previews(world: World) -> None:
    _problem, measure = problem_with_measure(world)
    update = post(
        world,
        measure,
        upload("半透明.png", files.png((2000, 500), "RGBA")),
        upload("灰度.png", files.png((300, 300), "I;16")),
        upload("手机.webp", files.webp()),
    )
    sizes = []
    for evidence in update.evidence.all():
        with evidence.preview.open("rb") as handle, Image.open(handle) as preview:
            sizes.append((evidence.content_type, preview.format, preview.size))
    assert sizes == [
        ("image/png", "JPEG", (1280, 320)),
        ("image/png", "JPEG", (300, 300)),
        ("image/webp", "JPEG", (300, 200)),
    ]


def test_a_file_with_the_wrong_extension_is_saved_under_the_right_one(world: World) -> None:
    _problem, measure = problem_with_measure(world)
    update = post(
        world,
        measure,
        upload("现场照片.jpg", files.png()),
        upload("10.12 验收", files.pdf()),
        upload("../../etc/方案.pdf", files.docx()),
    )
    assert [(e.original_name, e.content_type) for e in update.evidence.all()] == [
        ("现场照片.png", "image/png"),
        ("10.12 验收.pdf", "application/pdf"),
        (
            "方案.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ]
    assert all(e.file.name.startswith("evidence/") for e in update.evidence.all())


def test_the_update_and_its_files_are_one_audit_entry(world: World) -> None:
    _problem, measure = problem_with_measure(world)
    post(world, measure, upload("修补前.jpg", files.jpeg()), upload("修补后.jpg", files.jpeg()))
    entry = AuditEntry.objects.get(action=AuditAction.MEASURE_PROGRESS, target_id=measure.pk)
    assert entry.after["evidence"] == ["修补前.jpg", "修补后.jpg"]


# --- refused -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("整改照片.jpg", files.executable, "实际是可执行程序"),
        ("整改照片.jpg", files.html_page, "实际是网页"),
        ("方案.docx", files.plain_zip, "实际是压缩包"),
        ("方案.docx", files.docm, "含有宏"),
        ("台账.xls", lambda: files.ole("Workbook", "_VBA_PROJECT_CUR"), "含有宏"),
        ("台账.xlsx", lambda: files.ole("EncryptedPackage", "EncryptionInfo"), "设置了打开密码"),
        ("安装.doc", lambda: files.ole("\x05SummaryInformation"), "其他格式的文件"),
        ("巨图.png", lambda: files.png_claiming(100_000, 100_000), "图片太大了"),
        (
            "大图.png",
            lambda: files.png_claiming(8000, 8000),
            "（8000×8000 像素），最多 50,000,000 像素",
        ),
        ("半张.jpg", lambda: files.jpeg((800, 600))[:3000], "已损坏或不完整"),
        ("乱码.png", lambda: files.png()[:40] + b"\x00" * 400, "已损坏或不完整"),
        ("截断.pdf", lambda: files.pdf()[:200], "不完整的 PDF"),
        ("空.jpg", lambda: b"", "是空文件"),
        ("照片.heic", lambda: b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100, "HEIC"),
        ("动图.gif", lambda: b"GIF89a" + b"\x00" * 100, "GIF、BMP 或 TIFF"),
        ("说明.txt", lambda: "只是一段文字".encode(), "不是可以识别的文件"),
    ],
)
def test_a_bad_file_is_refused_by_name_and_nothing_is_saved(
    world: World, media: Path, name: str, make: object, says: str
) -> None:
    _problem, measure = problem_with_measure(world)
    good = upload("修补后.jpg", files.jpeg())

    with pytest.raises(ValidationError) as refused:
        post(world, measure, good, upload(name, make()))  # type: ignore[operator]

    (message,) = refused.value.message_dict["evidence"]
    assert f"“{clean_name(name)}”" in message and says in message
    measure.refresh_from_db()
    assert (measure.percent, measure.state) == (0, "planned")
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    assert stored(media) == []


def test_a_file_over_the_limit_is_refused(
    world: World, settings: SettingsWrapper, media: Path
) -> None:
    settings.ZHONGZHI_EVIDENCE_MAX_FILE_BYTES = 50_000
    _problem, measure = problem_with_measure(world)
    big = files.jpeg((3000, 3000))
    assert len(big) > 50_000
    with pytest.raises(ValidationError, match=r"“现场\.jpg”太大了.*每个文件最大 0\.0 MB"):
        post(world, measure, upload("现场.jpg", big))
    assert stored(media) == [] and not ProgressUpdate.objects.exists()


def test_the_default_limit_is_ten_megabytes_a_file() -> None:
    with pytest.raises(EvidenceRefused, match=r"太大了（10.0 MB），每个文件最大 10.0 MB"):
        evidence_prepare([upload("扫描件.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))])


def test_too_many_files_or_bytes_in_one_update_are_refused(
    world: World, settings: SettingsWrapper
) -> None:
    _problem, measure = problem_with_measure(world)
    photos = [upload(f"照片{n}.jpg", files.jpeg((64, 64))) for n in range(6)]
    with pytest.raises(ValidationError, match="一次最多上传 5 个佐证材料，现在选了 6 个"):
        post(world, measure, *photos)
    settings.ZHONGZHI_EVIDENCE_MAX_UPDATE_BYTES = 2 * len(photos[0])
    with pytest.raises(ValidationError, match=r"一次最多 0\.0 MB，请分几次报送"):
        post(world, measure, *photos[:3])
    assert not ProgressUpdate.objects.exists()


def test_a_refused_update_stores_no_files(world: World, media: Path) -> None:
    """Checks on the update itself come before anything is stored."""
    _problem, measure = problem_with_measure(world)
    with pytest.raises(ValidationError, match="完成进度应在 0 到 100 之间"):
        progress_post(
            measure=measure,
            actor=world.hongdaolu_coordinator,
            percent=120,
            text="照片",
            evidence=[upload("照片.jpg", files.jpeg())],
        )
    with pytest.raises(ValidationError, match="只有责任单位可以报送进展"):
        progress_post(
            measure=measure,
            actor=world.jinkoulu_coordinator,
            percent=10,
            text="照片",
            evidence=[upload("照片.jpg", files.jpeg())],
        )
    assert stored(media) == []


def test_storage_failing_halfway_leaves_no_file_behind(
    world: World, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _problem, measure = problem_with_measure(world)
    real_save = FileSystemStorage._save
    calls: list[str] = []

    def disk_full_on_the_third(self: FileSystemStorage, name: str, content: object) -> str:
        calls.append(name)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full_on_the_third)
    with pytest.raises(ValidationError, match="文件保存失败，没有保存任何内容"):
        post(world, measure, upload("甲.jpg", files.jpeg()), upload("乙.pdf", files.pdf()))
    assert len(calls) == 3  # photo, its preview, then the PDF failed
    assert stored(media) == [] and not ProgressUpdate.objects.exists()


def test_an_update_that_loses_a_race_removes_its_stored_files(
    world: World, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else posts while the photo is being stored: the page's version is stale
    by the time the update is saved, so it is refused, and its files go."""
    _problem, measure = problem_with_measure(world)
    real_save = FileSystemStorage._save

    def meanwhile(self: FileSystemStorage, name: str, content: object) -> str:
        if not ProgressUpdate.objects.exists():
            progress_post(measure=measure, actor=world.office, percent=30, text="已排期。")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", meanwhile)
    with pytest.raises(Conflict):
        progress_post(
            measure=measure,
            actor=world.hongdaolu_coordinator,
            percent=60,
            text="路面修补已完成六成。",
            version=measure.version,
            evidence=[upload("修补后.jpg", files.jpeg())],
        )
    assert ProgressUpdate.objects.get().text == "已排期。"
    assert stored(media) == []


def test_the_form_field_takes_several_files() -> None:
    field = EvidenceField()
    photos = [upload("甲.jpg", b"1"), upload("乙.jpg", b"2")]
    assert [f.name for f in field.clean(photos)] == ["甲.jpg", "乙.jpg"]
    assert field.clean(None) == []
    data = MultiValueDict({"evidence": photos})
    assert field.widget.value_from_datadict({}, data, "evidence") == photos
    rendered = str(field.widget.render("evidence", None))
    assert 'accept="image/jpeg,' in rendered and rendered.endswith(" multiple>")


# --- sniffing never crashes ----------------------------------------------------------

MAGICS = [
    b"",
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"RIFF\x00\x00\x00\x00WEBP",
    b"%PDF-",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"MZ",
]


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MAGICS), st.binary(max_size=2048))
def test_any_bytes_are_accepted_as_a_type_or_refused_by_name(magic: bytes, tail: bytes) -> None:
    try:
        prepared = evidence_prepare([upload("随便.bin", magic + tail)])
    except EvidenceRefused as refused:
        assert "“随便.bin”" in refused.message_text or "随便" in refused.message_text
    else:
        assert prepared[0].type.kind in ("image", "pdf", "office")


REAL = {
    "jpeg": files.jpeg((64, 48)),
    "png": files.png((64, 48)),
    "docx": files.docx(),
    "doc": files.ole("WordDocument"),
}


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(REAL)),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
    st.integers(min_value=1),
)
def test_damaged_real_files_are_refused_or_read_never_crash(
    key: str, flips: list[tuple[int, int]], cut: int
) -> None:
    data = bytearray(REAL[key])
    for position, value in flips:
        data[position % len(data)] = value
    damaged = bytes(data[: max(1, cut % (len(data) + 1))])
    try:
        sniff(damaged, "损坏.dat")
        evidence_prepare([upload("损坏.dat", damaged)])
    except EvidenceRefused as refused:
        assert "“损坏.dat”" in refused.message_text


def test_content_types_with_a_dtd_are_not_expanded() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Types>&b;</Types>',
        )
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(EvidenceRefused, match="实际是压缩包"):
        sniff(bomb.getvalue(), "方案.docx")


# --- served only to those who see the measure ---------------------------------------


@pytest.fixture
def posted(world: World) -> ProgressUpdate:
    _problem, measure = problem_with_measure(world)
    return post(
        world,
        measure,
        upload("修补后 现场.jpg", files.jpeg((1600, 1200))),
        upload("整改方案.docx", files.docx()),
        upload("验收单.pdf", files.pdf()),
    )


def evidence_of(update: ProgressUpdate) -> tuple[Evidence, Evidence, Evidence]:
    photo, document, scan = update.evidence.all()
    return photo, document, scan


@pytest.mark.parametrize("persona", ["hongdaolu_coordinator", "office", "supervisor", "leader"])
def test_those_who_see_the_measure_open_its_photo(
    world: World, posted: ProgressUpdate, persona: str
) -> None:
    photo, _document, _scan = evidence_of(posted)
    client = world.client_for(getattr(world, persona))

    response = client.get(f"/rectification/files/{photo.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''%E4%BF%AE%E8%A1%A5%E5%90%8E%20%E7%8E%B0%E5%9C%BA.jpg"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert "private" in response["Cache-Control"]
    with photo.file.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()  # type: ignore[attr-defined]

    preview = client.get(f"/rectification/files/{photo.pk}/preview/")
    assert (preview.status_code, preview["Content-Type"]) == (200, "image/jpeg")
    with Image.open(io.BytesIO(b"".join(preview.streaming_content))) as image:  # type: ignore[attr-defined]
        assert image.size == (1280, 960)


def test_documents_download_under_their_chinese_name(world: World, posted: ProgressUpdate) -> None:
    _photo, document, scan = evidence_of(posted)
    client = world.client_for(world.office)

    response = client.get(f"/rectification/files/{document.pk}/")
    assert response["Content-Type"] == document.content_type
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%95%B4%E6%94%B9%E6%96%B9%E6%A1%88.docx"
    )
    pdf = client.get(f"/rectification/files/{scan.pk}/")
    assert (pdf["Content-Type"], pdf["Content-Disposition"].split(";")[0]) == (
        "application/pdf",
        "inline",
    )
    assert "Content-Security-Policy" not in pdf
    assert client.get(f"/rectification/files/{scan.pk}/preview/").status_code == 404


def test_a_coordinator_of_another_community_gets_404(world: World, posted: ProgressUpdate) -> None:
    client = world.client_for(world.jinkoulu_coordinator)
    for evidence in posted.evidence.all():
        assert client.get(f"/rectification/files/{evidence.pk}/").status_code == 404
        assert client.get(f"/rectification/files/{evidence.pk}/preview/").status_code == 404
    assert client.get("/rectification/files/999999/").status_code == 404


def test_a_visitor_must_log_in_first(client: object, posted: ProgressUpdate) -> None:
    photo, _document, _scan = evidence_of(posted)
    response = client.get(f"/rectification/files/{photo.pk}/")  # type: ignore[attr-defined]
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_stored_files_have_no_public_address(world: World, posted: ProgressUpdate) -> None:
    photo, document, _scan = evidence_of(posted)
    client = world.client_for(world.office)
    for name in (photo.file.name, photo.preview.name, document.file.name):
        assert client.get(f"/{name}").status_code == 404
        assert client.get(f"/media/{name}").status_code == 404


def test_a_file_missing_from_storage_is_404_not_500(world: World, posted: ProgressUpdate) -> None:
    photo, _document, _scan = evidence_of(posted)
    photo.file.storage.delete(photo.file.name)
    client = world.client_for(world.office)
    assert client.get(f"/rectification/files/{photo.pk}/").status_code == 404


EVIDENCE_LIST = "rectification/partials/evidence_list.html"


def list_context(update: ProgressUpdate) -> dict[str, object]:
    return {
        "files": update.evidence.all(),
        "file_view": "rectification_evidence:file",
        "preview_view": "rectification_evidence:preview",
    }


def test_the_list_partial_shows_thumbnails_and_documents(
    world: World, posted: ProgressUpdate
) -> None:
    photo, document, _scan = evidence_of(posted)
    html = render_to_string(EVIDENCE_LIST, list_context(posted))
    assert f'href="/rectification/files/{photo.pk}/"' in html
    assert f'src="/rectification/files/{photo.pk}/preview/"' in html
    assert 'alt="修补后 现场.jpg"' in html
    assert f'href="/rectification/files/{document.pk}/"' in html
    assert '<span class="tag">Word</span> 整改方案.docx' in html
    assert '<span class="tag">PDF</span> 验收单.pdf' in html
    assert f"{document.size / 1024:.1f}\xa0KB" in html
    empty = ProgressUpdate.objects.create(
        measure=posted.measure, author=world.office, percent=70, text="无附件"
    )
    assert render_to_string(EVIDENCE_LIST, list_context(empty)).strip() == ""
