app_name = "legal-api"
urlpatterns: list = []
