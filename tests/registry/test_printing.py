"""Printed paper (registry.printing): the 公示/公告, the 建档立卡信息卡 and the 民主评议会议记录 as PDF.

pypdf is not in the venv: the PDF's text is read from its ToUnicode maps (every character Typst set in a font
is mapped back to Unicode there), and the font names from its /BaseFont entries. Escaping is checked by reading
the data back out of the Typst document (``typst.query`` of its metadata): what Typst holds is exactly the name.
"""

from __future__ import annotations

import json
import re
import zlib
from datetime import date, timedelta

import pytest
import typst

from fupin.accounts.models import Role
from fupin.lib.idnumbers import mask
from fupin.registry import printing, typesetting
from fupin.registry import procedures as p
from fupin.registry.models import Household, Member, Procedure
from fupin.registry.services import household_apply
from tests.factories import make_household, person_ids
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db

D = date(2018, 3, 1)
HOSTILE = '王#[张]$*粗*_\\`@r<l>"\n= 题 //注#x('  # 29 characters: the names' column holds 32


def day(n: int) -> date:
    return D + timedelta(days=n)


def pdf_text(pdf: bytes) -> set[str]:
    """The characters the PDF's fonts map back to Unicode (its ToUnicode CMaps)."""
    chars: set[str] = set()
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(m.group(1))
        except zlib.error:
            continue
        if b"begincmap" in data:
            for hexa in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]{4,})>", data):
                chars.update(bytes.fromhex(hexa.decode()).decode("utf-16-be", errors="ignore"))
    return chars


def assert_chinese_pdf(pdf: bytes, text: str) -> None:
    assert pdf.startswith(b"%PDF")
    fonts = re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z0-9-]+)", pdf)
    assert any(b"CJK" in f for f in fonts), fonts
    missing = set(text) - pdf_text(pdf) - {" "}
    assert not missing, missing


@pytest.fixture
def village() -> str:
    return first_village(COUNTY_A)


@pytest.fixture
def users(db):
    village = first_village(COUNTY_A)
    return {
        "county": make_user("pr-county", Role.COUNTY_OFFICER, COUNTY_A),
        "secretary": make_user("pr-sec", Role.FIRST_SECRETARY, village),
        "inspector": make_user("pr-insp", Role.INSPECTOR, COUNTY_A),
        "other": make_user("pr-other", Role.COUNTY_OFFICER, COUNTY_B),
        "other_inspector": make_user("pr-insp-b", Role.INSPECTOR, COUNTY_B),
    }


def _apply(officer, village: str, n: int, head: str = "王德发") -> Household:
    return household_apply(
        actor=officer,
        village_code=village,
        head_name=head,
        head_id_number=person_ids(COUNTY_A[:6], 1, seed=700 + n)[0],
        attribute="一般贫困户",
        main_cause="因病",
        on=D,
        signer=head,
    )


def _to_notice(officer, procedure: Procedure, *, notice: bool = True) -> None:
    rec = p.procedure_step_record
    rec(actor=officer, procedure=procedure, step="nominate", on=day(1), signer="组长 李")
    rec(actor=officer, procedure=procedure, step="vote", on=day(2), signer="主任 张",
        votes_total=30, votes_present=21, votes_for=15, note="与会代表无异议")  # fmt: skip
    rec(actor=officer, procedure=procedure, step="village_review", on=day(3), signer="村委会")
    if notice:
        rec(actor=officer, procedure=procedure, step="notice_village", on=day(4), signer="村委会",
            notice_start=day(4), notice_end=day(10))  # fmt: skip


@pytest.fixture
def noticed(users, village):
    """Two households in one village notice (same period), a third not yet at it."""
    officer = users["county"]
    households = [_apply(officer, village, n, head) for n, head in enumerate(["王德发", "李秀英", "赵大山"])]
    procs = [h.procedures.get(kind="identification") for h in households]
    _to_notice(officer, procs[0])
    _to_notice(officer, procs[1])
    _to_notice(officer, procs[2], notice=False)
    return procs


