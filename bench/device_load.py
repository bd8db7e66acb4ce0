"""Loopback load generator for the field devices (issue 22): N phones running ODK Collect, each with its own
first secretary's token, come online at once and send their outboxes; and one phone's first download.

    python bench/device_load.py http://127.0.0.1:8000 TOKENS.json --outbox 10

TOKENS.json maps user names to read-write tokens. First, one device's initial download, timed and weighed: the
form list, every form, then its village's households and monitoring cases through the API, page by page. Then
every device sends its outbox (visits and meetings as ODK submissions, one instanceID each) as fast as answers
come back, all at once; then sends it again, as a phone that lost the answers would (every one a duplicate).
Prints one JSON object. No Django here.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import statistics
import threading
import time
import urllib.parse
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo


class Device:
    """One phone: a keep-alive connection, its user's credentials (Basic for OpenRosa, Bearer for the API)."""

    def __init__(self, base: str, username: str, token: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        basic = base64.b64encode(f"{username}:{token}".encode()).decode()
        self.basic, self.bearer = f"Basic {basic}", f"Bearer {token}"

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:  # fmt: skip
        headers = {"X-Forwarded-Proto": "https", "X-OpenRosa-Version": "1.0", **(headers or {})}
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                return response.status, data, {k.lower(): v for k, v in response.getheaders()}
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def submit(self, xml: bytes) -> int:
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; "
                f"filename=\"submission.xml\"\r\nContent-Type: text/xml\r\n\r\n").encode() + xml + (
                f"\r\n--{boundary}--\r\n").encode()  # fmt: skip
        status, _, _ = self.request("POST", "/odk/submission", body,
                                    {"Authorization": self.basic,
                                     "Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
        return status


def download(device: Device) -> dict[str, object]:
    """The first download of a phone: forms, then its households and cases, page by page."""
    started, size, requests, households, cases = time.perf_counter(), 0, 0, 0, 0
    status, data, _ = device.request("GET", "/odk/formList", headers={"Authorization": device.basic})
    assert status == 200, status
    size, requests = size + len(data), requests + 1
    for url in [u.split("</downloadUrl>")[0] for u in data.decode().split("<downloadUrl>")[1:]]:
        path = urllib.parse.urlsplit(url).path
        status, form, _ = device.request("GET", path, headers={"Authorization": device.basic})
        assert status == 200, status
        size, requests = size + len(form), requests + 1
    for first in ("/api/registry/households?limit=500", "/api/monitoring/cases?status=&limit=500"):
        url = first
        while url:
            status, page, headers = device.request("GET", url, headers={"Authorization": device.bearer})
            assert status == 200, (status, page[:300])
            size, requests = size + len(page), requests + 1
            count = len(json.loads(page))
            households, cases = (households + count, cases) if "registry" in url else (households, cases + count)
            link = headers.get("link", "")
            url = link[1 : link.index(">")] if link else ""
    return {"seconds": round(time.perf_counter() - started, 3), "bytes": size, "requests": requests,
            "households": households, "cases": cases}  # fmt: skip


def outbox(n: int, today: str) -> list[bytes]:
    kinds = ["meeting", "good_deed"]
    return [(f'<?xml version="1.0"?><data id="worklog" version="bench"><kind>{kinds[k % 2]}</kind>'
             f"<date>{today}</date><household></household><purpose></purpose>"
             f"<content>离线记录 {k}：召开群众会，宣讲政策</content><amount></amount><funds_source></funds_source>"
             f"<risk></risk><meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta></data>").encode()
            for k in range(n)]  # fmt: skip


def sync(devices: list[Device], boxes: list[list[bytes]]) -> dict[str, object]:
    """Every device sends its whole outbox at once; each submission timed until its answer."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock, gate = threading.Lock(), threading.Barrier(len(devices))

    def send(device: Device, box: list[bytes]) -> None:
        gate.wait()
        for xml in box:
            t = time.perf_counter()
            status = device.submit(xml)
            elapsed = time.perf_counter() - t
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=send, args=(d, b)) for d, b in zip(devices, boxes, strict=True)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {"submissions": len(latencies), "seconds": round(wall, 3), "statuses": statuses,
            "p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1),
            "p99_ms": round(cuts[98] * 1000, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("tokens")
    parser.add_argument("--outbox", type=int, default=10)
    args = parser.parse_args()
    tokens = json.loads(Path(args.tokens).read_text(encoding="utf-8"))
    devices = [Device(args.base, name, token) for name, token in tokens.items()]
    first = download(Device(args.base, *next(iter(tokens.items()))))
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    boxes = [outbox(args.outbox, today) for _ in devices]
    sent = sync(devices, boxes)
    again = sync(devices, boxes)  # the same outboxes resent: every one a duplicate, answered, nothing written
    print(json.dumps({"download": first, "sync": sent, "resend": again, "devices": len(devices)}))  # noqa: T201


if __name__ == "__main__":
    main()
