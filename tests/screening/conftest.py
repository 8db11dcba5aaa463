import pytest

from tests.conftest import World
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.services import suggestion_submit

STAIR_LIGHT = "红岛路4号楼道的声控灯坏了一个多月，晚上上下楼看不见，老人差点摔倒，请尽快修好。"
BENCHES = "金口一路的小公园里座椅太少，老人散步走累了没地方坐，建议增加几张长椅。"
SPAM = "低价代办各类证件，加微信咨询，量大从优。"


@pytest.fixture
def online(world: World) -> dict[str, Suggestion]:
    """Residents' suggestions from the public page: no unit yet."""
    made = {}
    for key, text in {"light": STAIR_LIGHT, "benches": BENCHES, "spam": SPAM}.items():
        made[key], _created = suggestion_submit(
            campaign=world.campaign, text=text, channel="online"
        )
    return made
