app_name = "mentoring"

# Pages arrive with the mentoring issue; the app is wired now so its URLs have a home.
urlpatterns = []
