"""The demo's activities: a symposium per participant category, activities against the
plan, a matrix with filled and empty cells, one plan item flagged; run twice, no more."""

from zhongzhi.activities.demo import FLAGGED_ITEM, activities_demo_create
from zhongzhi.activities.models import Activity, BaseKind
from zhongzhi.activities.selectors import coverage_matrix, flagged_plan_items
from zhongzhi.campaigns.models import ParticipantCategory
from zhongzhi.core import clock
from zhongzhi.core.demo import DemoResult
from zhongzhi.org.models import User


def test_the_demo_matrix_has_filled_and_empty_cells_and_one_flag(demo: DemoResult) -> None:
    campaign = demo.campaign
    symposiums = Activity.objects.filter(campaign=campaign, kind__base=BaseKind.SYMPOSIUM)
    heard = set(symposiums.values_list("attendance__category__name", flat=True))
    assert heard >= set(
        ParticipantCategory.objects.filter(campaign=campaign).values_list("name", flat=True)
    )
    assert (
        Activity.objects.filter(
            campaign=campaign,
            kind__base__in=[BaseKind.LECTURE, BaseKind.STUDY],
            plan_item__isnull=False,
        ).count()
        >= 3
    )
    matrix = coverage_matrix(campaign)
    assert 0 < matrix.empty_cells < matrix.cell_count
    assert any(cell.activities for row in matrix.rows for cell in row.cells)
    assert [item.title for item in flagged_plan_items(campaign, clock.today())] == [FLAGGED_ITEM]
    count = Activity.objects.count()
    assert activities_demo_create(campaign, User.objects.get(username="office")) == 0
    assert Activity.objects.count() == count
