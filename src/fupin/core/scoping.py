"""Area scope: the one place that decides which rows a viewer may see.

Every model that holds area-bound data registers the column that carries its 12-digit area code. Selectors
call :func:`scoped` so no read escapes the viewer's area; a table-driven test walks the registry and proves
that an out-of-scope row is invisible to every role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from . import codes
from .actors import Actor

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """Inclusive code range; ``everything`` for superusers, ``nothing`` for anonymous or unbound users."""

    lo: str | None
    hi: str | None
    everything: bool = False

    @classmethod
    def all(cls) -> Scope:
        return cls(None, None, everything=True)

    @classmethod
    def none(cls) -> Scope:
        return cls(None, None)

    @classmethod
    def of_area(cls, code: str, level: int | None = None) -> Scope:
        lo, hi = codes.code_range(code, level)
        return cls(lo, hi)

    @property
    def is_empty(self) -> bool:
        return not self.everything and self.lo is None

    def contains(self, code: str | None) -> bool:
        if self.everything:
            return True
        if code is None or self.lo is None or self.hi is None:
            return False
        return self.lo <= code <= self.hi

    def q(self, code_field: str) -> Q:
        if self.everything:
            return Q()
        if self.lo is None:
            return Q(pk__in=[])
        return Q(**{f"{code_field}__gte": self.lo, f"{code_field}__lte": self.hi})


def scope_of(viewer: Actor | None) -> Scope:
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return Scope.none()
    if viewer.is_superuser:
        return Scope.all()
    code = viewer.scope_code
    if not code:
        return Scope.none()
    return Scope.of_area(code, viewer.scope_level)


# model -> name of the column (or lookup path) that holds the row's 12-digit area code
_REGISTRY: dict[type[models.Model], str] = {}
# models that hold no area-bound data, each with the reason
_EXEMPT: dict[type[models.Model], str] = {}


def register(code_field: str) -> Callable[[type[M]], type[M]]:
    def decorate(model: type[M]) -> type[M]:
        _REGISTRY[model] = code_field
        return model

    return decorate


def exempt(reason: str) -> Callable[[type[M]], type[M]]:
    def decorate(model: type[M]) -> type[M]:
        _EXEMPT[model] = reason
        return model

    return decorate


def registered() -> dict[type[models.Model], str]:
    return dict(_REGISTRY)


def exempted() -> dict[type[models.Model], str]:
    return dict(_EXEMPT)


def code_field_of(model: type[models.Model]) -> str:
    try:
        return _REGISTRY[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not registered for area scoping") from None


def scoped(source: type[M] | QuerySet[M], viewer: Actor | None) -> QuerySet[M]:
    """The rows of ``source`` inside the viewer's area."""
    qs: QuerySet[M] = source.objects.all() if isinstance(source, type) else source  # type: ignore[attr-defined]
    return qs.filter(scope_of(viewer).q(code_field_of(qs.model)))


def code_of(obj: models.Model) -> str | None:
    """The area code of one registered object (follows ``__`` paths)."""
    value: Any = obj
    for part in code_field_of(type(obj)).split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return str(value)
