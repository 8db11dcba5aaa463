app_name = "intake_entry"
urlpatterns: list = []  # paper forms (意见表) and meeting quick entry