# ---- escaping ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", [HOSTILE, "#", "[", "]", "$", "*", "_", "\\", "`", "@x", "<y>", '"', '\\"', "a\x00b\x07c", "", "# 张"]
)
def test_user_text_reaches_typst_verbatim(text):
    printout = printing.Printout("x.pdf", "#data.title", {"title": text, "rows": [text], "n": 3, "none": None})
    held = json.loads(typst.query(printout.source().encode(), "<fupin-data>", field="value", one=True))
    expected = text.replace("\x00", "").replace("\x07", "")
    assert held == {"title": expected, "rows": [expected], "n": 3, "none": None}
    assert typst.compile(printout.source().encode()).startswith(b"%PDF")  # and the document compiles


def test_a_hostile_name_is_printed_as_it_is(users, village):
    household = make_household(village, 7)
    Household.objects.filter(pk=household.pk).update(head_name=HOSTILE)
    Member.objects.filter(household=household).update(name=HOSTILE)
    printout = printing.household_card(viewer=users["county"], household_no=household.household_no)
    source = printout.source()
    assert HOSTILE not in source  # never pasted raw …
    assert printing.typst_string(HOSTILE) in source  # … only as a string literal
    pdf = printing.render_pdf(printout)
    assert_chinese_pdf(pdf, "王#[张]$*粗_\\`@<>题注贫困户建档立卡信息卡")


def test_place_names_read_as_on_a_notice():
    assert printing._short_village("阳关村村民委员会") == "阳关村"
    assert printing._short_village("大洼塘村民委员会") == "大洼塘村"
    assert printing._short_village("海边社区居民委员会") == "海边社区"
    assert printing._short_village("石门村委会") == "石门村"
    assert printing._committee("石门村") == "石门村村民委员会"
    assert printing._committee("海边社区") == "海边社区居民委员会"
    assert printing._government("陕桥街道") == "陕桥街道办事处"
    assert printing._government("石门乡") == "石门乡人民政府"


