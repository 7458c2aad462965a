from django.urls import path

from .views import day, followups, monitoring, reviews, trainings, visits

app_name = "mentoring"

urlpatterns = [
    path("hari/<int:user_pk>/", day.facilitator_day_view, name="facilitator_day"),
    path("kunjungan/", visits.visit_list, name="visit_list"),
    path("kunjungan/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("kunjungan/<int:pk>/ubah/", visits.visit_edit, name="visit_edit"),
    path("kunjungan/foto/<int:pk>/", visits.visit_photo, name="visit_photo"),
    path("penerima-manfaat/<int:beneficiary_pk>/kunjungan/", visits.visit_create, name="visit_create"),
    path("kelompok/<int:group_pk>/sesi/", visits.group_session_create, name="group_session_create"),
    path("tindak-lanjut/", followups.followup_list, name="followup_list"),
    path("tindak-lanjut/<int:pk>/selesai/", followups.followup_done, name="followup_done"),
    path("penerima-manfaat/<int:beneficiary_pk>/tindak-lanjut/", followups.followup_create, name="followup_create"),
    path("pelatihan/", trainings.training_list, name="training_list"),
    path("pelatihan/baru/", trainings.training_create, name="training_create"),
    path("pelatihan/<int:pk>/", trainings.training_detail, name="training_detail"),
    path("pelatihan/<int:pk>/ubah/", trainings.training_edit, name="training_edit"),
    path("pelatihan/<int:pk>/kehadiran/", trainings.training_attendance, name="training_attendance"),
    path("monev/", monitoring.monitoring_index, name="monitoring_index"),
    path("monev/kelompok/<int:group_pk>/", monitoring.monitoring_group, name="monitoring_group"),
    path("monev/penerima-manfaat/<int:beneficiary_pk>/", monitoring.monitoring_create, name="monitoring_create"),
    path("monev/impor/", monitoring.monitoring_import, name="monitoring_import"),
    path("tinjauan/", reviews.review_list, name="review_list"),
    path("tinjauan/<int:pk>/dilihat/", reviews.review_seen, name="review_seen"),
]
