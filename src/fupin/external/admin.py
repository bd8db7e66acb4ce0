from django.contrib import admin

from fupin.core.admin_base import ProvinceOnlyReadOnlyAdmin, ScopedReadOnlyAdmin

from .models import SurveyHousehold
from .services import KINDS

# every department snapshot the loader knows, province-wide and read-only (the survey sample is scoped, below)
for model in dict.fromkeys(k.model for k in KINDS.values() if k.model is not SurveyHousehold):
    admin.site.register(model, ProvinceOnlyReadOnlyAdmin)


@admin.register(SurveyHousehold)
class SurveyHouseholdAdmin(ScopedReadOnlyAdmin):
    list_display = ("household_id", "village", "size", "income_per_capita")
