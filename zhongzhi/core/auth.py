from django.http import HttpRequest

from zhongzhi.org.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, in views behind `login_required`."""
    user = request.user
    assert isinstance(user, User), "view must be behind login_required"
    return user
