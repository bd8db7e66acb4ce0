from django.contrib import admin

from fupin.core.admin_base import ProvinceOnlyReadOnlyAdmin, ScopedReadOnlyAdmin

from .models import (
    Assistance,
    Business,
    Death,
    DisabilityCertificate,
    HousingAppraisal,
    Hukou,
    MedicalInsured,
    RealEstate,
    SchoolEnrolment,
    StatePayroll,
    SurveyHousehold,
    Vehicle,
)

for model in (Vehicle, RealEstate, Business, StatePayroll, Death, Hukou, SchoolEnrolment, MedicalInsured,
              HousingAppraisal, Assistance, DisabilityCertificate):  # fmt: skip
    admin.site.register(model, ProvinceOnlyReadOnlyAdmin)


@admin.register(SurveyHousehold)
class SurveyHouseholdAdmin(ScopedReadOnlyAdmin):
    list_display = ("household_id", "village", "size", "income_per_capita")
