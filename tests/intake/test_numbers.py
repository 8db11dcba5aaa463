"""Staff's number for a suggestion (编号): 1, 2, 3 … in each campaign, given in the
transaction that saves it, on every path that saves one (the service, paper forms,
API batches, the generator), and shown labelled beside the receipt code (回执号) on the
staff pages, in exports and in the staff search."""

import datetime
import io
import re
import threading
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.api.conftest import batch_url, bearer, post_json
from tests.conftest import World
from tests.factories import CampaignFactory
from tests.intake.test_generate import MESSAGES, write_csv
from tests.intake.test_paper_form import good_rows, post_file, xlsx
from zhongzhi.api.services import api_token_create
from zhongzhi.campaigns.models import Campaign
from zhongzhi.campaigns.services import template_apply
from zhongzhi.intake.meetings import MeetingRow, meeting_record
from zhongzhi.intake.models import Channel, Suggestion, SuggestionCounter
from zhongzhi.intake.receipt_codes import new_receipt_code
from zhongzhi.intake.selectors import suggestion_number_in
from zhongzhi.intake.services import suggestion_numbers_reserve, suggestion_submit
from zhongzhi.screening.forms import DecisionForm
from zhongzhi.screening.services.routing import suggestions_assign


def numbers(campaign: Campaign) -> list[int]:
    return list(
        Suggestion.objects.filter(campaign=campaign).order_by("pk").values_list("number", flat=True)
    )


def submit(campaign: Campaign, text: str = "小区门口的路灯坏了，建议尽快维修。", **kwargs):  # type: ignore[no-untyped-def]
    suggestion, _created = suggestion_submit(
        campaign=campaign, text=text, channel=Channel.ONLINE, **kwargs
    )
    return suggestion


# --- allocation -----------------------------------------------------------------------


def test_each_campaign_counts_its_own_suggestions_from_one(world: World) -> None:
    other = CampaignFactory(owner_unit=world.street)
    for campaign in (world.campaign, other, world.campaign, world.campaign, other):
        submit(campaign)
    assert numbers(world.campaign) == [1, 2, 3]
    assert numbers(other) == [1, 2]
    assert SuggestionCounter.objects.get(campaign=world.campaign).last_number == 3


def test_a_rolled_back_submission_gives_its_number_back(world: World) -> None:
    submit(world.campaign)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert submit(world.campaign).number == 2
        raise RuntimeError("the caller's transaction fails after the insert")
    assert submit(world.campaign).number == 2


def test_a_retried_submission_takes_no_number(world: World) -> None:
    first = submit(world.campaign, idempotency_key="k-1")
    again = submit(world.campaign, idempotency_key="k-1")
    assert again.pk == first.pk and again.number == 1
    assert submit(world.campaign).number == 2


def test_a_missing_counter_starts_after_the_numbers_given(world: World) -> None:
    submit(world.campaign)
    submit(world.campaign)
    SuggestionCounter.objects.all().delete()
    assert submit(world.campaign).number == 3


