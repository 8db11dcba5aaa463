from django.http import HttpRequest

from zhongzhi.essays.access import essay_writer
from zhongzhi.org.access import changeable_units, user_memberships


def navigation(request: HttpRequest) -> dict[str, bool]:
    """What the top bar offers: the import page only to those who may change units;
    essays to whoever holds a role (no query: the roles are loaded already) or, failing
    that, has an essay to write."""
    user = request.user
    return {
        "can_import": user.is_authenticated and changeable_units(user).exists(),
        "essays_nav": user.is_authenticated
        and (bool(user_memberships(user)) or essay_writer(user)),
    }
