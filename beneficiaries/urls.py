from django.urls import path

from .views import conflicts, duplicates, export, imports, registry

app_name = "beneficiaries"

urlpatterns = [
    path("", registry.beneficiary_list, name="list"),
    path("saya/", registry.my_beneficiaries, name="mine"),
    path("cari/", registry.beneficiary_search, name="search"),
    path("baru/", registry.beneficiary_create, name="create"),
    path("penugasan/", registry.assign_caseload, name="assign"),
    path("ekspor/<str:fmt>/", export.beneficiary_export, name="export"),
    path("duplikat/", duplicates.duplicate_list, name="duplicates"),
    path("duplikat/<int:first>/<int:second>/", duplicates.duplicate_compare, name="duplicate_compare"),
    path("duplikat/<int:first>/<int:second>/gabung/", duplicates.duplicate_merge, name="duplicate_merge"),
    path("duplikat/<int:first>/<int:second>/bukan/", duplicates.duplicate_dismiss, name="duplicate_dismiss"),
    path("konflik/", conflicts.conflict_list, name="conflicts"),
    path("konflik/<int:pk>/", conflicts.conflict_detail, name="conflict_detail"),
    path("impor/", imports.import_list, name="import_list"),
    path("impor/baru/", imports.import_create, name="import_create"),
    path("impor/templat.<str:fmt>", imports.import_template, name="import_template"),
    path("impor/<int:pk>/", imports.import_detail, name="import_detail"),
    path("impor/<int:pk>/progres/", imports.import_progress, name="import_progress"),
    path("impor/<int:pk>/simpan/", imports.import_commit, name="import_commit"),
    path("impor/<int:pk>/petakan/", imports.import_map, name="import_map"),
    path("impor/<int:pk>/periksa-ulang/", imports.import_recheck, name="import_recheck"),
    path("impor/<int:pk>/berkas/", imports.import_file, name="import_file"),
    path("impor/<int:pk>/berkas-kesalahan/", imports.import_error_file, name="import_error_file"),
    path("<int:pk>/", registry.beneficiary_detail, name="detail"),
    path("<int:pk>/ubah/", registry.beneficiary_edit, name="edit"),
    path("<int:pk>/identitas/", registry.reveal_identifiers, name="reveal_identifiers"),
    path("<int:pk>/program/", registry.enrol_in_programme, name="enrol"),
    path("<int:pk>/program/<int:enrolment_pk>/status/", registry.enrolment_status, name="enrolment_status"),
    path("<int:pk>/usaha/baru/", registry.business_create, name="business_create"),
    path("usaha/<int:business_pk>/ubah/", registry.business_edit, name="business_edit"),
    path("usaha/<int:business_pk>/status/", registry.business_status, name="business_status"),
    path("usaha/<int:business_pk>/izin/", registry.permit_create, name="permit_create"),
    path("usaha/<int:business_pk>/online/", registry.online_create, name="online_create"),
]
