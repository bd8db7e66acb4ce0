"""ODK Collect through OpenRosa (issue 22), spoken as Collect speaks it: the challenge, the form list, a form and its
manifest, the HEAD pre-flight and multipart submissions. A submission goes through the web form and the service;
its instanceID makes a resend change nothing; a refused one answers in Chinese and is kept for review; hostile XML
is refused before it is read. The generated XForms pass pyxform and, where Java runs, ODK Validate."""

from __future__ import annotations

import base64
import shutil

import pytest
from defusedxml import ElementTree as SafeXML
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fupin.accounts import tokens
from fupin.accounts.models import Role
from fupin.fieldwork.models import WorkLog
from fupin.monitoring.models import Case
from fupin.registry.models import Household, Status
from fupin.submissions.models import Submission
from tests.factories import make_household, make_posting
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db
NS = {"x": "http://openrosa.org/xforms/xformsList", "r": "http://openrosa.org/http/response"}


@pytest.fixture
def field(client):  # type: ignore[no-untyped-def]
    village = first_village(COUNTY_A)
    user = make_user("odk-sec", Role.FIRST_SECRETARY, village)
    make_posting(village, account=user, start=timezone.localdate().replace(day=1))
    ours = make_household(village, number=71, head="王家富")
    make_household(first_village(COUNTY_B), number=72, head="外县户")
    _, write = tokens.token_create(actor=user, name="ODK", days=30, scope="write")
    _, read = tokens.token_create(actor=user, name="查询", days=30)
    return {"village": village, "user": user, "household": ours, "write": write, "read": read}


def _basic(username: str, secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()}


def _visit(form_id: str = "worklog", instance: str = "uuid:one", **values: str) -> bytes:
    fields = "".join(f"<{k}>{v}</{k}>" for k, v in values.items())
    return (f'<?xml version="1.0"?><data id="{form_id}" version="x">{fields}'
            f"<meta><instanceID>{instance}</instanceID></meta></data>").encode()  # fmt: skip


def _submit(client, auth, xml: bytes):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("submission.xml", xml, content_type="text/xml")
    return client.post("/odk/submission", {"xml_submission_file": upload}, **auth)


def _message(response) -> str:  # type: ignore[no-untyped-def]
    return SafeXML.fromstring(response.content).find("r:message", NS).text


def test_collect_lists_downloads_and_submits_once(client, field):
    auth = _basic("odk-sec", field["write"])
    challenge = client.get("/odk/formList")
    assert challenge.status_code == 401
    assert challenge["WWW-Authenticate"].startswith("Basic")
    assert challenge["X-OpenRosa-Version"] == "1.0"
    listed = client.get("/odk/formList", **auth)
    assert listed.status_code == 200
    forms = {x.find("x:formID", NS).text: x for x in SafeXML.fromstring(listed.content).findall("x:xform", NS)}
    assert set(forms) == {"worklog", "monitoring_report"}
    worklog = forms["worklog"]
    assert worklog.find("x:name", NS).text == "民情日记（走访记录）"
    assert worklog.find("x:hash", NS).text.startswith("md5:")
    download = worklog.find("x:downloadUrl", NS).text
    xform = client.get(download.removeprefix("http://testserver"), **auth).content.decode()
    assert "王家富" in xform  # the cadre's own village's households are the choices …
    assert "外县户" not in xform  # … and no one else's
    assert "<h:title>民情日记（走访记录）</h:title>" in xform
    manifest = client.get(worklog.find("x:manifestUrl", NS).text.removeprefix("http://testserver"), **auth)
    assert manifest.status_code == 200
    assert b"xformsManifest" in manifest.content
    preflight = client.head("/odk/submission", **auth)
    assert preflight.status_code == 204
    assert int(preflight["X-OpenRosa-Accept-Content-Length"]) >= 1024 * 1024
    today = timezone.localdate().isoformat()
    xml = _visit(kind="visit", date=today, household=field["household"].household_no, content="走访了解务工收入")
    first = _submit(client, auth, xml)
    assert first.status_code == 201, first.content.decode()
    assert _message(first) == "提交成功"
    again = _submit(client, auth, xml)
    assert again.status_code == 202
    assert "未重复记录" in _message(again)
    assert WorkLog.objects.count() == 1
    assert Submission.objects.get().result == f"worklog:{WorkLog.objects.get().pk}"