def test_on_postgresql_a_submission_stays_one_statement(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes the counter and the row in one short transaction")
    submit(world.campaign)  # the campaign's first: it makes the counter
    with CaptureQueriesContext(connection) as queries:
        assert submit(world.campaign).number == 2
    written = [q["sql"] for q in queries if "intake_suggestion" in q["sql"]]
    assert len(written) == 1 and written[0].startswith("WITH counted AS (UPDATE"), written


def test_a_range_is_reserved_in_one_go_inside_a_transaction(world: World) -> None:
    submit(world.campaign)
    with transaction.atomic():
        assert suggestion_numbers_reserve(campaign_id=world.campaign.pk, count=5) == range(2, 7)
        assert suggestion_numbers_reserve(campaign_id=world.campaign.pk) == range(7, 8)


def test_the_database_refuses_a_number_twice_in_a_campaign(world: World) -> None:
    taken = submit(world.campaign)
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.create(
            campaign=world.campaign,
            receipt_code=new_receipt_code(),
            number=taken.number,
            text="同一个编号",
            channel=Channel.ONLINE,
            submitted_at=timezone.now(),
        )


def test_a_paper_form_numbers_its_rows_in_file_order(world: World) -> None:
    template_apply(campaign=world.campaign, key="7+11")
    submit(world.campaign)
    job = post_file(world.client_for(world.office), world, xlsx(good_rows(12)))
    job.refresh_from_db()
    imported = Suggestion.objects.filter(campaign=world.campaign, channel__in=["paper", "letter"])
    by_row = sorted(imported, key=lambda s: int(s.idempotency_key.rsplit(":", 1)[1]))
    assert [s.number for s in by_row] == list(range(2, 14))
    assert submit(world.campaign).number == 14


def test_an_api_batch_takes_consecutive_numbers_and_a_refused_one_none(world: World) -> None:
    _token, hdl_token = api_token_create(
        unit=world.hongdaolu, name="红岛路小程序", created_by=world.hongdaolu_coordinator
    )
    api = Client()
    submit(world.campaign)
    refused = [{"text": "第一条"}, {"text": ""}]
    response = post_json(api, batch_url(world.campaign.pk), {"items": refused}, **bearer(hdl_token))
    assert response.status_code == 422
    batch = [{"text": f"第{n}条：小区门口加装护栏。"} for n in range(4)]
    response = post_json(api, batch_url(world.campaign.pk), {"items": batch}, **bearer(hdl_token))
    assert response.status_code == 201
    assert [item["number"] for item in response.json()["items"]] == [2, 3, 4, 5]
    assert numbers(world.campaign) == [1, 2, 3, 4, 5]


def test_a_meeting_numbers_what_was_said_in_order(world: World) -> None:
    rows = [MeetingRow(text=f"第{n}位发言：建议增加停车位。") for n in range(3)]
    meeting, _created = meeting_record(
        campaign=world.campaign,
        unit=world.hongdaolu,
        name="居民议事会",
        held_on=datetime.date(2026, 10, 10),
        rows=rows,
        recorded_by=world.hongdaolu_coordinator,
    )
    said = Suggestion.objects.filter(activity=meeting).order_by("submitted_at")
    assert [s.number for s in said] == [1, 2, 3]


def test_the_generator_numbers_a_new_campaign_without_gaps(world: World, tmp_path: Path) -> None:
    from django.core.management import call_command

    path = write_csv(tmp_path / "messages.csv", MESSAGES * 3)
    out = io.StringIO()
    call_command(
        "generate_suggestions", "--messages", str(path), "--count", "50", stdout=out, stderr=out
    )
    campaign = Campaign.objects.exclude(pk=world.campaign.pk).get()
    assert sorted(numbers(campaign)) == list(range(1, 51))


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_consecutive_numbers(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; concurrent writers are PostgreSQL's")
    threads, each = 6, 5
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def resident(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                submit(world.campaign, f"第{n}位居民的第{i}条建议：路灯坏了。")
        except BaseException as error:  # what the test checks
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=resident, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert sorted(numbers(world.campaign)) == list(range(1, threads * each + 1))


# --- the migration -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_existing_rows_per_campaign_in_saving_order(world: World) -> None:
    before, after = (
        ("intake", "0006_to_assign_covering"),
        ("intake", "0008_suggestion_number_required"),
    )
    other = CampaignFactory(owner_unit=world.street)
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps.get_model("intake", "Suggestion")
    made = []
    # Submitted out of order: the number follows the saving order, not the date written.
    for n, (campaign, day) in enumerate(
        [(world.campaign, 20), (other, 5), (world.campaign, 3), (world.campaign, 9), (other, 1)]
    ):
        made.append(
            old.objects.create(
                campaign_id=campaign.pk,
                receipt_code=new_receipt_code(),
                text=f"迁移前的第{n}条建议",
                channel="online",
                submitted_at=f"2026-09-{day:02d}T10:00:00+08:00",
            )
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert after in executor.recorder.applied_migrations()

    found = dict(Suggestion.objects.values_list("pk", "number"))
    assert [found[s.pk] for s in made] == [1, 1, 2, 3, 2]
    assert submit(world.campaign).number == 4
    assert submit(other).number == 3
    # and the staff search still finds the old rows (SQLite's index triggers are back)
    client = world.client_for(world.office)
    page = client.get(reverse("intake:list"), {"q": "迁移前的第3条"}).content.decode()
    assert made[3].receipt_code[:4] in page


# --- what staff read ------------------------------------------------------------------


def cells(page: str, testid: str) -> list[str]:
    found = re.findall(rf'data-testid="{testid}">(.*?)</td>', page, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in found]


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


@pytest.fixture
def numbered(world: World) -> Suggestion:
    """A suggestion whose 编号 differs from its database id (another campaign first)."""
    other = CampaignFactory(owner_unit=world.street)
    for _n in range(6):
        submit(other)
    submit(world.campaign, "兴安支路路面坑洼，建议修复。", unit=world.hongdaolu)
    return submit(world.campaign, "红岛路的楼道灯坏了，建议修好。", unit=world.hongdaolu)


def test_the_list_and_detail_show_number_and_receipt_code_labelled(
    world: World, numbered: Suggestion
) -> None:
    assert numbered.number == 2 and numbered.pk != numbered.number
    client = world.client_for(world.office)
    listing = client.get(reverse("intake:list"), {"campaign": world.campaign.pk}).content.decode()
    assert "<th>编号</th><th>回执号</th>" in listing
    assert cells(listing, "number") == ["2", "1"]
    detail = client.get(reverse("intake:detail", args=[numbered.pk])).content.decode()
    assert re.search(r'编号 <strong data-testid="number">2</strong>', detail)
    assert f'回执号 <strong data-testid="receipt-code">{numbered.receipt_code_display}' in detail
    # the database id is in links, not in what people read
    text = visible_text(detail.split("<main", 1)[-1]).replace(numbered.receipt_code_display, "")
    text = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "", text)
    assert not re.search(rf"(?<![\d:-]){numbered.pk}(?![\d:-])", text)


def test_screening_pages_show_the_number(world: World, numbered: Suggestion) -> None:
    office = world.client_for(world.office)
    unrouted = submit(world.campaign, "公交站台没有遮雨棚，建议加装。")
    assign = office.get(reverse("screening:assign", args=[world.campaign.pk])).content.decode()
    assert "<th>编号</th><th>回执号</th>" in assign
    assert cells(assign, "number") == [str(unrouted.number)]
    suggestions_assign(
        campaign=world.campaign,
        suggestion_ids=[unrouted.pk],
        unit=world.hongdaolu,
        actor=world.office,
    )
    hdl = world.client_for(world.hongdaolu_coordinator)
    sign = hdl.get(reverse("screening:sign", args=[world.campaign.pk])).content.decode()
    assert "<th>编号</th><th>回执号</th>" in sign
    assert cells(sign, "number") == [str(unrouted.number)]
    queue = hdl.get(reverse("screening:queue", args=[world.campaign.pk]), {"each": "1"})
    page = queue.content.decode()
    assert "<th>编号</th><th>回执号</th>" in page
    assert sorted(cells(page, "number")) == ["1", "2"]


def test_the_ledger_export_has_the_number_first(world: World, numbered: Suggestion) -> None:
    client = world.client_for(world.office)
    response = client.get(reverse("intake:export"), {"campaign": world.campaign.pk})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["编号", "回执号"]
    assert [row[:2] for row in rows[1:]] == [[2, numbered.receipt_code_display], [1, rows[2][1]]]


# --- finding by number -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number"),
    [("12", 12), (" 12 ", 12), ("12号", 12), ("#12", 12), ("编号12", 12), ("No. 12", 12)],
)
def test_what_reads_as_a_number(typed: str, number: int) -> None:
    assert suggestion_number_in(typed) == number
    assert suggestion_number_in(typed.replace("12", "１２")) == number


@pytest.mark.parametrize("typed", ["", "0", "012", "12 楼", "路灯", "ABCD-2345K", "1234567890"])
def test_what_does_not_read_as_a_number(typed: str) -> None:
    assert suggestion_number_in(typed) is None


def test_typing_the_number_finds_it_first_and_digits_in_texts_too(
    world: World, numbered: Suggestion
) -> None:
    mentions = submit(world.campaign, "红岛路2号楼门口的台阶坏了。", unit=world.hongdaolu)
    client = world.client_for(world.office)
    page = client.get(
        reverse("intake:list"), {"campaign": world.campaign.pk, "q": "2"}
    ).content.decode()
    assert cells(page, "number") == [str(numbered.number), str(mentions.number)]
    page = client.get(
        reverse("intake:list"), {"campaign": world.campaign.pk, "q": "编号2"}
    ).content.decode()
    assert cells(page, "number") == [str(numbered.number)]
    # without a campaign chosen, the 2 of every campaign the office sees
    page = client.get(reverse("intake:list"), {"q": "编号2"}).content.decode()
    assert cells(page, "number") == ["2", "2"]
    assert numbered.receipt_code_display in page


def test_a_number_out_of_scope_is_not_found(world: World, numbered: Suggestion) -> None:
    theirs = submit(world.campaign, "金口路小区楼道漏水。", unit=world.jinkoulu)
    client = world.client_for(world.hongdaolu_coordinator)
    page = client.get(reverse("intake:list"), {"q": str(theirs.number)}).content.decode()
    assert cells(page, "number") == []


def test_merging_into_a_number_of_the_campaign(world: World, numbered: Suggestion) -> None:
    first = Suggestion.objects.get(campaign=world.campaign, number=1)
    form = DecisionForm(
        QueryDict(f"decision=merge&merge_into=1&item={numbered.pk}:0"), campaign=world.campaign
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["merge_into"] == first
    form = DecisionForm(
        QueryDict(f"decision=merge&merge_into=99&item={numbered.pk}:0"), campaign=world.campaign
    )
    assert not form.is_valid()
    assert "没有回执号或编号为 99 的建议" in str(form.errors)
