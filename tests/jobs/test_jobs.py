"""Background jobs: declared permission, progress, a Chinese error on failure, nothing half-written, re-run,
interrupted jobs found when a worker starts, results for their starter only."""

from __future__ import annotations

import os

import pytest

from fupin.accounts.models import Role
from fupin.core import progress
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.jobs import handlers
from fupin.jobs.choices import JobStatus
from fupin.jobs.models import Job
from fupin.jobs.selectors import job_state, jobs_visible
from fupin.jobs.services import (
    INTERNAL_ERROR,
    INTERRUPTED,
    job_execute,
    job_file,
    job_rerun,
    job_start,
    jobs_interrupted,
)
from tests.factories import make_household
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def kinds():
    seen = {}

    def ok(job):
        for i in range(3):
            progress.report("逐户处理", i, 3)
        seen["progress"] = job.output_dir()
        (job.output_dir() / "out.csv").write_text("a,b\n", encoding="utf-8")
        return {"lines": ["完成 3 户"], "file": "out.csv", "download_name": "结果.csv"}

    def refused(job):
        raise ValidationError("第 3 行：身份证号校验位错误")

    def broken(job):
        raise RuntimeError("boom")

    handlers.register("test.ok", title="测试 {area}", permission="checks.run", run=ok)
    handlers.register("test.refused", title="测试", permission="checks.run", run=refused)
    handlers.register("test.broken", title="测试", permission="", run=broken)
    yield seen
    for kind in ("test.ok", "test.refused", "test.broken"):
        handlers._HANDLERS.pop(kind, None)


def _start(actor, kind, area=COUNTY_A, capture=None):
    with capture(execute=True):
        job = job_start(actor=actor, kind=kind, area_code=area)
    job.refresh_from_db()
    return job


def test_a_job_runs_reports_progress_and_keeps_its_file_for_its_starter(kinds, django_capture_on_commit_callbacks):
    officer = make_user("c-a", Role.COUNTY_OFFICER, COUNTY_A)
    colleague = make_user("c-a2", Role.COUNTY_OFFICER, COUNTY_A)
    job = _start(officer, "test.ok", capture=django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED
    assert job.title.startswith("测试 威宁")
    state = job_state(job)
    assert state["percent"] == 100
    assert state["lines"] == ["完成 3 户"]
    assert state["has_file"]
    assert state["done"] == 2
    assert state["total"] == 3
    path, name = job_file(viewer=officer, job=job)
    assert path.read_text() == "a,b\n"
    assert name == "结果.csv"
    with pytest.raises(PermissionDeniedError):
        job_file(viewer=colleague, job=job)  # masked IDs are per role: a file is its starter's only
    assert job in jobs_visible(viewer=colleague)  # but the job itself is visible in its area


def test_the_declared_permission_and_the_scope_are_checked(kinds):
    inspector = make_user("insp", Role.INSPECTOR, COUNTY_A)
    other = make_user("c-b", Role.COUNTY_OFFICER, COUNTY_B)
    before = Job.objects.count()
    with pytest.raises(PermissionDeniedError):
        job_start(actor=inspector, kind="test.ok", area_code=COUNTY_A)
    with pytest.raises(NotFoundError):  # outside the scope: not found, never "forbidden" (no oracle)
        job_start(actor=other, kind="test.broken", area_code=COUNTY_A)
    with pytest.raises(ValidationError):
        job_start(actor=other, kind="no.such", area_code=COUNTY_B)
    assert Job.objects.count() == before


def test_failures_say_why_in_chinese_and_can_be_rerun(kinds, django_capture_on_commit_callbacks):
    officer = make_user("c-a", Role.COUNTY_OFFICER, COUNTY_A)
    refused = _start(officer, "test.refused", capture=django_capture_on_commit_callbacks)
    assert refused.status == JobStatus.FAILED
    assert refused.error == "第 3 行：身份证号校验位错误"
    broken = _start(officer, "test.broken", capture=django_capture_on_commit_callbacks)
    assert broken.status == JobStatus.FAILED
    assert broken.error == INTERNAL_ERROR
    assert "boom" not in broken.error
    with django_capture_on_commit_callbacks(execute=True):
        again = job_rerun(actor=officer, job=refused)
    again.refresh_from_db()
    assert again.rerun_of_id == refused.pk
    assert again.status == JobStatus.FAILED
    job_execute(again.pk)  # a finished job is never run twice
    assert Job.objects.get(pk=again.pk).status == JobStatus.FAILED


def test_a_killed_worker_leaves_its_job_interrupted_and_rerunnable(kinds):
    officer = make_user("c-a", Role.COUNTY_OFFICER, COUNTY_A)
    job = job_start(actor=officer, kind="test.ok", area_code=COUNTY_A)  # not committed: nothing ran
    import socket

    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, worker=f"{socket.gethostname()}:999999")
    alive = Job.objects.create(kind="test.ok", title="t", area_code=COUNTY_A, status=JobStatus.RUNNING,
                               worker=f"{socket.gethostname()}:{os.getppid()}")  # fmt: skip
    assert jobs_interrupted() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.INTERRUPTED
    assert job.error == INTERRUPTED
    assert Job.objects.get(pk=alive.pk).status == JobStatus.RUNNING


def test_an_export_job_of_a_county_writes_the_users_masked_file(django_capture_on_commit_callbacks):
    make_household(first_village(COUNTY_A), number=1, size=3)
    inspector = make_user("insp", Role.INSPECTOR, COUNTY_A)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=inspector, kind="registry.export_households", area_code=COUNTY_A,
                        params={"fmt": "csv"})  # fmt: skip
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    path, name = job_file(viewer=inspector, job=job)
    assert name.startswith("贫困户家庭成员-威宁")
    assert name.endswith(".csv")
    text = path.read_text(encoding="utf-8-sig")
    assert text.count("\n") == 4
    assert "****" in text
    with pytest.raises(NotFoundError):
        job_file(viewer=inspector, job=Job.objects.create(kind="x", title="t", area_code=COUNTY_A, user=inspector))
