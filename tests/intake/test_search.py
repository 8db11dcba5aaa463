"""The staff search finds what staff type, through HTTP with the personas of conftest.

Traditional and Simplified, full and half width fold alike on both sides (the stored
text, `Suggestion.search_text`, and the query); a receipt code with or without its
dash opens that suggestion, if the user may see it, and is an ordinary search with no
result if not.
"""

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import World
from tests.intake.factories import SuggestionFactory
from zhongzhi.intake.folding import search_document
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.receipt_codes import new_receipt_code
from zhongzhi.intake.search import MAX_TERMS, fold_query, search_terms

LIST = reverse("intake:list")
NOTHING_FOUND = "没有符合条件的意见建议"


def listed(client: Client, **params: Any) -> set[str]:
    """Receipt codes on the list page for these filters."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    html = response.content.decode()
    return {
        s.receipt_code_display for s in Suggestion.objects.all() if s.receipt_code_display in html
    }


def codes(*items: Suggestion) -> set[str]:
    return {item.receipt_code_display for item in items}


@pytest.fixture
def lamps(world: World) -> dict[str, Suggestion]:
    return {
        "simplified": SuggestionFactory(
            campaign=world.campaign,
            unit=world.hongdaolu,
            text="红岛路3号楼楼道的声控灯坏了，晚上上下楼看不见。",
        ),
        "traditional": SuggestionFactory(
            campaign=world.campaign,
            unit=world.jinkoulu,
            title="關於樓道照明",
            text="金口路小區樓道裡的聲控燈壞了兩個月，請物業維修。",
        ),
        "width": SuggestionFactory(
            campaign=world.campaign,
            unit=world.hongdaolu,
            text="ＡＢＣ幼儿园门口１２路公交站没有候车亭。",
        ),
    }


# --- folding both sides -----------------------------------------------------------------


def test_traditional_query_finds_the_simplified_text_and_the_traditional_one(
    world: World, lamps: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.office)
    assert listed(client, q="聲控燈") == codes(lamps["simplified"], lamps["traditional"])


def test_simplified_query_finds_a_text_written_in_traditional(
    world: World, lamps: dict[str, Suggestion]
) -> None:
    client = world.client_for(world.office)
    assert listed(client, q="小区楼道") == codes(lamps["traditional"])
    assert listed(client, q="关于楼道照明") == codes(lamps["traditional"])  # the title
    assert listed(client, q="灯坏了") == codes(lamps["simplified"], lamps["traditional"])


def test_full_and_half_width_find_each_other(world: World, lamps: dict[str, Suggestion]) -> None:
    client = world.client_for(world.office)
    assert listed(client, q="abc幼儿园") == codes(lamps["width"])
    assert listed(client, q="12路公交站") == codes(lamps["width"])
    assert listed(client, q="１２路") == codes(lamps["width"])
    hall = SuggestionFactory(campaign=world.campaign, text="社区WiFi信号太弱，希望加装路由器。")
    assert listed(client, q="ＷＩＦＩ信号") == codes(hall)


def test_short_terms_are_folded_too(world: World, lamps: dict[str, Suggestion]) -> None:
    # One or two characters: the substring scan, on the folded text as well.
    client = world.client_for(world.office)
    assert listed(client, q="燈") == codes(lamps["simplified"], lamps["traditional"])
    assert listed(client, q="ＡＢ") == codes(lamps["width"])


def test_folded_search_keeps_the_scope(world: World, lamps: dict[str, Suggestion]) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    assert listed(client, q="聲控燈") == codes(lamps["simplified"])


def test_greetings_and_long_numbers_can_still_be_searched(world: World) -> None:
    # The search folds letters and digits only: normalise's boilerplate and number rules
    # would make these unfindable.
    letter = SuggestionFactory(
        campaign=world.campaign, text="尊敬的领导您好！快递单号773012345678901一直没有送到。谢谢"
    )
    client = world.client_for(world.office)
    assert listed(client, q="尊敬的领导") == codes(letter)
    assert listed(client, q="773012345678901") == codes(letter)
    assert listed(client, q="謝謝") == codes(letter)


def test_the_search_text_follows_the_title_and_text(world: World) -> None:
    suggestion = SuggestionFactory(campaign=world.campaign, title="路燈", text="路燈不亮")
    assert suggestion.search_text == "路灯 路灯不亮"
    stored = Suggestion.objects.get(pk=suggestion.pk)
    assert stored.search_text == search_document("路燈", "路燈不亮")
    stored.text = "臺東路的紅綠燈"
    stored.save()
    client = world.client_for(world.office)
    assert listed(client, q="台东路的红绿灯") == codes(suggestion)
    assert listed(client, q="路灯不亮") == set()
    stored.text = "台东路的红绿灯"  # nothing to fold: the index reads the text itself
    stored.save()
    assert Suggestion.objects.get(pk=suggestion.pk).search_text == "路灯 台东路的红绿灯"
    stored.title = ""
    stored.save()
    assert Suggestion.objects.get(pk=suggestion.pk).search_text == ""
    assert listed(client, q="臺東路的紅綠燈") == codes(suggestion)
    assert listed(client, q="路灯") == set()


def test_most_texts_need_no_folded_copy(world: World) -> None:
    plain = SuggestionFactory(
        campaign=world.campaign, text="A市小区路灯坏了，（2019年）望尽快解决！"
    )
    assert Suggestion.objects.get(pk=plain.pk).search_text == ""
    client = world.client_for(world.office)
    assert listed(client, q="a市小区") == codes(plain)
    assert listed(client, q="Ａ市") == codes(plain)


# --- receipt codes ----------------------------------------------------------------------


def test_a_receipt_code_with_its_dash_opens_the_suggestion(
    world: World, lamps: dict[str, Suggestion]
) -> None:
    wanted = lamps["traditional"]
    response = world.client_for(world.office).get(LIST, {"q": wanted.receipt_code_display})
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:detail", args=[wanted.pk])


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code.lower(),  # abcd2345k
        lambda code: f"{code[:4].lower()}-{code[4:]}",  # abcd-2345K
        lambda code: f"  {code[:4]} {code[4:]}  ",  # spaces around and inside
        lambda code: code.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),  # full width
    ],
)
def test_a_receipt_code_without_its_dash_or_in_any_case_opens_the_suggestion(
    world: World, lamps: dict[str, Suggestion], typed: Any
) -> None:
    wanted = lamps["simplified"]
    client = world.client_for(world.hongdaolu_coordinator)
    response = client.get(LIST, {"q": typed(wanted.receipt_code)})
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:detail", args=[wanted.pk])
    assert client.get(response["Location"]).status_code == 200


def test_a_receipt_code_typed_in_the_live_search_box_opens_the_whole_page(
    world: World, lamps: dict[str, Suggestion]
) -> None:
    # htmx asks for the results box as staff type; the answer sends the page away.
    wanted = lamps["simplified"]
    response = world.client_for(world.office).get(
        LIST,
        {"q": wanted.receipt_code.lower()},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("intake:detail", args=[wanted.pk])


def test_a_receipt_code_outside_the_scope_is_a_search_that_finds_nothing(
    world: World, lamps: dict[str, Suggestion]
) -> None:
    # 金口路's suggestion, asked for by the coordinator of 红岛路: the same page as for
    # a code that does not exist.
    sibling = lamps["traditional"]
    client = world.client_for(world.hongdaolu_coordinator)
    for typed in (sibling.receipt_code_display, sibling.receipt_code.lower()):
        response = client.get(LIST, {"q": typed})
        assert response.status_code == 200
        html = response.content.decode()
        assert NOTHING_FOUND in html
        assert reverse("intake:detail", args=[sibling.pk]) not in html
    unknown = new_receipt_code()
    assert client.get(LIST, {"q": unknown}).status_code == 200
    assert listed(client, q=sibling.receipt_code) == set()


def test_a_receipt_code_in_the_text_is_found_by_an_ordinary_search(world: World) -> None:
    # A code that opens nothing (no such suggestion) is searched for like any word.
    mentioned = new_receipt_code()
    note = SuggestionFactory(campaign=world.campaign, text=f"我上次的回执号是{mentioned}，还没答复")
    client = world.client_for(world.office)
    assert listed(client, q=mentioned.lower()) == codes(note)


def test_a_signed_out_visitor_is_sent_to_login_not_to_the_suggestion(
    lamps: dict[str, Suggestion],
) -> None:
    response = Client().get(LIST, {"q": lamps["simplified"].receipt_code})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert reverse("intake:detail", args=[lamps["simplified"].pk]) not in response["Location"]


# --- the query's folding ----------------------------------------------------------------


def test_the_query_is_folded_as_the_stored_text() -> None:
    assert fold_query("聲控燈") == "声控灯"
    assert fold_query("ＡＢＣ") == "abc"
    assert fold_query("１２３号") == "123号"
    assert search_terms("聲控燈\u3000ＡＢＣ  聲控燈") == ["声控灯", "abc"]


@given(st.text(max_size=300))
def test_folding_a_query_is_idempotent(query: str) -> None:
    folded = fold_query(query)
    assert fold_query(folded) == folded
    terms = search_terms(query)
    assert search_terms(" ".join(terms)) == terms
    assert len(terms) <= MAX_TERMS


@given(st.text(), st.text(), st.text())
def test_a_folded_term_is_found_in_the_document_of_the_text_it_came_from(
    before: str, term: str, after: str
) -> None:
    # What makes the index and the query agree: folding a part of a text gives a part
    # of the folded text (the document is the title and text themselves when folding
    # changes nothing).
    text = f"{before}{term}{after}"
    document = search_document("", text) or f" {text}"
    assert fold_query(term) in document


# --- rows written before the folded search ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_migration_are_folded_by_it(world: World) -> None:
    before, after = ("intake", "0004_screening"), ("intake", "0005_search_folded_text")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old_apps = executor.loader.project_state([before]).apps
    old = old_apps.get_model("intake", "Suggestion").objects.create(
        campaign_id=world.campaign.pk,
        unit_id=world.hongdaolu.pk,
        receipt_code=new_receipt_code(),
        title="樓道照明",
        text="樓道裡的聲控燈壞了，ＡＢＣ幼兒園門口也是。",
        channel="online",
        submitted_at="2026-09-10T10:00:00+08:00",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert after in executor.recorder.applied_migrations()

    client = world.client_for(world.office)
    assert listed(client, q="声控灯") == {f"{old.receipt_code[:4]}-{old.receipt_code[4:]}"}
    assert listed(client, q="abc幼儿园") == {f"{old.receipt_code[:4]}-{old.receipt_code[4:]}"}
    new = SuggestionFactory(campaign=world.campaign, text="新的声控灯也坏了")
    assert listed(client, q="聲控燈") == {
        f"{old.receipt_code[:4]}-{old.receipt_code[4:]}",
        new.receipt_code_display,
    }