def test_literals_of_every_type():
    lit = printing.typst_literal
    assert lit(None) == "none"
    assert lit(True) == "true"
    assert lit(12) == "12"
    assert lit(["a"]) == '("a",)'
    assert lit({}) == "(:)"
    assert lit({"k": [1, 2]}) == '("k": (1, 2))'
    assert lit('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    with pytest.raises(TypeError):
        lit(1.5)


# ---- the household card ------------------------------------------------------------------------------------------


def test_card_pdf_for_an_in_scope_user(client, users, village):
    household = make_household(village, 3, head="张明华")
    client.force_login(users["county"])
    response = client.get(f"/households/{household.household_no}/card.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert_chinese_pdf(response.content, "贫困户建档立卡信息卡张明华家庭成员户主签字")


def test_the_household_page_links_the_pdfs(client, users, noticed):
    client.force_login(users["inspector"])
    page = client.get(noticed[0].household.get_absolute_url()).content.decode()
    assert f"/households/{noticed[0].household.household_no}/card.pdf" in page
    assert f"/procedures/{noticed[0].pk}/notice.pdf" in page
    assert f"/procedures/{noticed[0].pk}/minutes.pdf" in page
    assert client.post(f"/procedures/{noticed[0].pk}/notice.pdf").status_code == 405


def test_card_ids_are_masked_as_on_the_household_page(users, village):
    household = make_household(village, 4)
    ids = list(Member.objects.filter(household=household).values_list("id_number", flat=True))
    full = printing.household_card(viewer=users["county"], household_no=household.household_no)
    assert [m["id"] for m in full.data["members"]] == ids  # the county poverty office sees full numbers
    for role in ("inspector", "secretary"):
        shown = printing.household_card(viewer=users[role], household_no=household.household_no)
        page = [m["id"] for m in shown.data["members"]]
        from fupin.registry.selectors import shown_id

        assert page == [shown_id(users[role], i) for i in ids]
    masked = printing.household_card(viewer=users["inspector"], household_no=household.household_no)
    assert [m["id"] for m in masked.data["members"]] == [mask(i) for i in ids]
    assert all(i not in masked.source() for i in ids)
    assert "脱敏" in masked.data["id_note"]


def test_card_out_of_scope_is_not_found(client, users, village):
    household = make_household(village, 5)
    for who in ("other", "other_inspector"):
        client.force_login(users[who])
        assert client.get(f"/households/{household.household_no}/card.pdf").status_code == 404
    client.force_login(users["county"])
    assert client.get("/households/nope/card.pdf").status_code == 404


def test_inspector_may_print_what_they_may_view(client, users, village):
    household = make_household(village, 6)
    client.force_login(users["inspector"])
    response = client.get(f"/households/{household.household_no}/card.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


# ---- notices -----------------------------------------------------------------------------------------------------


def test_notice_lists_the_households_posted_together_without_ids(client, users, noticed):
    printout = printing.procedure_notice(viewer=users["secretary"], procedure_id=noticed[0].pk)
    heads = [r["head"] for r in printout.data["rows"]]
    assert sorted(heads) == ["李秀英", "王德发"]  # 赵大山 is not at the notice yet
    assert printout.data["title"].endswith("2018年拟识别贫困户名单公示")
    assert "2018年3月5日至2018年3月11日" in printout.data["period"]
    assert printout.data["office"].endswith(("人民政府", "办事处"))
    assert printout.data["hotline"] == "12317"
    assert printout.data["issuer"].endswith(("委员会", "委会"))
    for member in Member.objects.filter(household__procedures__in=noticed):
        assert member.id_number not in printout.source()
        assert mask(member.id_number) not in printout.source()  # a public notice shows no ID number at all
    client.force_login(users["county"])  # who sees full IDs on the card sees none here either
    response = client.get(f"/procedures/{noticed[0].pk}/notice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_chinese_pdf(
        response.content, "拟识别贫困户名单公示王德发李秀英户主姓名家庭人口主要致贫原因因病盖章联系电话12317"
    )
    ids = set(Member.objects.filter(household__procedures__in=noticed).values_list("id_number", flat=True))
    digits = "".join(sorted(pdf_text(response.content)))
    assert all(i not in digits for i in ids)


def test_notice_before_its_step_is_a_form_with_blanks(users, noticed):
    printout = printing.procedure_notice(viewer=users["county"], procedure_id=noticed[2].pk)
    assert [r["head"] for r in printout.data["rows"]] == ["赵大山"]
    assert "　　年　　月　　日" in printout.data["period"]
    assert printout.data["date"] == ""


def test_announcement_after_the_last_step(users, village):
    officer = users["county"]
    household = _apply(officer, village, 9)
    procedure = household.procedures.get(kind="identification")
    from tests.factories import set_year

    set_year(household, 2018, income=2100.0)
    _to_notice(officer, procedure)
    rec = p.procedure_step_record
    rec(actor=officer, procedure=procedure, step="township_review", on=day(11), signer="乡镇")
    rec(actor=officer, procedure=procedure, step="notice_township", on=day(12), signer="乡镇",
        notice_start=day(12), notice_end=day(18))  # fmt: skip
    rec(actor=officer, procedure=procedure, step="county_approval", on=day(19), signer="县扶贫办")
    rec(actor=officer, procedure=procedure, step="announce", on=day(20), signer="县政府")
    printout = printing.procedure_notice(viewer=officer, procedure_id=procedure.pk)
    assert "公告" in printout.data["title"]
    assert printout.data["issuer"].endswith("人民政府")
    assert printout.data["date"] == "2018年3月21日"
    assert printout.data["objection"] == ""


def test_notice_out_of_scope_is_not_found_and_no_notice_is_refused(client, users, village, noticed):
    client.force_login(users["other"])
    assert client.get(f"/procedures/{noticed[0].pk}/notice.pdf").status_code == 404
    assert client.get(f"/procedures/{noticed[0].pk}/minutes.pdf").status_code == 404
    client.force_login(users["county"])
    assert client.get(f"/procedures/{10**30}/notice.pdf").status_code == 404
    fresh = _apply(users["county"], village, 20).procedures.get(kind="identification")
    response = client.get(f"/procedures/{fresh.pk}/notice.pdf")
    assert response.status_code == 400
    assert "公示" in response.content.decode()


# ---- minutes -----------------------------------------------------------------------------------------------------


def test_minutes_of_a_vote(client, users, noticed):
    printout = printing.procedure_minutes(viewer=users["inspector"], procedure_id=noticed[0].pk)
    rows = dict(printout.data["rows"])
    assert rows["会议时间"] == "2018年3月3日"
    assert rows["到会情况"] == "应到 30 人，实到 21 人，缺席 9 人"
    assert rows["到会要求"] == "实到代表不少于应到代表的 2/3，即至少 20 人；本次符合要求"
    assert rows["表决情况"].startswith("赞成 15 票")
    assert "合计 6 票" in rows["表决情况"]
    assert rows["通过要求"] == "赞成票超过实到代表的 1/2，即至少 11 票"
    assert rows["评议结果"] == "通过"
    assert rows["备注"] == "与会代表无异议"
    assert printout.data["signature_cells"] == 24
    client.force_login(users["inspector"])
    response = client.get(f"/procedures/{noticed[0].pk}/minutes.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_chinese_pdf(response.content, "民主评议会议记录应到实到赞成通过主持人签字参会代表")


def test_minutes_before_the_vote_are_a_blank_form_monitoring_included(users, village):
    officer = users["county"]
    procedure = _apply(officer, village, 30).procedures.get(kind="identification")
    p.procedure_step_record(actor=officer, procedure=procedure, step="nominate", on=day(1), signer="组长")
    rows = dict(printing.procedure_minutes(viewer=officer, procedure_id=procedure.pk).data["rows"])
    assert rows["会议时间"] == ""
    assert rows["表决情况"] == ""
    assert rows["到会要求"] == "实到代表不少于应到代表的 2/3"
    household = make_household(village, 31)
    monitoring = p.procedure_open(actor=officer, household=household, kind="monitoring", on=D, reason="边缘易致贫户")
    # the monitoring procedure has its 村级民主评议 (2021 guidance), after the checks that come first
    from fupin.core.errors import ValidationError

    with pytest.raises(ValidationError, match="未进行「村级民主评议」"):
        printing.procedure_minutes(viewer=officer, procedure_id=monitoring.pk)
    for step in ("report", "verify", "consent", "compare"):
        p.procedure_step_record(actor=officer, procedure=monitoring, step=step, on=D, signer="x")
    rows = dict(printing.procedure_minutes(viewer=officer, procedure_id=monitoring.pk).data["rows"])
    assert rows["表决情况"] == ""


# ---- fonts -------------------------------------------------------------------------------------------------------


def test_without_a_cjk_font_printing_is_refused_in_chinese(client, users, village, monkeypatch, tmp_path):
    monkeypatch.setattr(typesetting, "CJK_FONT_DIRS", (str(tmp_path),))
    monkeypatch.delenv(printing.FONT_DIRS_ENV, raising=False)
    household = make_household(village, 8)
    with pytest.raises(printing.PrintUnavailableError, match="中文字体"):
        printing.render_pdf(printing.household_card(viewer=users["county"], household_no=household.household_no))
    client.force_login(users["county"])
    response = client.get(f"/households/{household.household_no}/card.pdf")
    assert response.status_code == 503
    assert "fonts-noto-cjk" in response.content.decode()


def test_the_cjk_font_is_found():
    fonts = printing.cjk_fonts()
    assert fonts.serif
    assert fonts.sans
    assert fonts.paths
