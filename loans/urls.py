app_name = "loans"

# Pages arrive with the loans issue; the app is wired now so its URLs have a home.
urlpatterns = []
