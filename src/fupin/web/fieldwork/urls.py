from django.urls import path

from . import views

urlpatterns = [
    path("field/", views.field_home, name="field-home"),
    path("field/log/new/", views.log_new, name="field-log-new"),
    path("field/log/<int:log_id>/", views.log_edit, name="field-log-edit"),
    path("field/requests/new/", views.request_new, name="field-request-new"),
    path("field/requests/<int:request_id>/", views.request_detail, name="field-request"),
    path("field/leave/new/", views.leave_new, name="field-leave-new"),
    path("field/leave/<int:leave_id>/", views.leave_detail, name="field-leave"),
    path("field/leaves/", views.leaves, name="field-leaves"),
    path("field/overview/", views.overview, name="field-overview"),
    path("field/adjustments/", views.adjustments, name="field-adjustments"),
    path("field/adjustments/new/<int:posting_id>/", views.adjustment_new, name="field-adjustment-new"),
    path("field/postings/<int:posting_id>/", views.posting_detail, name="field-posting"),
    path("field/ratings/", views.ratings, name="field-ratings"),
    path("field/red-lines/", views.red_lines, name="field-red-lines"),
    path("field/referrals/", views.referrals, name="field-referrals"),
    path("field/guidance/", views.guidance, name="field-guidance"),
    path("field/guidance/<int:guidance_id>/", views.guidance_detail, name="field-guidance-detail"),
    path("field/guidance/items/<int:item_id>/done/", views.guidance_done_view, name="field-guidance-done"),
    path("field/violations/<int:violation_id>/statement/", views.violation_statement_view, name="field-statement"),
]
