"""A household's history and derived fields: the bottom of the registry's writes.

Every registry write (services, procedures, imports) is audited on its household through :func:`household_audit`
— the household page's change history — and re-derives head and size through :func:`household_refresh`. This
module imports only the models and the audit log, so every writer can import it at top level.
"""

from __future__ import annotations

from typing import Any

from fupin.audit.services import audit_record
from fupin.core.actors import Actor

from .models import Household


def household_audit(actor: Actor | None, household: Household, action: str, changes: dict[str, list[Any]]) -> None:
    """Every registry write is audited on its household (entity registry.household, id = household number), which is
    also the household page's change history; nothing is written for no changes."""
    if changes:
        audit_record(
            actor=actor,
            action=action,
            entity=household,
            entity_type="registry.household",
            entity_id=household.household_no,
            changes=changes,
        )


def household_refresh(household: Household) -> tuple[str, int]:
    """Head's name and size (living members) derived again from the members; saved only when they changed."""
    head = household.members.filter(relation="户主").values_list("name", flat=True).first() or ""
    size = household.members.filter(deceased_on__isnull=True).count()
    if (head, size) != (household.head_name, household.size):
        household.head_name, household.size = head, size
        household.save(update_fields=["head_name", "size"])
    return head, size
