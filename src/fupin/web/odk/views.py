"""ODK Collect through OpenRosa 1.0: the form list, each form and its manifest, and the submission endpoint.

A cadre sets ODK Collect's server to ``https://<this site>/odk`` with their user name and a personal token
(接口令牌) as the password: HTTP Basic, over HTTPS in production. Listing and downloading need any valid token of
the user; submitting needs a read-write one. A submission goes through the same form and service as the web page;
its ``instanceID`` makes a resend change nothing; a refused one is answered with the reason in Chinese and kept
for review (设备提交). The XML is parsed with defusedxml (no entities) and capped in size.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeXML
from defusedxml.common import DefusedXmlException
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from fupin.accounts.tokens import TokenError, token_authenticate
from fupin.core import permissions
from fupin.core.actors import Actor
from fupin.core.errors import ApplicationError
from fupin.submissions import selectors as submission_selectors
from fupin.submissions.services import submission_receive
from fupin.web.common.params import viewer_of

from . import forms as device_forms

MAX_SUBMISSION = 1024 * 1024  # bytes of one submission's XML (a visit is about 1 KB)
OPENROSA = {"X-OpenRosa-Version": "1.0"}


def _xml(body: str, status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body, status=status, content_type="text/xml; charset=utf-8"
    )
    for key, value in {**OPENROSA, **headers}.items():
        response[key] = value
    return response


def _message(text: str, status: int, nature: str = "") -> HttpResponse:
    attr = f' nature="{nature}"' if nature else ""
    body = f'<OpenRosaResponse xmlns="http://openrosa.org/http/response"><message{attr}>{escape(text)}</message></OpenRosaResponse>'
    return _xml(body, status)


def _challenge(text: str) -> HttpResponse:
    response = _message(text, 401)
    response["WWW-Authenticate"] = 'Basic realm="fupin"'
    return response


def _device_user(request: HttpRequest, *, write: bool) -> Actor | HttpResponse:
    """The user a device's Basic credentials (user name + token) stand for, or the response refusing them."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Basic "):
        return _challenge("请在 ODK Collect 的服务器设置中填写用户名，密码处填写接口令牌")
    try:
        username, _, secret = base64.b64decode(header[6:], validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return _challenge("认证信息格式有误")
    try:
        user, token = token_authenticate(secret.strip())
    except TokenError as exc:
        return _challenge(exc.message)
    if user.username != username.strip():
        return _challenge("用户名与令牌不符")
    if write and not token.writes:
        return _message("此令牌为只读令牌，不能提交数据；请申请读写令牌", 403)
    return user


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def form_list(request: HttpRequest) -> HttpResponse:
    user = _device_user(request, write=False)
    if isinstance(user, HttpResponse):
        return user
    items = []
    for spec, xform in device_forms.forms_of(user):
        form_url = request.build_absolute_uri(reverse("odk-form", args=[spec.form_id]))
        manifest_url = request.build_absolute_uri(reverse("odk-manifest", args=[spec.form_id]))
        items.append(
            f"<xform><formID>{spec.form_id}</formID><name>{escape(spec.title)}</name>"
            f"<version>{xform.version}</version><hash>{xform.hash}</hash>"
            f"<downloadUrl>{escape(form_url)}</downloadUrl><manifestUrl>{escape(manifest_url)}</manifestUrl></xform>"
        )
    return _xml('<xforms xmlns="http://openrosa.org/xforms/xformsList">' + "".join(items) + "</xforms>")


def _xform(user: Actor, form_id: str) -> Any:
    xform = device_forms.xform_for(user, form_id)
    if xform is None:
        raise Http404("表单不存在或您无权填报")
    return xform


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def form_xml(request: HttpRequest, form_id: str) -> HttpResponse:
    user = _device_user(request, write=False)
    if isinstance(user, HttpResponse):
        return user
    return _xml(_xform(user, form_id).xml.removeprefix('<?xml version="1.0"?>'))


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def manifest(request: HttpRequest, form_id: str) -> HttpResponse:
    """No media files: the choices (the cadre's households) are inside the form itself."""
    user = _device_user(request, write=False)
    if isinstance(user, HttpResponse):
        return user
    _xform(user, form_id)
    return _xml('<manifest xmlns="http://openrosa.org/xforms/xformsManifest"></manifest>')


def _values(root: Element) -> tuple[str, dict[str, str]]:
    """A submission's instanceID and its field values (the top-level elements; groups are not used)."""
    values, instance_id = {}, ""
    for child in root:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "meta":
            for item in child:
                if item.tag.rsplit("}", 1)[-1] == "instanceID":
                    instance_id = (item.text or "").strip()
        else:
            values[tag] = (child.text or "").strip()
    return instance_id, values


def _parse(request: HttpRequest) -> tuple[Element, bytes] | HttpResponse:
    """The submission's XML (defusedxml: no DTD entities), or the response refusing it; within the size limit."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_SUBMISSION + 64 * 1024:
        return _message(f"提交内容超过 {MAX_SUBMISSION // 1024} KB，未接收", 413)
    upload = request.FILES.get("xml_submission_file")
    if upload is None or (upload.size or 0) > MAX_SUBMISSION:
        return _message("缺少提交文件（xml_submission_file）或文件过大", 400)
    raw = upload.read()
    try:
        return SafeXML.fromstring(raw), raw
    except (SafeXML.ParseError, DefusedXmlException, ValueError):
        return _message("提交文件不是有效的 XML", 400)


@csrf_exempt
@require_http_methods(["HEAD", "POST"])
def submission(request: HttpRequest) -> HttpResponse:
    user = _device_user(request, write=True)
    if isinstance(user, HttpResponse):
        return user
    if request.method == "HEAD":  # Collect's pre-flight: who we are and how much we take
        response = _xml("", 204, **{"X-OpenRosa-Accept-Content-Length": str(MAX_SUBMISSION)})
        response["Location"] = request.build_absolute_uri(reverse("odk-submission"))
        return response
    parsed = _parse(request)
    if isinstance(parsed, HttpResponse):
        return parsed
    root, raw = parsed
    form_id, actor = str(root.get("id", ""))[:40], user
    instance_id, values = _values(root)
    try:
        received = submission_receive(
            actor=user,
            channel="odk",
            client_id=instance_id,
            form_id=form_id,
            payload=raw.decode("utf-8", errors="replace"),
            handle=lambda: device_forms.save(actor, form_id, values),
        )
    except ApplicationError as exc:  # no instanceID, or another user's: nothing was kept
        return _message(exc.message, exc.http_status)
    sub = received.submission
    if sub.outcome == "refused":
        return _message(f"提交被退回：{sub.message}（已保存待核，请在平台“设备提交”查看）", 400)
    text = "提交成功" if received.new else "此前已收到该提交，未重复记录"
    return _message(text, 201 if received.new else 202, "submit_success")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """设备提交: one's own submissions (the refused first to see), and for officers those refused in their area;
    how to set up ODK Collect."""
    viewer = viewer_of(request)
    titles = {form_id: spec.title for form_id, spec in device_forms.FORMS.items()}
    own = [(s, titles.get(s.form_id, "未知表单")) for s in submission_selectors.submissions_of(viewer=viewer)[:100]]
    officer = getattr(viewer, "is_officer", False) or permissions.allowed(viewer, "audit.read")
    in_area = submission_selectors.submissions_in_area(viewer=viewer, refused_only=True)[:100] if officer else []
    area_refused = [(s, titles.get(s.form_id, "未知表单")) for s in in_area]
    server = request.build_absolute_uri(reverse("odk-form-list")).removesuffix("/formList")
    return render(
        request,
        "web/odk/inbox.html",
        {"own": own, "area_refused": area_refused, "server": server, "forms": device_forms.forms_of(viewer)},
    )
