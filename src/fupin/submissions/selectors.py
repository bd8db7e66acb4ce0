from __future__ import annotations

from django.db.models import QuerySet

from fupin.core import scoping
from fupin.core.actors import Actor

from .models import Outcome, Submission


def submissions_of(*, viewer: Actor, refused_only: bool = False) -> QuerySet[Submission]:
    """The viewer's own submissions (newest first); ``refused_only``: those sent back, to be entered again."""
    qs = scoping.scoped(Submission, viewer).filter(user_id=viewer.pk)
    return qs.filter(outcome=Outcome.REFUSED) if refused_only else qs


def submissions_in_area(*, viewer: Actor, refused_only: bool = False) -> QuerySet[Submission]:
    """Everyone's submissions within the viewer's area (for the officers who review what devices sent)."""
    qs = scoping.scoped(Submission, viewer).select_related("user")
    return qs.filter(outcome=Outcome.REFUSED) if refused_only else qs
