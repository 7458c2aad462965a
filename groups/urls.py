app_name = "groups"

# Pages arrive with the groups issue; the app is wired now so its URLs have a home.
urlpatterns = []
