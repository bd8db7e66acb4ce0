"""A household's history and derived fields: the bottom of the registry's writes.

Every registry write (services, procedures, imports) is audited on its household through :func:`household_audit`
— the household page's change history — and re-derives head and size through :func:`household_refresh`. This
module imports only the models and the audit log, so every writer can import it at top level.
"""

from __future__ import annotations

from typing import Any

from fupin.audit.services import audit_record
from fupin.core.actors import Actor
from fupin.core.scoping import scope_of

from .models import Household


def household_audit(actor: Actor | None, household: Household, action: str, changes: dict[str, list[Any]]) -> None:
    """Every registry write is audited on its household (entity registry.household, id = household number), which is
    also the household page's change history; nothing is written for no changes. The page shows ``action`` and the
    keys of ``changes`` in Chinese through ``fupin.audit.labels``: a new action needs its label there (a test reads
    the source), a key that is a model field is named by its verbose_name, any other key needs a word in its KEYS."""
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


def id_taken_message(actor: Actor | None, household_no: str) -> str:
    """The refusal for an ID number already registered in ``household_no``: the household is named only when it is
    inside the actor's area — otherwise the message would tell anyone where a person is registered."""
    if scope_of(actor).contains(household_no[:12]) or actor is None:
        return f"该身份证号已登记在户 {household_no}，一人只能属于一户；家庭成员变动请用迁移或分户功能"
    return "该身份证号已在其他地区登记，一人只能属于一户：请由上一级扶贫部门核实后处理"
