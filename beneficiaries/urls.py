app_name = "beneficiaries"

# Pages arrive with the beneficiaries issue; the app is wired now so its URLs have a home.
urlpatterns = []
