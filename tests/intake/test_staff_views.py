"""The staff list, detail, status change and export of suggestions, through HTTP.

Personas (tests/conftest.py): the coordinator of 红岛路社区 sees 红岛路's suggestions,
never 金口路's; the office sees the whole campaign; the supervisor of 红岛路 and 福山路
reads theirs and changes nothing; a phone number is whole only for those who must
call back, and never in an export.
"""

import datetime
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import World
from tests.intake.factories import SuggestionFactory
from zhongzhi.audit.models import AuditEntry
from zhongzhi.campaigns import services as campaign_services
from zhongzhi.campaigns.selectors import forget_campaign_choices
from zhongzhi.intake.models import Channel, Suggestion, SuggestionStatus
from zhongzhi.intake.search import SQLITE_TRIGGERS, ensure_search_index, search_suggestions
from zhongzhi.intake.selectors import SuggestionFilters, suggestion_list
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.screening.services.decisions import suggestion_decide

HDL_PHONE = "13812345678"
JKL_PHONE = "13987654321"

LIST = reverse("intake:list")
EXPORT = reverse("intake:export")


def at(day: str, time: str = "10:00") -> datetime.datetime:
    """An aware datetime in the project's time zone (Asia/Shanghai)."""
    naive = datetime.datetime.fromisoformat(f"{day}T{time}")
    return timezone.make_aware(naive)


@pytest.fixture
def suggestions(world: World) -> dict[str, Suggestion]:
    return {
        "hongdaolu": SuggestionFactory(
            campaign=world.campaign,
            unit=world.hongdaolu,
            text="红岛路社区居民反映：兴安支路路面坑洼，雨天积水严重，建议尽快修复。",
            submitter_name="王大妈",
            submitter_phone=HDL_PHONE,
            submitted_at=at("2026-09-10"),
        ),
        "jinkoulu": SuggestionFactory(
            campaign=world.campaign,
            unit=world.jinkoulu,
            text="金口路小区楼道自来水管漏水，污水横流，希望物业尽快处理。",
            submitter_name="李大爷",
            submitter_phone=JKL_PHONE,
            submitted_at=at("2026-09-11"),
        ),
        "street": SuggestionFactory(
            campaign=world.campaign,
            text="建议街道组织一支舞蹈队，丰富老年人的文化生活。",
            submitted_at=at("2026-09-12"),
        ),
    }


