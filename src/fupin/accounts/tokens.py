"""Personal access tokens: made by their user, shown once, kept as a digest, expiring, revocable (issue 22).

A token is ``fp_`` + 43 URL-safe characters (32 random bytes). The API accepts it as ``Authorization: Bearer …``
and then acts as the token's user — same scope, same permissions — except that a read-only token cannot write.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from fupin.audit.services import audit_record
from fupin.core.actors import Actor
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError, ValidationError
from fupin.core.permissions import require

from .models import AccessToken, TokenScope, User

PREFIX = "fp_"
VALIDITY_DAYS = (30, 90, 180, 365)  # what the form offers; the longest is the limit
MAX_ACTIVE = 10  # valid tokens per user: enough for a phone, a tablet and a few integrations
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often (not on every request)


class TokenError(ApplicationError):
    """A bearer token that opens nothing (unknown, expired, revoked, or its user inactive)."""

    code = "invalid_token"
    http_status = 401


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_of(*, viewer: Actor) -> QuerySet[AccessToken]:
    """One's own tokens, newest first (nobody lists another person's tokens, not even an administrator)."""
    return AccessToken.objects.filter(user_id=viewer.pk)


@transaction.atomic
def token_create(*, actor: User, name: str, days: int = 90, scope: str = TokenScope.READ) -> tuple[AccessToken, str]:
    """A new token for ``actor`` and its secret (returned here once, never stored, never shown again)."""
    require(actor, "api.token")
    name = name.strip()
    if not name:
        raise ValidationError("请填写令牌用途（例如“驻村手机”）", extra={"field": "name"})
    if len(name) > 64:
        raise ValidationError("令牌用途最多 64 个字", extra={"field": "name"})
    if days not in VALIDITY_DAYS:
        raise ValidationError(f"有效期须为 {'、'.join(map(str, VALIDITY_DAYS))} 天之一", extra={"field": "days"})
    if scope not in TokenScope.values:
        raise ValidationError(f"令牌权限“{scope}”无效", extra={"field": "scope"})
    if scope == TokenScope.WRITE and actor.is_read_only:
        raise PermissionDeniedError("督查审计员为只读角色，只能申请只读令牌", extra={"field": "scope"})
    now = timezone.now()
    active = tokens_of(viewer=actor).filter(revoked_at__isnull=True, expires_at__gt=now).count()
    if active >= MAX_ACTIVE:
        raise ValidationError(f"您已有 {active} 个有效令牌，请先吊销不用的令牌", extra={"field": "name"})
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=actor,
        name=name,
        prefix=secret[: len(PREFIX) + 6],
        digest=digest_of(secret),
        scope=scope,
        expires_at=now + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="token.create",
        entity=token,
        changes={"name": [None, name], "scope": [None, scope], "expires_at": [None, token.expires_at.isoformat()]},
        area_code=actor.area_id or "520000000000",
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, pk: int) -> AccessToken:
    """Revoke one of one's own tokens (another person's answers as missing). Revoking twice changes nothing."""
    require(actor, "api.token")
    token = tokens_of(viewer=actor).select_for_update().filter(pk=pk).first()
    if token is None:
        raise NotFoundError("令牌不存在")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="token.revoke",
            entity=token,
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
            area_code=actor.area_id or "520000000000",
        )
    return token


def token_authenticate(secret: str) -> tuple[User, AccessToken]:
    """The user a bearer secret acts as, or TokenError saying why not (in Chinese, without revealing which
    tokens exist: an unknown and a malformed secret read the same)."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        raise TokenError("令牌无效")
    try:  # one indexed read (get: no ORDER BY, no LIMIT), with its user
        token = AccessToken.objects.select_related("user").get(digest=digest_of(secret))
    except AccessToken.DoesNotExist:
        raise TokenError("令牌无效") from None
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenError("令牌已被吊销，请重新申请")
    if token.expires_at <= now:
        raise TokenError(f"令牌已于 {timezone.localtime(token.expires_at):%Y-%m-%d} 过期，请重新申请")
    if not token.user.is_active:
        raise TokenError("令牌所属账号已停用")
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token
