from django.urls import path

from . import views

urlpatterns = [
    path("party/", views.overview, name="party-overview"),
    path("party/village/<str:code>/", views.village, name="party-village"),
    path("party/seats/<int:seat_id>/end/", views.seat_end, name="party-seat-end"),
    path("party/people/<int:person_id>/id-number/", views.person_id_number, name="party-person-id-number"),
    path("party/reserves/<int:reserve_id>/remove/", views.reserve_remove, name="party-reserve-remove"),
    path("party/elections/<int:election_id>/", views.election, name="party-election"),
    path("party/adjustments/", views.adjustments, name="party-adjustments"),
    path("party/weak/", views.weak, name="party-weak"),
    path("party/weak/<int:case_id>/", views.case, name="party-case"),
]
