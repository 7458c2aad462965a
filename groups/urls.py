from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("baru/", views.group_create, name="create"),
    path("cari/", views.group_search, name="search"),
    path("<int:pk>/", views.group_detail, name="detail"),
    path("<int:pk>/ubah/", views.group_edit, name="edit"),
    path("<int:pk>/status/", views.group_status, name="status"),
    path("<int:pk>/anggota/", views.group_members, name="members"),
    path("<int:pk>/anggota/cari/", views.member_candidates, name="candidates"),
    path("<int:pk>/anggota/tambah/", views.member_add, name="member_add"),
    path("<int:pk>/anggota/<int:membership_pk>/keluar/", views.member_remove, name="member_remove"),
    path("<int:pk>/pengurus/", views.officers_set, name="officers"),
    path("<int:pk>/pertemuan/", views.meeting_list, name="meetings"),
    path("<int:pk>/pertemuan/baru/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/pertemuan/<int:meeting_pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/kesepakatan/", views.agreement_create, name="agreements"),
]
