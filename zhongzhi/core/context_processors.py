from django.http import HttpRequest

from zhongzhi.org.access import changeable_units


def navigation(request: HttpRequest) -> dict[str, bool]:
    """What the top bar offers: the import page only to those who may change units."""
    user = request.user
    return {"can_import": user.is_authenticated and changeable_units(user).exists()}