def test_the_forms_version_follows_its_choices(client, field):
    auth = _basic("odk-sec", field["write"])

    def version() -> str:
        listed = SafeXML.fromstring(client.get("/odk/formList", **auth).content)
        return next(x.find("x:version", NS).text for x in listed if x.find("x:formID", NS).text == "worklog")

    before = version()
    assert version() == before
    make_household(field["village"], number=73, head="新识别户")
    assert version() != before


def test_a_refused_submission_says_why_in_chinese_and_is_kept(client, field):
    auth = _basic("odk-sec", field["write"])
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    bad = _submit(client, auth, _visit(instance="uuid:bad", kind="visit", date=tomorrow, content="x"))
    assert bad.status_code == 400
    assert "日期不能晚于今天" in _message(bad)
    empty = _submit(client, auth, _visit(instance="uuid:empty", kind="visit", date="2026-13-01"))
    assert empty.status_code == 400
    assert "情况记录" in _message(empty)
    assert not WorkLog.objects.exists()
    kept = Submission.objects.filter(outcome="refused")
    assert kept.count() == 2
    assert "日期不能晚于今天" in kept.get(client_id="uuid:bad").message
    client.force_login(field["user"])
    page = client.get("/odk/").content.decode()
    assert "被退回" in page
    assert "日期不能晚于今天" in page
    assert "worklog" not in page  # the form's title, not its id


def test_a_monitoring_report_from_collect_opens_a_case(client, field):
    household = field["household"]
    Household.objects.filter(pk=household.pk).update(status=Status.EXITED, exit_year=2019)
    xml = _visit("monitoring_report", "uuid:report", household_no=household.household_no, channel="visit",
                 risk="illness", on=timezone.localdate().isoformat(), detail="户主住院")  # fmt: skip
    response = _submit(client, _basic("odk-sec", field["write"]), xml)
    assert response.status_code == 201, response.content.decode()
    assert Case.objects.get().household_id == household.pk


@pytest.mark.parametrize("case", ["read_only", "wrong_user", "bad_token", "other_users_instance"])
def test_refused_devices(client, field, case):
    xml = _visit(kind="meeting", date=timezone.localdate().isoformat(), content="村民大会")
    if case == "read_only":
        response = _submit(client, _basic("odk-sec", field["read"]), xml)
        assert response.status_code == 403
        assert "只读" in _message(response)
    elif case == "wrong_user":
        response = _submit(client, _basic("someone", field["write"]), xml)
        assert response.status_code == 401
    elif case == "bad_token":
        response = client.get("/odk/formList", **_basic("odk-sec", "fp_wrong"))
        assert response.status_code == 401
        assert "令牌无效" in _message(response)
    else:
        other = make_user("odk-other", Role.FIRST_SECRETARY, field["village"])
        make_posting(field["village"], account=other, role="resident_cadre", start=timezone.localdate().replace(day=1))
        _, secret = tokens.token_create(actor=other, name="ODK", days=30, scope="write")
        assert _submit(client, _basic("odk-sec", field["write"]), xml).status_code == 201
        response = _submit(client, _basic("odk-other", secret), xml)
        assert response.status_code == 409
        assert Submission.objects.count() == 1
        return
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b'<data id="worklog"><content>&b;</content><meta><instanceID>uuid:bomb</instanceID></meta></data>',
        b"<data id='worklog'><content>unclosed",
        b'<data id="worklog"><content>no id</content></data>',
    ],
    ids=["entities", "malformed", "no_instance_id"],
)
def test_hostile_or_broken_xml_is_refused_before_anything_is_kept(client, field, xml):
    response = _submit(client, _basic("odk-sec", field["write"]), xml)
    assert response.status_code == 400
    assert _message(response)
    assert not Submission.objects.exists()
    assert not WorkLog.objects.exists()


def test_the_generated_xforms_pass_pyxform_and_odk_validate(field):
    from pyxform.xls2xform import convert

    from fupin.web.odk.forms import FORMS
    from fupin.web.odk.xlsform import xlsform_of

    for spec in FORMS.values():
        form = spec.build(field["user"], None)
        sheets = xlsform_of(form, form_id=spec.form_id, title=spec.title, version="1")
        result = convert(sheets, form_name="data", validate=shutil.which("java") is not None)
        assert f'id="{spec.form_id}"' in result.xform
