from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.cache import caches
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from fupin.areas.models import Area
from fupin.audit.services import audit_record, diff, snapshot
from fupin.core import codes
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.core.permissions import require

from .choices import OFFICER_ROLES, Department, Role
from .models import ROLE_LEVEL, User

USER_FIELDS = ("username", "display_name", "phone", "role", "department", "area_id", "is_active", "is_staff")


def _check_role_area(role: str, area: Area) -> None:
    if role not in Role.values:
        raise ValidationError(f"角色“{role}”无效")
    wanted = ROLE_LEVEL[role]
    if wanted is not None and area.level != wanted:
        raise ValidationError(
            f"角色“{Role(role).label}”须绑定到{codes.LEVEL_NAMES[wanted]}级区划，"
            f"“{area.name}”是{codes.LEVEL_NAMES[area.level]}级"
        )


def _require_manage(actor: Actor | None, area: Area, role: str) -> None:
    """Users are managed by the province admin anywhere, and by officers for areas strictly below their own."""
    if actor is None or actor.is_superuser:
        return
    admin = actor.role == Role.PROVINCE_ADMIN
    require(actor, "users.manage", area.code, from_above=not admin)
    if role == Role.INSPECTOR and not admin:
        raise PermissionDeniedError("督查审计员账号只能由省级管理员创建")


def _check_department(role: str, department: str) -> str:
    """Officers work in a department (the poverty office unless said otherwise); the other roles have none."""
    if role in OFFICER_ROLES:
        department = department or Department.POVERTY
        if department not in Department.values:
            raise ValidationError(f"部门“{department}”无效", extra={"field": "department"})
        return department
    if department:
        raise ValidationError(f"“{Role(role).label}”不属于某个部门，请不要填写部门", extra={"field": "department"})
    return ""


def _get_area(code: str) -> Area:
    try:
        area = Area.objects.filter(code=codes.normalize(code)).first()
    except codes.AreaCodeError as exc:
        raise ValidationError(str(exc)) from exc
    if area is None:
        raise NotFoundError(f"区划“{code}”不存在")
    return area


@transaction.atomic
def user_create(
    *,
    actor: Actor | None,
    username: str,
    password: str,
    role: str,
    area_code: str,
    display_name: str = "",
    phone: str = "",
    department: str = "",
    check_password: bool = True,
) -> User:
    username = username.strip()
    if not username:
        raise ValidationError("用户名不能为空")
    area = _get_area(area_code)
    _check_role_area(role, area)
    department = _check_department(role, department)
    _require_manage(actor, area, role)
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"用户名“{username}”已存在")
    user = User(
        username=username,
        role=role,
        department=department,
        area=area,
        display_name=display_name,
        phone=phone,
        is_staff=role in (Role.PROVINCE_ADMIN, Role.PREFECTURE_OFFICER, Role.COUNTY_OFFICER, Role.INSPECTOR),
    )
    if check_password:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise ValidationError("密码不符合要求：" + "；".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action="user.create", entity=user, changes=diff(None, snapshot(user, USER_FIELDS)))
    return user


@transaction.atomic
def user_update(
    *,
    actor: Actor | None,
    user: User,
    role: str | None = None,
    department: str | None = None,
    area_code: str | None = None,
    display_name: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    old = snapshot(user, USER_FIELDS)
    _require_manage(actor, user.area, user.role) if user.area else None
    area = _get_area(area_code) if area_code is not None else user.area
    new_role = role if role is not None else user.role
    if area is not None:
        _check_role_area(new_role, area)
        _require_manage(actor, area, new_role)
    user.role, user.area = new_role, area
    user.department = _check_department(new_role, user.department if department is None else department)
    if display_name is not None:
        user.display_name = display_name
    if phone is not None:
        user.phone = phone
    if is_active is not None:
        if actor is not None and actor.pk == user.pk and not is_active:
            raise ValidationError("不能停用自己的账号")
        user.is_active = is_active
    user.save()
    delta = diff(old, snapshot(user, USER_FIELDS))
    if delta:
        audit_record(actor=actor, action="user.update", entity=user, changes=delta)
    return user


@transaction.atomic
def user_password_set(*, actor: Actor | None, user: User, password: str) -> None:
    """Set a password (own change, or an admin reset). The audit row says it changed, never the value."""
    if actor is not None and actor.pk != user.pk and user.area:
        _require_manage(actor, user.area, user.role)
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError("密码不符合要求：" + "；".join(exc.messages)) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action="user.password_change" if actor is not None and actor.pk == user.pk else "user.password_reset",
        entity=user,
        changes={"password": ["******", "******(已更改)"]},
        area_code=user.area_id or "520000000000",
    )


PASSWORD_CHANGE_TRIES = 5  # wrong old passwords per user …
PASSWORD_CHANGE_WINDOW = 15 * 60  # … within this many seconds, then the form refuses until the window ends


def user_password_change(*, actor: User, old_password: str, new_password: str) -> None:
    """One's own password change: the old password is checked (throttled like the login, so a stolen session
    cannot guess it), and the new one must differ from it."""
    cache, key = caches["throttle"], f"password-change-failures:{actor.pk}"
    failures = int(cache.get(key, 0))
    if failures >= PASSWORD_CHANGE_TRIES:
        raise PermissionDeniedError(
            f"原密码已连续输错 {failures} 次，请 {PASSWORD_CHANGE_WINDOW // 60} 分钟后再试",
            extra={"field": "old_password"},
        )
    if not actor.check_password(old_password):
        cache.set(key, failures + 1, PASSWORD_CHANGE_WINDOW)
        raise ValidationError("原密码不正确", extra={"field": "old_password"})
    if new_password == old_password:
        raise ValidationError("新密码不能与原密码相同", extra={"field": "new_password1"})
    cache.delete(key)
    user_password_set(actor=actor, user=actor, password=new_password)
