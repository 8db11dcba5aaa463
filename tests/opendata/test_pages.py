"""The office's open-data page through HTTP, as each persona: the export (in the request,
and as a job for a large campaign), publishing with the masked text edited, withdrawing
in place, and who reaches what (the same 404 as for a missing campaign)."""

import io
import re
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.opendata.conftest import PERSONAL, Planted
from tests.opendata.scan import personal_data_in
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.opendata import views
from zhongzhi.opendata.exports import FILES
from zhongzhi.opendata.models import Publication
from zhongzhi.opendata.services import masked_for_publication, publication_publish


def html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def zip_files(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def test_the_office_lists_answered_suggestions_and_downloads_the_export(
    world: World, planted: Planted
) -> None:
    office = world.client_for(world.office)
    page = html(office, reverse("opendata:office", args=[world.campaign.pk]))
    rows = {int(n) for n in re.findall(r'data-testid="answered-row" data-number="(\d+)"', page)}
    assert rows == {planted.named.number, planted.anonymous.number}  # answered, not merged
    assert personal_data_in(page, PERSONAL) == []
    response = office.get(reverse("opendata:export", args=[world.campaign.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    files = zip_files(response.content)
    assert sorted(files) == sorted(FILES)
    for name, text in files.items():
        assert personal_data_in(text, PERSONAL) == [], name


def test_a_large_campaign_is_exported_by_a_job_with_a_one_time_download(
    world: World, planted: Planted, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "EXPORT_IN_REQUEST_MAX", 3)
    office = world.client_for(world.office)
    started = office.get(reverse("opendata:export", args=[world.campaign.pk]))
    assert started.status_code == 302 and "/opendata/exports/" in started["Location"]
    page = html(office, started["Location"])  # tests run tasks at once: it is done
    assert "导出完成：共 6 条。" in page
    link = re.search(r'href="([^"]+)" data-testid="export-download"', page)
    assert link is not None
    download = office.get(link[1])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    files = zip_files(b"".join(download.streaming_content))  # type: ignore[attr-defined]
    assert sorted(files) == sorted(FILES)
    assert all(personal_data_in(text, PERSONAL) == [] for text in files.values())
    # The next export replaces this one: its link then finds nothing.
    second = office.get(reverse("opendata:export", args=[world.campaign.pk]))
    assert office.get(link[1]).status_code == 404
    assert "导出完成：共 6 条。" in html(office, second["Location"])
    other = world.client_for(world.hongdaolu_coordinator)
    assert other.get(started["Location"]).status_code == 404  # another's job
    second_job = second["Location"].rstrip("/").rsplit("/", 1)[1]
    download_url = reverse("opendata:download", args=[int(second_job)])
    assert office.get(download_url).status_code == 200
    assert other.get(download_url).status_code == 404


def test_publishing_masks_again_what_staff_edited_and_withdrawing_updates_the_row(
    world: World, planted: Planted
) -> None:
    office = world.client_for(world.office)
    url = reverse("opendata:publish", args=[world.campaign.pk, planted.named.pk])
    form = html(office, url)
    assert "我叫某某，住山海关路4号18号楼2单元，电话***********" in form
    assert personal_data_in(form, PERSONAL) == []
    edited = "我叫某某，住山海关路4号。路灯不亮，请回电13800001111。"
    done = office.post(url, {"text": edited, "answer": "路灯已修复。联系人：王小明"})
    assert done.status_code == 302
    publication = Publication.objects.get()
    assert publication.text == "我叫某某，住山海关路4号。路灯不亮，请回电***********。"
    assert publication.answer == "路灯已修复。联系人：某某"
    assert publication.published_by == world.office
    entry = AuditEntry.objects.get(action=AuditAction.PUBLISH)
    assert entry.target_id == planted.named.pk and entry.actor == world.office
    listing = html(
        office, reverse("opendata:office", args=[world.campaign.pk]) + "?shown=published"
    )
    assert listing.count('data-testid="answered-row"') == 1 and 'data-testid="published"' in listing
    withdraw = reverse("opendata:withdraw", args=[world.campaign.pk, planted.named.pk])
    row = office.post(withdraw, HTTP_HX_REQUEST="true")
    assert row.status_code == 200
    assert 'data-testid="publish"' in row.content.decode()
    assert 'data-testid="published"' not in row.content.decode()
    assert not Publication.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.UNPUBLISH).count() == 1
    again = office.post(withdraw, HTTP_HX_REQUEST="true")
    assert "这条建议没有公开，无需撤回。" in again.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.UNPUBLISH).count() == 1


def test_a_publication_whose_answer_was_reopened_can_still_be_withdrawn(
    world: World, planted: Planted
) -> None:
    text, answer = masked_for_publication(planted.named)
    publication_publish(suggestion=planted.named, actor=world.office, text=text, answer=answer)
    Suggestion.objects.filter(pk=planted.named.pk).update(status=SuggestionStatus.ADOPTED)
    office = world.client_for(world.office)
    listing = html(office, reverse("opendata:office", args=[world.campaign.pk]))
    assert f'data-number="{planted.named.number}"' in listing and "答复已重新办理" in listing
    publish = reverse("opendata:publish", args=[world.campaign.pk, planted.named.pk])
    assert office.get(publish).status_code == 404  # not answered now: not to publish again
    withdraw = reverse("opendata:withdraw", args=[world.campaign.pk, planted.named.pk])
    assert office.post(withdraw).status_code == 302
    assert not Publication.objects.exists()


def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(
    world: World, planted: Planted
) -> None:
    office = world.client_for(world.office)
    url = reverse("opendata:publish", args=[world.campaign.pk, planted.named.pk])
    empty = office.post(url, {"text": "   ", "answer": "已修复"})
    assert empty.status_code == 400 and "这个字段是必填项" in empty.content.decode()
    masked_away = office.post(url, {"text": "13800001111", "answer": ""})
    assert masked_away.status_code == 400
    assert not Publication.objects.exists()
    for suggestion in (planted.waiting, planted.merged, planted.spam):  # not answered ones
        not_answered = reverse("opendata:publish", args=[world.campaign.pk, suggestion.pk])
        assert office.get(not_answered).status_code == 404
        assert office.post(not_answered, {"text": "x", "answer": "y"}).status_code == 404
    assert office.get(reverse("opendata:office", args=[999999])).status_code == 404
    missing = reverse("opendata:publish", args=[world.campaign.pk, 999999])
    assert office.get(missing).status_code == 404
    assert (
        office.get(
            reverse("opendata:office", args=[world.campaign.pk]) + "?shown=x&topic=y"
        ).status_code
        == 200
    )
    assert not Publication.objects.exists()


@pytest.mark.parametrize("persona", ["hongdaolu_coordinator", "leader", "supervisor"])
def test_only_the_office_runs_open_data(world: World, planted: Planted, persona: str) -> None:
    client = world.client_for(getattr(world, persona))
    campaign = world.campaign.pk
    for url in [
        reverse("opendata:office", args=[campaign]),
        reverse("opendata:export", args=[campaign]),
        reverse("opendata:publish", args=[campaign, planted.named.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    withdraw = reverse("opendata:withdraw", args=[campaign, planted.named.pk])
    assert client.post(withdraw).status_code == 404
    ledgers = html(client, reverse("reports:ledgers", args=[campaign]))
    assert 'data-testid="ledger-opendata.export"' not in ledgers


def test_a_resident_is_sent_to_sign_in(world: World, planted: Planted) -> None:
    response = Client().get(reverse("opendata:office", args=[world.campaign.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_ledger_page_offers_the_office_the_open_data(world: World, planted: Planted) -> None:
    office = world.client_for(world.office)
    page = html(office, reverse("reports:ledgers", args=[world.campaign.pk]))
    assert 'data-testid="ledger-opendata.export"' in page
    assert "导出公开数据（zip）" in page and "选择公开的答复" in page
    assert reverse("opendata:office", args=[world.campaign.pk]) in page
