urlpatterns: list = []  # the django-ninja API is mounted here
