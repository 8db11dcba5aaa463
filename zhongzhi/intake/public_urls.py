app_name = "public"
urlpatterns: list = []  # resident pages: see the public-page helper
