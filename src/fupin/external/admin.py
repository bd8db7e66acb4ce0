from django.contrib import admin

from fupin.core.admin_base import ProvinceOnlyReadOnlyAdmin, ScopedReadOnlyAdmin

from .models import Business, Death, Hukou, RealEstate, StatePayroll, SurveyHousehold, Vehicle

for model in (Vehicle, RealEstate, Business, StatePayroll, Death, Hukou):
    admin.site.register(model, ProvinceOnlyReadOnlyAdmin)


@admin.register(SurveyHousehold)
class SurveyHouseholdAdmin(ScopedReadOnlyAdmin):
    list_display = ("household_id", "village", "size", "income_per_capita")
