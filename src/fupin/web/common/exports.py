"""Streaming CSV and xlsx responses for any scoped list."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

from fupin.lib.tabular import neutralise


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream() -> Iterable[str]:
        yield "\ufeff"  # BOM so that Excel opens UTF-8 Chinese correctly
        yield writer.writerow(headers)
        for row in rows:
            yield writer.writerow([neutralise(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}.csv"
    return response


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append(list(headers))
    for row in rows:
        ws.append([neutralise(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}.xlsx"
    return response


def export_response(
    fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse | StreamingHttpResponse:
    """A list as ``fmt`` (csv or xlsx); any other format is a 404. ``rows`` is consumed only for a known format."""
    if fmt == "csv":
        return csv_response(filename, headers, rows)
    if fmt == "xlsx":
        return xlsx_response(filename, headers, rows)
    raise Http404("不支持的导出格式")


def export_name(what: str, area_code: str | None) -> str:
    """A download's name that says what, where and when: 贫困户家庭成员-威宁彝族回族苗族自治县-20261202."""
    from django.utils import timezone

    from fupin.areas.selectors import area_names

    name = area_names([area_code]).get(area_code, "") if area_code else ""
    return "-".join(part for part in (what, name, f"{timezone.localdate():%Y%m%d}") if part)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
