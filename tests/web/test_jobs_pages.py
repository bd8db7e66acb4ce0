"""Long work from the web: each role is offered only the jobs it may start; a check run, an indicator refresh and
an export run as jobs with progress and a result; a web action reaches the dashboard within one job cycle."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fupin.accounts.models import Role
from fupin.checks.services import check_run
from fupin.jobs.choices import JobStatus
from fupin.jobs.models import Job
from fupin.stats.models import IndicatorValue
from fupin.stats.services import indicators_refresh
from tests.factories import make_household
from tests.support import COUNTY_A, PROVINCE, first_village, make_user

pytestmark = pytest.mark.django_db


def test_each_role_is_offered_only_the_jobs_it_may_start(client):
    officer = make_user("c-a", Role.COUNTY_OFFICER, COUNTY_A)
    inspector = make_user("insp", Role.INSPECTOR, COUNTY_A)
    client.force_login(officer)
    page = client.get("/jobs/").content.decode()
    assert "运行核查" in page
    assert "更新统计指标" in page
    assert "导出贫困户家庭成员" in page
    assert "暂无任务" in page  # an empty list says why
    client.force_login(inspector)
    page = client.get("/jobs/").content.decode()
    assert "运行核查" not in page
    assert "更新统计指标" not in page
    assert "导出贫困户家庭成员" in page
    response = client.post("/jobs/start/", {"kind": "checks.run", "area": COUNTY_A, "year": "2017"})
    assert response.status_code == 302
    assert not Job.objects.filter(kind="checks.run").exists()


def test_a_check_started_on_the_web_runs_shows_its_result_and_can_be_rerun(client, django_capture_on_commit_callbacks):
    make_household(first_village(COUNTY_A), number=1, size=3)
    officer = make_user("c-a", Role.COUNTY_OFFICER, COUNTY_A)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/jobs/start/", {"kind": "checks.run", "area": COUNTY_A, "year": "2017"})
    job = Job.objects.get(kind="checks.run")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED, job.error
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "已完成" in page
    assert "统计指标已随之更新" in page
    assert "重新运行" in page
    state = client.get(f"/jobs/{job.pk}/state.json").json()
    assert state["finished"]
    assert state["percent"] == 100
    assert state["elapsed"] is not None
    assert IndicatorValue.objects.filter(area_code=PROVINCE, year=2017, key="poor_people").get().value == 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/jobs/{job.pk}/rerun/")
    assert Job.objects.filter(kind="checks.run", rerun_of=job, status=JobStatus.SUCCEEDED).exists()


def test_a_bad_year_is_refused_in_chinese_before_anything_runs(client):
    client.force_login(make_user("c-a", Role.COUNTY_OFFICER, COUNTY_A))
    response = client.post("/jobs/start/", {"kind": "checks.run", "area": COUNTY_A, "year": "2031"}, follow=True)
    assert "年度应在 2014" in response.content.decode()
    assert not Job.objects.filter(kind="checks.run").exists()


def test_an_export_job_downloads_for_its_starter_only(client, django_capture_on_commit_callbacks):
    make_household(first_village(COUNTY_A), number=1, size=3)
    officer = make_user("c-a", Role.COUNTY_OFFICER, COUNTY_A)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/jobs/start/", {"kind": "registry.export_households", "area": COUNTY_A, "fmt": "csv"})
    job = Job.objects.get(kind="registry.export_households")
    assert "下载结果文件" in client.get(f"/jobs/{job.pk}/").content.decode()
    response = client.get(f"/jobs/{job.pk}/download")
    assert response.status_code == 200
    assert "贫困户家庭成员-" in response["Content-Disposition"] or "filename*" in response["Content-Disposition"]
    client.force_login(make_user("c-a2", Role.COUNTY_OFFICER, COUNTY_A))
    assert client.get(f"/jobs/{job.pk}/download").status_code == 404
    assert "结果文件只有发起人可以下载" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_a_finding_closed_on_the_web_changes_the_dashboard_within_one_job_cycle(
    client, django_capture_on_commit_callbacks
):
    household = make_household(first_village(COUNTY_A), number=1, size=2)
    indicators_refresh(actor=None, area_code=PROVINCE, last_year=2017)
    from fupin.analytics.rules import BY_ID
    from fupin.checks.models import Finding

    run = check_run(actor=None, year=2017, area_code=COUNTY_A)
    finding = Finding.objects.create(
        rule_id=next(iter(BY_ID)), year=2017, household_no=household.household_no, village_id=household.village_id,
        category="wrong", severity="high", explanation="测试", first_run=run, last_run=run,
    )  # fmt: skip
    indicators_refresh(actor=None, area_code=PROVINCE, last_year=2017)
    before = {v.key: v.value for v in IndicatorValue.objects.filter(area_code=PROVINCE, year=2017)}
    assert before["status_open"] >= 1
    officer = make_user("c-a", Role.COUNTY_OFFICER, COUNTY_A)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/findings/{finding.pk}/transition/", {f"f{finding.pk}-to": "assigned",
                                                                        f"f{finding.pk}-reason": "请核实"})  # fmt: skip
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "assigned"
    values = {v.key: v.value for v in IndicatorValue.objects.filter(area_code=PROVINCE, year=2017)}
    assert values.get("status_assigned") == before.get("status_assigned", 0) + 1
    assert values.get("status_open", 0) == before["status_open"] - 1
    page = client.get(f"/areas/{COUNTY_A}/?year=2017").content.decode()
    assert "正在后台更新" not in page  # nothing left waiting
    assert "依据：" in client.get(f"/findings/{finding.pk}/").content.decode()  # the rule's documents are shown


def test_a_large_list_export_becomes_a_job_and_a_small_one_downloads_named_by_area(
    client, settings, django_capture_on_commit_callbacks
):
    make_household(first_village(COUNTY_A), number=1, size=3)
    client.force_login(make_user("c-a", Role.COUNTY_OFFICER, COUNTY_A))
    response = client.get("/households/export.csv")
    assert response.status_code == 200
    assert "%E5%A8%81%E5%AE%81" in response["Content-Disposition"]  # 威宁: the area is in the file's name
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "户状态(导出)" in body.splitlines()[0]
    assert "最近年度人均纯收入(元)(导出)" in body.splitlines()[0]
    settings.JOB_ROWS_THRESHOLD = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/households/export.xlsx")
    job = Job.objects.get(kind="registry.export_households")
    assert response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert client.get(f"/jobs/{job.pk}/download").status_code == 200


def test_a_large_upload_is_imported_as_a_job_with_its_outcome(client, settings, tmp_path,
                                                              django_capture_on_commit_callbacks):  # fmt: skip
    from fupin.registry.imports import households_template

    officer = make_user("c-a", Role.COUNTY_OFFICER, COUNTY_A)
    template = households_template(tmp_path / "名单.xlsx", actor=officer)
    settings.IMPORT_JOB_BYTES = 10
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True), template.open("rb") as fh:
        response = client.post("/imports/", {"file": fh, "dry_run": "on"})
    job = Job.objects.get(kind="registry.import_households")
    assert response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.title == "导入名单.xlsx"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "试导入" in page or "1 户" in page, page


def test_a_third_party_evaluation_uploaded_on_the_web_runs_as_a_job(client, tmp_path,
                                                                    django_capture_on_commit_callbacks):  # fmt: skip
    from fupin.analytics.evaluate_spec import write_template

    template = write_template(tmp_path / "评估.xlsx")  # its example household passes
    client.force_login(make_user("insp", Role.INSPECTOR, COUNTY_A))  # read-only roles may evaluate too
    assert "下载评估模板" in client.get("/evaluate/").content.decode()
    assert client.get("/evaluate/template.xlsx").status_code == 200
    with django_capture_on_commit_callbacks(execute=True), template.open("rb") as fh:
        response = client.post("/evaluate/", {"year": "2017", "file": fh})
    job = Job.objects.get(kind="checks.evaluate")
    assert response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert any("符合退出标准 1 户" in line for line in job.result["lines"])
    download = client.get(f"/jobs/{job.pk}/download")
    assert download.status_code == 200
    assert "%E9%80%80%E5%87%BA%E8%AF%84%E4%BC%B0%E7%BB%93%E6%9E%9C" in download["Content-Disposition"]  # 退出评估结果
    bad = client.post("/evaluate/", {"year": "2017", "file": SimpleUploadedFile("x.txt", b"abc")})
    assert bad.status_code == 400
    assert "只接受 xlsx、xls 或 csv 文件" in bad.content.decode()
