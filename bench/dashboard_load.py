"""Loopback load generator for the dashboards: N virtual users, closed loop, no think time (the worst case).

    python bench/dashboard_load.py http://127.0.0.1:8000 --users 20 --seconds 30 --warmup 5

Each virtual user logs in as one of the demo accounts (province, prefecture, counties, township, village,
inspector — cycled), reads the links of the units below its home dashboard (two levels down) and then, until
time is up, opens either its home dashboard or one of those pages, at random, as fast as answers come back. Only
the HTML of the dashboard is timed: the charts' script and the county outlines are static and cached by the
browser. Prints one JSON object: requests, errors, throughput, latency percentiles (ms). No Django here.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

ACCOUNTS = ["admin", "bijie", "daozhen", "weining", "township", "secretary", "inspector"]
PASSWORD = "Fupin@2017demo"  # noqa: S105 - the demo accounts' password, printed in the README
LINK = re.compile(r'href="(/areas/\d{12}/\?year=\d{4})"')


class Client:
    """One keep-alive connection with a cookie jar of its own (a browser tab)."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        # as behind the TLS proxy of a deployment: production settings insist on HTTPS (secure cookies, CSRF referer)
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": f"https://{self.host}:{self.port}/login/",
            "X-Forwarded-Proto": "https",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def login(self, username: str) -> str:
        self.request("GET", "/login/")
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        )
        status, _ = self.request("POST", "/login/", form)
        if status != 302:
            raise SystemExit(f"login failed for {username}: HTTP {status}")
        status, home = self.request("GET", "/")
        if status != 200:
            raise SystemExit(f"home page failed for {username}: HTTP {status}")
        return home


@dataclass
class Clock:
    """When the timed window opens (after the warm-up) and closes; where the answers go."""

    start: float
    warm_until: float
    stop: float
    latencies: list[float] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)


def user_loop(base: str, username: str, clock: Clock, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - choosing pages, not secrets
    client = Client(base)
    home = client.login(username)
    pages = sorted(set(LINK.findall(home)))
    for link in pages[:5]:  # one level further down, a few of them
        _, text = client.request("GET", link)
        pages += LINK.findall(text)
    pages = sorted(set(pages)) or ["/"]
    while time.perf_counter() < clock.start:
        time.sleep(0.001)
    while (now := time.perf_counter()) < clock.stop:
        path = "/" if rng.random() < 0.5 else rng.choice(pages)
        status, _ = client.request("GET", path)
        elapsed = time.perf_counter() - now
        if status != 200:
            clock.errors.append(status)
        elif now >= clock.warm_until:
            clock.latencies.append(elapsed)


def run(base: str, users: int, seconds: float, warmup: float) -> dict[str, object]:
    start = time.perf_counter() + 3 + users * 0.15  # every user logged in before the clock starts
    clock = Clock(start, start + warmup, start + warmup + seconds)
    latencies, errors = clock.latencies, clock.errors
    threads = [
        threading.Thread(target=user_loop, daemon=True, args=(base, ACCOUNTS[i % len(ACCOUNTS)], clock, i))
        for i in range(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + warmup + 120)
    if not latencies:
        raise SystemExit("no successful requests")
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {
        "users": users, "seconds": seconds, "requests": len(ordered), "errors": len(errors),
        "throughput": round(len(ordered) / seconds, 1), "p50_ms": pct(0.50), "p95_ms": pct(0.95),
        "p99_ms": pct(0.99), "max_ms": round(1000 * ordered[-1], 1),
        "mean_ms": round(1000 * statistics.fmean(ordered), 1),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.base.rstrip("/"), args.users, args.seconds, args.warmup)))  # noqa: T201


if __name__ == "__main__":
    main()
