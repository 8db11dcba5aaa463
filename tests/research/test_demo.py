"""The demo's research topics, as the office and a community see them."""

from django.urls import reverse

from tests.factories import demo_client
from zhongzhi.core.demo import DemoResult
from zhongzhi.research.models import ResearchTopic, TopicState


def test_one_topic_under_way_and_one_graded_with_its_report(demo: DemoResult) -> None:
    topics = ResearchTopic.objects.filter(campaign=demo.campaign).order_by("number")
    assert [t.state for t in topics] == [TopicState.APPROVED, TopicState.GRADED]
    graded = topics[1]
    assert graded.get_grade_display() == "良好" and graded.report_name.endswith(".docx")
    office = demo_client("office")
    listed = office.get(reverse("research:topics", args=[demo.campaign.pk])).content.decode()
    assert listed.count('data-testid="topic-row"') == 2
    report = office.get(reverse("research:report", args=[graded.pk]))
    assert report.status_code == 200
    mine = demo_client("hongdaolu").get(reverse("research:topics", args=[demo.campaign.pk]))
    assert mine.content.decode().count('data-testid="topic-row"') == 1
