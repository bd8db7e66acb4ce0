"""Printed paper as PDF: a household's 建档立卡信息卡, a procedure's 公示/公告 and its 民主评议会议记录.

Whoever may view the household may print (the inspector too: printing writes nothing); out of scope is not found.
The registry's ``printing`` builds the documents from scoped reads and typesets them."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from fupin.registry import printing
from fupin.web.common.params import viewer_of


def pdf_response(printout: printing.Printout) -> HttpResponse:
    """The PDF shown in the browser (its own print button prints it); personal data, so never cached."""
    response = HttpResponse(printing.render_pdf(printout), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(printout.filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def household_card_pdf(request: HttpRequest, household_no: str) -> HttpResponse:
    return pdf_response(printing.household_card(viewer=viewer_of(request), household_no=household_no))


@require_safe
@login_required
def procedure_notice_pdf(request: HttpRequest, procedure_id: int) -> HttpResponse:
    return pdf_response(printing.procedure_notice(viewer=viewer_of(request), procedure_id=procedure_id))


@require_safe
@login_required
def procedure_minutes_pdf(request: HttpRequest, procedure_id: int) -> HttpResponse:
    return pdf_response(printing.procedure_minutes(viewer=viewer_of(request), procedure_id=procedure_id))