def page(client: Client, url: str = LIST, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def listed(client: Client, **params: Any) -> set[str]:
    """Receipt codes on the list page for these filters."""
    html = page(client, **params)
    return {
        s.receipt_code_display for s in Suggestion.objects.all() if s.receipt_code_display in html
    }


def codes(*items: Suggestion) -> set[str]:
    return {item.receipt_code_display for item in items}


def sheet_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


# --- scope: the coordinator of 红岛路 ---------------------------------------------


def test_coordinator_lists_own_community_and_not_the_sibling(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    assert listed(client) == codes(suggestions["hongdaolu"])


def test_coordinator_search_does_not_reach_the_sibling(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    assert listed(client, q="自来水管") == set()
    assert listed(client, q="兴安支路") == codes(suggestions["hongdaolu"])


def test_coordinator_gets_404_for_the_sibling_detail(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    own = reverse("intake:detail", args=[suggestions["hongdaolu"].pk])
    sibling = reverse("intake:detail", args=[suggestions["jinkoulu"].pk])
    assert client.get(own).status_code == 200
    assert client.get(sibling).status_code == 404
    # "Not yours" and "does not exist" look the same.
    assert client.get(reverse("intake:detail", args=[999999])).status_code == 404


def test_coordinator_export_holds_only_own_community(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = " ".join(str(value) for row in sheet_rows(response.content) for value in row)
    assert "兴安支路" in text
    assert "自来水管" not in text
    assert "舞蹈队" not in text


def test_coordinator_cannot_change_the_sibling_status(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    sibling = suggestions["jinkoulu"]
    response = client.post(decide_url(world), decision("invalid", sibling, reason="广告或推销"))
    assert response.status_code == 404
    sibling.refresh_from_db()
    assert sibling.status == SuggestionStatus.RECEIVED


# --- the office and the supervisor ---------------------------------------------------


def test_office_sees_every_suggestion_of_the_campaign(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.office)
    assert listed(client) == codes(*suggestions.values())


def test_supervisor_sees_assigned_units_only_and_reads_only(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.supervisor)
    assert listed(client) == codes(suggestions["hongdaolu"])
    own = suggestions["hongdaolu"]
    detail = page(client, reverse("intake:detail", args=[own.pk]))
    assert "兴安支路" in detail
    assert 'data-testid="decision-form"' not in detail
    response = client.post(decide_url(world), decision("invalid", own, reason="广告或推销"))
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.status == SuggestionStatus.RECEIVED
    assert not AuditEntry.objects.filter(target_id=own.pk).exists()


def test_signed_out_visitor_is_sent_to_login(suggestions: dict[str, Suggestion]) -> None:
    client = Client()
    for url in [LIST, EXPORT, reverse("intake:detail", args=[suggestions["street"].pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


# --- personal data ---------------------------------------------------------------------


def test_phone_is_masked_for_the_supervisor(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.supervisor)
    detail = page(client, reverse("intake:detail", args=[suggestions["hongdaolu"].pk]))
    assert "138****5678" in detail
    assert HDL_PHONE not in detail


def test_a_landline_is_masked_for_the_supervisor_and_whole_for_the_coordinator(
    world: World,
) -> None:
    suggestion, _created = suggestion_submit(
        campaign=world.campaign,
        text="红岛路社区的路灯坏了。",
        channel=Channel.LETTER,
        unit=world.hongdaolu,
        submitter_phone="0532-82881234",
    )
    url = reverse("intake:detail", args=[suggestion.pk])
    supervisor = page(world.client_for(world.supervisor), url)
    coordinator = page(world.client_for(world.hongdaolu_coordinator), url)
    assert "0532-****1234" in supervisor
    assert "82881234" not in supervisor
    assert "0532-82881234" in coordinator


def test_a_number_inside_the_text_is_masked_for_those_who_do_not_call_back(
    world: World,
) -> None:
    suggestion, _created = suggestion_submit(
        campaign=world.campaign,
        text="红岛路8号楼道灯坏了，请联系我家电话0532-82881234或13912345678。",
        channel=Channel.LETTER,
        unit=world.hongdaolu,
    )
    detail = reverse("intake:detail", args=[suggestion.pk])
    for reader in (world.supervisor, world.leader):
        client = world.client_for(reader)
        for html in (page(client, detail), page(client, f"{LIST}?q=楼道灯")):
            assert "0532-****1234" in html, reader
            assert "139****5678" in html, reader
            assert "82881234" not in html and "13912345678" not in html, reader
    for caller in (world.hongdaolu_coordinator, world.office):
        client = world.client_for(caller)
        for html in (page(client, detail), page(client, f"{LIST}?q=楼道灯")):
            assert "0532-82881234" in html and "13912345678" in html, caller


def test_phone_is_whole_for_the_coordinator_of_the_unit(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    detail = page(client, reverse("intake:detail", args=[suggestions["hongdaolu"].pk]))
    assert HDL_PHONE in detail
    assert "王大妈" in detail


def test_phone_never_appears_on_the_list(world: World, suggestions: dict[str, Suggestion]) -> None:
    html = page(world.client_for(world.office))
    assert HDL_PHONE not in html
    assert JKL_PHONE not in html


def test_export_has_no_phone_column_nor_numbers_nor_anonymous_names(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    # Even if a name were stored for an anonymous submitter, it must not leave.
    Suggestion.objects.filter(pk=suggestions["street"].pk).update(
        anonymous=True, submitter_name="赵匿名", submitter_phone="13700001111"
    )
    rows = sheet_rows(world.client_for(world.office).get(EXPORT).content)
    header = rows[0]
    assert not any("手机" in str(title) or "电话" in str(title) for title in header)
    values = [str(value) for row in rows for value in row if value is not None]
    text = " ".join(values)
    for phone in (HDL_PHONE, JKL_PHONE, "13700001111"):
        assert phone not in text
        assert f"{phone[:3]}****{phone[-4:]}" not in text
    assert "赵匿名" not in text
    assert "匿名" in values
    assert "王大妈" in values
    assert len(rows) == 1 + len(suggestions)


def test_export_keeps_formulas_from_residents_as_text(world: World) -> None:
    SuggestionFactory(campaign=world.campaign, unit=world.hongdaolu, text='=HYPERLINK("http://x")')
    content = world.client_for(world.office).get(EXPORT).content
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    injected = [cell for cell in cells if cell.value == '=HYPERLINK("http://x")']
    assert injected and all(cell.data_type == "s" for cell in injected)


def test_html_in_a_suggestion_is_shown_escaped(world: World) -> None:
    evil = SuggestionFactory(
        campaign=world.campaign,
        unit=world.hongdaolu,
        title="<b>标题</b>",
        text='<script>alert("x")</script><img src=x onerror=alert(1)>',
        submitter_name="<i>名</i>",
    )
    client = world.client_for(world.office)
    for html in (page(client), page(client, reverse("intake:detail", args=[evil.pk]))):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<b>标题</b>" not in html
        assert "&lt;script&gt;" in html
    assert "&lt;i&gt;名&lt;/i&gt;" in page(client, reverse("intake:detail", args=[evil.pk]))


# --- search -----------------------------------------------------------------------------


def test_chinese_search_finds_a_place_name_inside_a_longer_text(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.office)
    assert listed(client, q="兴安支路") == codes(suggestions["hongdaolu"])
    assert listed(client, q="舞蹈队") == codes(suggestions["street"])
    assert listed(client, q="兴安北路") == set()


def test_search_of_one_or_two_characters_falls_back_to_substring(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.office)
    assert listed(client, q="漏水") == codes(suggestions["jinkoulu"])
    assert listed(client, q="舞") == codes(suggestions["street"])


def test_search_terms_must_all_occur(world: World, suggestions: dict[str, Suggestion]) -> None:
    client = world.client_for(world.office)
    assert listed(client, q="兴安支路 积水") == codes(suggestions["hongdaolu"])
    assert listed(client, q="兴安支路\u3000漏水") == set()
    assert listed(client, q="尽快") == codes(suggestions["hongdaolu"], suggestions["jinkoulu"])


def test_search_finds_titles_and_ignores_ascii_case(world: World) -> None:
    titled = SuggestionFactory(
        campaign=world.campaign, title="社区WiFi覆盖", text="建议广场覆盖无线网络。"
    )
    client = world.client_for(world.office)
    assert listed(client, q="wifi覆盖") == codes(titled)


@pytest.mark.parametrize("query", ['"兴安', "兴安*", "兴安 OR", "NEAR(兴安)", "%", "_", "\\", "'"])
def test_search_syntax_characters_are_plain_text(
    world: World, suggestions: dict[str, Suggestion], query: str
) -> None:
    client = world.client_for(world.office)
    assert listed(client, q=query) == set()


def test_search_follows_edits_and_deletions(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.office)
    edited = suggestions["jinkoulu"]
    Suggestion.objects.filter(pk=edited.pk).update(text="金口路需要一台公交卡充值机。")
    assert listed(client, q="自来水管") == set()
    assert listed(client, q="公交卡充值机") == codes(edited)
    Suggestion.objects.filter(pk=edited.pk).delete()
    assert "没有符合条件的意见建议" in page(client, q="公交卡充值机")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="triggers keep the SQLite index")
def test_search_triggers_come_back_after_a_table_remake(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    # What Django's SQLite table remake does to triggers: drops them.
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    later = SuggestionFactory(campaign=world.campaign, text="八大关景区停车难的问题")
    ensure_search_index(using="default")
    client = world.client_for(world.office)
    assert listed(client, q="停车难") == codes(later)
    assert listed(client, q="兴安支路") == codes(suggestions["hongdaolu"])
    newer = SuggestionFactory(campaign=world.campaign, text="太平角公园增设公共厕所")
    assert listed(client, q="公共厕所") == codes(newer)


# --- filters ----------------------------------------------------------------------------


def test_filters_by_topic_category_channel_and_status(world: World) -> None:
    campaign = world.campaign
    roads = campaign_services.topic_add(campaign=campaign, name="提高为民服务水平")
    business = campaign_services.topic_add(campaign=campaign, name="营商环境")
    deputies = campaign_services.category_add(campaign=campaign, name="人大代表")
    online = SuggestionFactory(campaign=campaign, topic=roads, channel=Channel.ONLINE)
    letter = SuggestionFactory(
        campaign=campaign, topic=business, channel=Channel.LETTER, category=deputies
    )
    suggestion_decide(suggestion=letter, decision="adopt", actor=world.office)
    client = world.client_for(world.office)
    assert listed(client, topic=roads.pk) == codes(online)
    assert listed(client, topic=business.pk) == codes(letter)
    assert listed(client, category=deputies.pk) == codes(letter)
    assert listed(client, channel="letter") == codes(letter)
    assert listed(client, channel="online") == codes(online)
    assert listed(client, status="adopted") == codes(letter)
    assert listed(client, status="received") == codes(online)
    assert listed(client, status="received", channel="letter") == set()


def test_filters_by_submission_dates_in_local_time(world: World) -> None:
    late_evening = SuggestionFactory(
        campaign=world.campaign, submitted_at=at("2026-09-30", "23:30")
    )
    next_morning = SuggestionFactory(
        campaign=world.campaign, submitted_at=at("2026-10-01", "00:10")
    )
    client = world.client_for(world.office)
    assert listed(client, date_to="2026-09-30") == codes(late_evening)
    assert listed(client, date_from="2026-10-01") == codes(next_morning)
    assert listed(client, date_from="2026-09-30", date_to="2026-10-01") == codes(
        late_evening, next_morning
    )


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx-results"])
def test_a_reversed_date_range_says_so_and_lists_nothing(world: World, htmx: bool) -> None:
    SuggestionFactory(campaign=world.campaign, submitted_at=at("2026-09-15"))
    SuggestionFactory(campaign=world.campaign, submitted_at=at("2026-10-15"))
    client = world.client_for(world.office)
    headers = {"HX-Request": "true", "HX-Target": "results"} if htmx else {}

    response = client.get(
        LIST, {"date_from": "2026-10-01", "date_to": "2026-09-01"}, headers=headers
    )

    html = response.content.decode()
    assert "日期范围颠倒了：结束日期 2026-09-01 早于开始日期 2026-10-01" in html
    assert re.search(r'data-testid="result-count">共 0 条<', html)
    assert not any(s.receipt_code_display in html for s in Suggestion.objects.all())


def test_a_reversed_date_range_exports_nothing(world: World) -> None:
    SuggestionFactory(campaign=world.campaign, submitted_at=at("2026-10-15"))
    client = world.client_for(world.office)
    response = client.get(EXPORT, {"date_from": "2026-10-01", "date_to": "2026-09-01"})
    assert response.status_code == 200
    assert len(sheet_rows(response.content)) == 1  # the header alone


def test_filters_by_stage_and_by_unit_subtree(world: World) -> None:
    campaign = world.campaign
    first = campaign_services.stage_add(
        campaign=campaign,
        name="宣传发动",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    second = campaign_services.stage_add(
        campaign=campaign,
        name="组织实施",
        start_date=datetime.date(2026, 10, 1),
        end_date=datetime.date(2026, 11, 30),
    )
    early = SuggestionFactory(
        campaign=campaign, unit=world.hongdaolu, submitted_at=at("2026-09-30", "23:59")
    )
    later = SuggestionFactory(campaign=campaign, unit=world.street, submitted_at=at("2026-10-01"))
    client = world.client_for(world.office)
    assert listed(client, stage=first.pk) == codes(early)
    assert listed(client, stage=second.pk) == codes(later)
    assert listed(client, unit=world.street.pk) == codes(early, later)
    assert listed(client, unit=world.hongdaolu.pk) == codes(early)
    detail = page(client, reverse("intake:detail", args=[early.pk]))
    assert "宣传发动" in detail


def test_a_unit_out_of_scope_is_not_a_filter_choice(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    assert listed(client, unit=world.jinkoulu.pk) == codes(suggestions["hongdaolu"])
    assert "金口路社区" not in page(client)


def test_export_follows_the_filters(world: World, suggestions: dict[str, Suggestion]) -> None:
    client = world.client_for(world.office)
    rows = sheet_rows(client.get(EXPORT, {"q": "兴安支路"}).content)
    assert len(rows) == 2
    assert rows[1][:2] == [
        suggestions["hongdaolu"].number,
        suggestions["hongdaolu"].receipt_code_display,
    ]


# --- detail and decisions ---------------------------------------------------------


def decide_url(world: World) -> str:
    return reverse("screening:decide", args=[world.campaign.pk])


def decision(key: str, suggestion: Suggestion, **fields: str) -> dict[str, str]:
    return {"decision": key, "item": f"{suggestion.pk}:{suggestion.version}", **fields}


def test_coordinator_decides_on_the_page_and_the_history_shows_it(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    own = suggestions["hongdaolu"]
    response = client.post(decide_url(world), decision("adopt", own, note="已交城建科<处理>"))
    assert response.status_code == 302
    own.refresh_from_db()
    client.post(decide_url(world), decision("answer", own, reply="下周修复兴安支路。"))
    own.refresh_from_db()
    assert own.status == SuggestionStatus.ANSWERED
    assert own.answer == "下周修复兴安支路。"
    detail = page(client, reverse("intake:detail", args=[own.pk]))
    assert "红岛路联络员" in detail
    assert "已交城建科&lt;处理&gt;" in detail
    assert "已收到 → 已采纳" in detail
    assert "已采纳 → 已答复" in detail
    assert "下周修复兴安支路。" in detail


def test_an_unknown_decision_says_so_and_changes_nothing(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.office)
    own = suggestions["hongdaolu"]
    response = client.post(decide_url(world), decision("lost", own), follow=True)
    assert "flash-error" in response.content.decode()
    own.refresh_from_db()
    assert own.status == SuggestionStatus.RECEIVED
    assert not AuditEntry.objects.exists()


def test_anonymous_submitter_is_shown_as_anonymous(world: World) -> None:
    anonymous = SuggestionFactory(
        campaign=world.campaign, unit=world.hongdaolu, anonymous=True, submitter_name="钱某"
    )
    detail = page(world.client_for(world.office), reverse("intake:detail", args=[anonymous.pk]))
    assert "匿名" in detail
    assert "钱某" not in detail


# --- htmx, pagination and the number of queries -----------------------------------------


def test_htmx_filter_request_gets_only_the_results(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.office)
    response = client.get(
        LIST, {"q": "兴安支路"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert suggestions["hongdaolu"].receipt_code_display in html
    assert "HX-Target" in response["Vary"]
    # The export link carries the filters.
    assert f"{EXPORT}?q=" in html


def make_rows(world: World, count: int) -> None:
    topic = campaign_services.topic_add(campaign=world.campaign, name=f"方面{count}")
    category = campaign_services.category_add(campaign=world.campaign, name=f"类别{count}")
    units = [world.hongdaolu, world.jinkoulu, world.fushanlu, world.badaguan, None]
    for number in range(count):
        SuggestionFactory(
            campaign=world.campaign,
            # Every row matches the search the query-count test makes (the factory's own
            # texts take turns across the whole run).
            text=f"第{number}处路灯坏了，晚上出行不方便，建议尽快维修。",
            unit=units[number % len(units)],
            topic=topic,
            category=category,
            submitted_at=at("2026-09-15") + datetime.timedelta(minutes=number),
        )


def queries_for_list(client: Client, **params: Any) -> int:
    """The fewer of two requests' query counts: what is loaded once and kept a few
    seconds (campaign choices) may expire between two calls on a slow run, which says
    nothing about rows; a query per row would show in both."""
    counts = []
    for _attempt in range(2):
        forget_campaign_choices()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, params).status_code == 200
        counts.append(len(captured))
    return min(counts)


def test_list_queries_do_not_grow_with_rows_and_a_page_holds_50(world: World) -> None:
    client = world.client_for(world.office)
    make_rows(world, 3)
    few = queries_for_list(client)
    few_search = queries_for_list(client, q="路灯坏了", status="received")
    make_rows(world, 52)
    many = queries_for_list(client)
    many_search = queries_for_list(client, q="路灯坏了", status="received")
    assert many == few
    assert many_search == few_search
    detail_link = re.compile(r'href="/suggestions/\d+/"')
    assert len(detail_link.findall(page(client))) == 50
    assert len(detail_link.findall(page(client, page=2))) == 5


def test_search_uses_the_trigram_index(world: World, suggestions: dict[str, Suggestion]) -> None:
    found = suggestion_list(world.office, SuggestionFilters(q="兴安支路"))
    assert list(found) == [suggestions["hongdaolu"]]
    # The search condition itself, apart from the scope: with a handful of rows the
    # planner may pick any index the scope offers, so ask what it does at scale.
    searched = search_suggestions(Suggestion.objects.all(), "兴安支路")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        assert "intake_suggestion_search_trgm" in searched.explain()
    else:
        assert "VIRTUAL TABLE INDEX" in searched.explain()


# --- admin ------------------------------------------------------------------------------


def test_admin_lists_only_suggestions_in_scope(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    html = page(client, reverse("admin:intake_suggestion_changelist"))
    assert suggestions["hongdaolu"].receipt_code in html
    assert suggestions["jinkoulu"].receipt_code not in html
    own = reverse("admin:intake_suggestion_change", args=[suggestions["hongdaolu"].pk])
    sibling = reverse("admin:intake_suggestion_change", args=[suggestions["jinkoulu"].pk])
    assert HDL_PHONE in page(client, own)
    assert client.get(sibling).status_code in (302, 404)


def test_admin_masks_the_phone_for_a_reader(
    world: World, suggestions: dict[str, Suggestion]
) -> None:
    world.leader.is_staff = True
    world.leader.save(update_fields=["is_staff"])
    client = world.client_for(world.leader)
    listing = page(client, reverse("admin:intake_suggestion_changelist"))
    assert "138****5678" in listing
    assert HDL_PHONE not in listing
    form = page(
        client, reverse("admin:intake_suggestion_change", args=[suggestions["hongdaolu"].pk])
    )
    assert HDL_PHONE not in form


def test_the_list_shows_and_filters_what_triage_found(world: World) -> None:
    from zhongzhi.analysis.services import campaign_triage
    from zhongzhi.intake.services import suggestion_submit

    text = "建议在红岛路5号门前加装护栏，车辆经常冲上人行道，老人孩子经过很危险。"
    for variant in [text, "您好！" + text, text + "盼复。"]:
        suggestion_submit(
            campaign=world.campaign, text=variant, channel="online", unit=world.hongdaolu
        )
    suggestion_submit(
        campaign=world.campaign,
        text="希望社区多组织广场舞和合唱活动。",
        channel="online",
        unit=world.hongdaolu,
    )
    campaign_triage(world.campaign.pk)
    client = world.client_for(world.office)
    everything = client.get(reverse("intake:list"), {"campaign": world.campaign.pk})
    assert everything.context["page"].paginator.count == 4
    assert 'data-testid="triage-score"' in everything.content.decode()
    one_per_group = client.get(
        reverse("intake:list"), {"campaign": world.campaign.pk, "canonical_only": "on"}
    )
    assert one_per_group.context["page"].paginator.count == 2


# --- large exports: a background job, then a one-time download -----------------------


def test_a_large_export_runs_as_a_job_and_offers_the_file_once(
    world: World, suggestions: dict[str, Suggestion], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("zhongzhi.intake.views.staff.EXPORT_IN_REQUEST_MAX", 0)
    client = world.client_for(world.hongdaolu_coordinator)

    started = client.get(EXPORT, {"q": "兴安支路"})
    assert started.status_code == 302
    job_page = client.get(started["Location"])
    html = job_page.content.decode()
    assert job_page.status_code == 200
    assert "导出完成：共 1 条" in html  # the test task backend runs the job at once
    assert 'aria-valuenow="100"' in html
    token = re.search(r'href="(/org/downloads/[^"]+/)"', html)
    assert token, html

    download = client.get(token.group(1))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(download.content)
    assert [row[1] for row in rows[1:]] == [suggestions["hongdaolu"].receipt_code_display]
    assert client.get(token.group(1)).status_code == 404  # once only


def test_a_large_export_holds_only_what_its_owner_may_see(
    world: World, suggestions: dict[str, Suggestion], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("zhongzhi.intake.views.staff.EXPORT_IN_REQUEST_MAX", 0)
    coordinator = world.client_for(world.hongdaolu_coordinator)
    job_url = coordinator.get(EXPORT)["Location"]
    html = coordinator.get(job_url).content.decode()
    download = re.search(r'href="(/org/downloads/[^"]+/)"', html)
    assert download
    text = " ".join(
        str(value)
        for row in sheet_rows(coordinator.get(download.group(1)).content)
        for value in row
    )
    assert "兴安支路" in text
    assert "自来水管" not in text  # 金口路's

    # Another account sees neither the job nor the file.
    office = world.client_for(world.office)
    assert office.get(job_url).status_code == 404


def test_export_reports_its_progress_as_it_writes(
    world: World, suggestions: dict[str, Suggestion], monkeypatch: pytest.MonkeyPatch
) -> None:
    from zhongzhi.intake import exports

    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    filters = SuggestionFilters()
    rows = suggestion_list(world.office, filters)
    seen: list[tuple[int, int]] = []
    exports.suggestions_workbook(
        rows, {}, total=rows.count(), progress=lambda done, total: seen.append((done, total))
    )
    count = len(suggestions)
    assert seen[:count] == [(done, count) for done in range(1, count + 1)]
    assert seen[-1] == (count, count)
