app_name = "intake"
urlpatterns: list = []  # staff pages: see the intake helper
