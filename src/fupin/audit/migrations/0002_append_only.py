"""The audit table refuses UPDATE and DELETE in the database itself (PostgreSQL and SQLite), whoever connects."""

from django.db import migrations

MESSAGE = "审计记录只能追加，不能修改或删除"
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION fupin_audit_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
        FOR EACH ROW EXECUTE FUNCTION fupin_audit_append_only()""",
]
SQLITE = [
    f"CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
DROP = {
    "postgresql": ["DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry",
                   "DROP FUNCTION IF EXISTS fupin_audit_append_only()"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_entry_no_update", "DROP TRIGGER IF EXISTS audit_entry_no_delete"],
}


def statements(vendor, *, create):
    return ({"postgresql": POSTGRES, "sqlite": SQLITE} if create else DROP).get(vendor, [])


def create(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
