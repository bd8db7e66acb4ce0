"""An index for finding people by the last four digits of their ID number (registry.selectors.members_matching):
the expression SUBSTR(id_number, 15, 4) — numbers are stored as 18 characters — then the village, so the search
of a county or a province reads a few hundred index entries instead of 6.2 million rows.

``Member.Meta.indexes`` declares the same index.
"""

from django.db import migrations, models

# literal positions (not Substr, whose 15 and 4 become bound parameters): the same text in the index and in the
# query (registry.selectors._id_last4), which SQLite needs to use the index; PostgreSQL reads it as substr()
LAST4 = models.Index(
    models.Func(models.F("id_number"), template="SUBSTR(%(expressions)s, 15, 4)", output_field=models.CharField()),
    "village",
    name="member_id_last4",
)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_yearly_facts_and_overrides"),
    ]

    operations = [migrations.AddIndex(model_name="member", index=LAST4)]
