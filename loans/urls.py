from django.urls import path

from .views import grants, loans, proposals, reports

app_name = "loans"

urlpatterns = [
    path("", loans.loan_list, name="list"),
    path("<int:pk>/", loans.loan_detail, name="detail"),
    path("<int:pk>/rekening/", loans.loan_statement, name="statement"),
    path("<int:pk>/bayar/", loans.repayment_create, name="repayment_create"),
    path("<int:pk>/hapus-buku/", loans.loan_write_off, name="write_off"),
    path("pembayaran/<int:pk>/batalkan/", loans.repayment_reverse, name="repayment_reverse"),
    path("kelompok/<int:group_pk>/setoran/", loans.collection_sheet, name="collection_sheet"),
    path("usulan/", proposals.proposal_list, name="proposals"),
    path("usulan/baru/", proposals.proposal_create, name="proposal_create"),
    path("usulan/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("usulan/<int:pk>/ajukan/", proposals.proposal_submit, name="proposal_submit"),
    path("usulan/<int:pk>/putuskan/", proposals.proposal_decide, name="proposal_decide"),
    path("usulan/<int:pk>/cairkan/", proposals.proposal_disburse, name="proposal_disburse"),
    path("laporan/par/", reports.par_report, name="par"),
    path("laporan/tepat-waktu/", reports.on_time_report, name="on_time"),
    path("hibah/", grants.grant_list, name="grants"),
    path("hibah/baru/", grants.grant_create, name="grant_create"),
    path("hibah/<int:pk>/ubah/", grants.grant_edit, name="grant_edit"),
]
