"""Selection through HTTP with the personas: who reaches which page, the reviewer's
sheet with htmx saves, the office's progress and closing, the ranked list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from tests.intake.factories import SuggestionFactory
from tests.selection.conftest import Round, make_round, score_hand_example
from zhongzhi.analysis.models import SuggestionTriage
from zhongzhi.intake.models import Suggestion
from zhongzhi.screening.services.decisions import suggestion_decide
from zhongzhi.selection.models import RoundEntry, Score, SelectionRound
from zhongzhi.selection.services import entry_score, round_close

HX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, made: Round, *args: int) -> str:
    return reverse(f"selection:{name}", args=[made.round.pk, *args])


def scores(made: Round, *values: int) -> dict[str, int]:
    return {f"score-{cid}": v for cid, v in zip(made.criteria, values, strict=True)}


def test_the_screening_tabs_link_to_the_campaigns_rounds(world: World, open_round: Round) -> None:
    page = world.client_for(world.office).get(reverse("screening:sign", args=[world.campaign.pk]))
    rounds = reverse("selection:rounds", args=[world.campaign.pk])
    assert f'href="{rounds}"' in page.content.decode()
    listing = world.client_for(world.office).get(rounds).content.decode()
    assert "第一轮金点子评选" in listing and 'aria-current="page">金点子评选' in listing


def test_the_office_opens_a_round_through_the_page(
    world: World, ideas: dict[str, Suggestion]
) -> None:
    office = world.client_for(world.office)
    page = office.get(reverse("selection:rounds", args=[world.campaign.pk])).content.decode()
    assert "还没有金点子评选" in page and "目前整个活动有 5 条优秀金点子" in page
    assert "街道领导（八大关街道）" in page  # reviewers offered with their units
    response = office.post(
        reverse("selection:round_open", args=[world.campaign.pk]),
        {
            "name": "红岛路金点子评选",
            "unit": world.hongdaolu.pk,
            "criteria": "创新性\n可行性\n\n针对性",
            "top_n": 2,
            "reviewers": [world.leader.pk, world.office.pk],
        },
    )
    opened = SelectionRound.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "selection:round", args=[opened.pk]
    )
    assert [c.name for c in opened.criteria.all()] == ["创新性", "可行性", "针对性"]
    assert opened.entries.count() == 3 and opened.unit == world.hongdaolu
    page = office.get(response["Location"]).content.decode()
    assert "已开始评选：名单中有 3 条优秀金点子" in page
    assert page.count('data-testid="shortlist-row"') == 3
    for entry in opened.entries.select_related("suggestion"):
        assert f'<td data-testid="number">{entry.suggestion.number}</td>' in page


def test_opening_with_bad_input_shows_chinese_errors_and_opens_nothing(
    world: World, ideas: dict[str, Suggestion]
) -> None:
    office = world.client_for(world.office)
    response = office.post(
        reverse("selection:round_open", args=[world.campaign.pk]),
        {"name": "评选", "criteria": "创新性\n创新性", "top_n": 3},
    )
    assert response.status_code == 200
    assert "评分项“创新性”重复了。" in response.content.decode()
    response = office.post(
        reverse("selection:round_open", args=[world.campaign.pk]),
        {"name": "评选", "criteria": "创新性", "top_n": 0},
    )
    assert "确保该值大于或等于1" in response.content.decode()  # Django's own, in Chinese
    assert not SelectionRound.objects.exists()


def test_a_reviewer_scores_an_idea_with_htmx_and_sees_it_saved(
    world: World, open_round: Round
) -> None:
    leader = world.client_for(world.leader)
    page = leader.get(url("review", open_round)).content.decode()
    assert "已评 0 / 5" in page and page.count('data-testid="idea"') == 5
    entry = open_round.entry("A")
    response = leader.post(
        url("score", open_round, entry.pk), {**scores(open_round, 5, 4), "comment": "好"}, **HX
    )
    part = response.content.decode()
    assert response.status_code == 200 and 'data-testid="saved"' in part and "已保存" in part
    assert f'id="entry-{entry.pk}"' in part and 'value="5" checked' in part
    assert 'hx-swap-oob="true"' in part and "已评 1 / 5" in part
    assert Score.objects.filter(entry=entry, reviewer=world.leader).count() == 2
    # changed later: still one score per criterion
    leader.post(url("score", open_round, entry.pk), scores(open_round, 3, 3), **HX)
    assert sorted(Score.objects.filter(entry=entry).values_list("value", flat=True)) == [3, 3]
    # without JavaScript: back to the idea on the page, with a message
    response = leader.post(url("score", open_round, entry.pk), scores(open_round, 4, 4))
    assert response.status_code == 302 and response["Location"].endswith(f"#entry-{entry.pk}")


def test_the_reviewer_sheet_shows_the_text_and_triage_score_and_reasons(
    world: World, open_round: Round
) -> None:
    suggestion = open_round.entry("B").suggestion
    SuggestionTriage.objects.create(
        suggestion=suggestion,
        campaign=world.campaign,
        group=suggestion.pk,
        score=82,
        reasons=["写明了地点", "提出了具体做法"],
        triaged_at=timezone.now(),
    )
    page = world.client_for(world.hongdaolu_coordinator).get(url("review", open_round))
    idea = page.content.decode().split(f'id="entry-{open_round.entry("B").pk}"')[1]
    idea = idea.split("</article>")[0]
    assert "利用闲置的居委会一楼开设社区老年食堂" in idea and "社区食堂" in idea
    assert "可办性 82" in idea and "写明了地点；提出了具体做法" in idea
    assert "创新性" in idea and "可行性" in idea


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((5, 0), "评分须为 1 到 5 分"),
        ((6, 4), "评分须为 1 到 5 分"),
        (("x", 4), "评分须为 1 到 5 分的整数"),
    ],
)
def test_bad_scores_over_http_show_a_chinese_error_and_change_nothing(
    world: World, open_round: Round, values: tuple, message: str
) -> None:
    leader = world.client_for(world.leader)
    entry = open_round.entry("A")
    response = leader.post(url("score", open_round, entry.pk), scores(open_round, *values), **HX)
    part = response.content.decode()
    assert response.status_code == 200 and message in part and 'data-testid="saved"' not in part
    assert not Score.objects.exists()


def test_a_criterion_of_another_round_over_http_is_refused(
    world: World, ideas: dict[str, Suggestion], open_round: Round
) -> None:
    other = make_round(world, ideas, reviewers=[world.leader], name="第二轮")
    leader = world.client_for(world.leader)
    data = {f"score-{open_round.criteria[0]}": 4, f"score-{other.criteria[1]}": 4}
    response = leader.post(url("score", open_round, open_round.entry("A").pk), data, **HX)
    assert "有评分项不属于这一轮评选" in response.content.decode()
    assert not Score.objects.exists()


def test_an_entry_of_another_round_is_a_404(
    world: World, ideas: dict[str, Suggestion], open_round: Round
) -> None:
    other = make_round(world, ideas, reviewers=[world.leader], name="第二轮")
    response = world.client_for(world.leader).post(
        url("score", open_round, other.entry("A").pk), scores(open_round, 4, 4)
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["office", "jinkoulu_coordinator", "supervisor"])
def test_who_is_not_named_a_reviewer_gets_a_404_on_the_sheet(
    world: World, open_round: Round, persona: str
) -> None:
    client = world.client_for(getattr(world, persona))
    entry = open_round.entry("A")
    assert client.get(url("review", open_round)).status_code == 404
    response = client.post(url("score", open_round, entry.pk), scores(open_round, 5, 5))
    assert response.status_code == 404
    assert not Score.objects.exists()


@pytest.mark.parametrize(
    "persona", ["leader", "hongdaolu_coordinator", "jinkoulu_coordinator", "supervisor"]
)
def test_only_the_office_sets_up_and_closes_a_round(
    world: World, ideas: dict[str, Suggestion], open_round: Round, persona: str
) -> None:
    client = world.client_for(getattr(world, persona))
    entry = open_round.entry("A")
    posts = [
        (reverse("selection:round_open", args=[world.campaign.pk]), {"name": "x", "criteria": "a"}),
        (url("round_update", open_round), {"name": "改名", "top_n": 3}),
        (url("criteria", open_round), {"criteria": "创新性"}),
        (url("reviewers", open_round), {"reviewers": [world.leader.pk]}),
        (url("entry_add", open_round), {"receipt_code": ideas["received"].receipt_code}),
        (url("entry_remove", open_round, entry.pk), {}),
        (url("round_close", open_round), {}),
    ]
    for target, data in posts:
        assert client.post(target, data).status_code == 404, target
    assert client.get(url("round", open_round)).status_code == 404  # results: not yet
    assert RoundEntry.objects.filter(pk=entry.pk).exists()
    assert SelectionRound.objects.get().is_open


def test_the_rounds_list_shows_each_persona_what_they_may_open(
    world: World, open_round: Round
) -> None:
    rounds = reverse("selection:rounds", args=[world.campaign.pk])
    leader = world.client_for(world.leader).get(rounds).content.decode()
    assert "去评分" in leader and "管理" not in leader and "开始新一轮评选" not in leader
    jkl = world.client_for(world.jinkoulu_coordinator).get(rounds).content.decode()
    assert 'data-testid="no-rounds"' in jkl and "第一轮金点子评选" not in jkl
    office = world.client_for(world.office).get(rounds).content.decode()
    assert "管理" in office and "去评分" not in office and "开始新一轮评选" in office


def test_the_office_sees_each_reviewers_progress(world: World, scored_round: Round) -> None:
    page = world.client_for(world.office).get(url("round", scored_round)).content.decode()
    progress = page.split('data-testid="reviewer-progress"')[1].split("</table>")[0]
    assert progress.count('data-testid="progress-row"') == 2
    assert "街道领导</td><td>已评 4 / 5" in progress
    assert "街道办公室</td><td>已评 4 / 5" in progress
    assert "评审人已经开始评分" in page and 'data-testid="add-form"' not in page


def test_closing_over_http_shows_the_ranked_list_with_ties_and_the_chosen(
    world: World, ideas: dict[str, Suggestion], scored_round: Round
) -> None:
    office = world.client_for(world.office)
    response = office.post(url("round_close", scored_round))
    assert response.status_code == 302
    page = office.get(url("round", scored_round)).content.decode()
    assert "评选已结束：2 条金点子入选" in page
    rows = [r.split("</tr>")[0] for r in page.split('data-testid="result-row"')[1:]]
    codes = [ideas[k].receipt_code_display for k in "ABCDE"]
    assert [next(c for c in codes if c in row) for row in rows] == codes
    assert all("并列" in row for row in rows[:2]) and "并列" not in rows[2]
    assert '<td data-testid="mean">4.50</td>' in rows[0]
    assert '<td data-testid="spread">0.71</td>' in rows[2]
    assert [("入选" in row.split('data-testid="chosen"')[1]) for row in rows] == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert "未评分" in rows[4]


def test_leaders_read_closed_results_and_reviewers_who_are_not_leaders_do_not(
    world: World, ideas: dict[str, Suggestion]
) -> None:
    made = make_round(world, ideas, reviewers=[world.office, world.hongdaolu_coordinator])
    entry_score(
        entry_id=made.entry("A").pk, reviewer=world.office, values=dict.fromkeys(made.criteria, 4)
    )
    leader = world.client_for(world.leader)
    hdl = world.client_for(world.hongdaolu_coordinator)
    for name in ("round", "results_xlsx", "results_docx"):
        assert leader.get(url(name, made)).status_code == 404  # open: not yet
    round_close(round_id=made.round.pk, actor=world.office)
    for name in ("round", "results_xlsx", "results_docx"):
        assert leader.get(url(name, made)).status_code == 200
        assert hdl.get(url(name, made)).status_code == 404
        assert world.client_for(world.supervisor).get(url(name, made)).status_code == 404
    page = leader.get(url("round", made)).content.decode()
    assert 'data-testid="results"' in page and 'data-testid="close-form"' not in page


def test_a_score_after_closing_is_refused_in_chinese_and_the_sheet_is_locked(
    world: World, ideas: dict[str, Suggestion]
) -> None:
    made = make_round(world, ideas, reviewers=[world.leader, world.office])
    score_hand_example(world, made)
    round_close(round_id=made.round.pk, actor=world.office)
    leader = world.client_for(world.leader)
    page = leader.get(url("review", made)).content.decode()
    assert 'data-testid="closed-note"' in page and "评分已锁定" in page
    assert "disabled" in page.split('data-testid="idea"')[1]
    entry = made.entry("C")
    response = leader.post(url("score", made, entry.pk), scores(made, 5, 5), **HX)
    assert "结果已确定，不能再修改" in response.content.decode()
    assert sorted(Score.objects.filter(entry=entry).values_list("value", flat=True)) == [3, 4, 4, 5]


def test_the_office_edits_the_shortlist_and_criteria_through_the_page(
    world: World, ideas: dict[str, Suggestion], open_round: Round
) -> None:
    office = world.client_for(world.office)
    office.post(url("entry_remove", open_round, open_round.entry("D").pk))
    office.post(url("entry_add", open_round), {"receipt_code": ideas["received"].receipt_code})
    office.post(url("criteria", open_round), {"criteria": "针对性\n创新性"})
    page = office.get(url("round", open_round)).content.decode()
    assert f"已把 {ideas['D'].receipt_code_display} 移出评选名单" in page
    assert ideas["received"].receipt_code_display in page.split('data-testid="shortlist"')[1]
    assert [c.name for c in open_round.round.criteria.all()] == ["针对性", "创新性"]
    response = office.post(url("entry_add", open_round), {"receipt_code": "ZZZZ-2345Y"})
    page = office.get(response["Location"]).content.decode()
    assert "这个活动里没有回执号为 ZZZZ-2345Y 的建议" in page


def test_the_reviewer_sheet_takes_the_same_queries_for_more_ideas(
    world: World, ideas: dict[str, Suggestion], open_round: Round
) -> None:
    leader = world.client_for(world.leader)
    leader.get(url("review", open_round))  # warm the session and the catalogue
    with CaptureQueriesContext(connection) as few:
        assert leader.get(url("review", open_round)).status_code == 200
    for _ in range(6):
        more = SuggestionFactory(campaign=world.campaign, unit=world.hongdaolu)
        more = suggestion_decide(suggestion=more, decision="excellent", actor=world.office)
        RoundEntry.objects.create(round=open_round.round, suggestion=more)
    with CaptureQueriesContext(connection) as many:
        page = leader.get(url("review", open_round)).content.decode()
    assert page.count('data-testid="idea"') == 11
    assert len(many) == len(few)
