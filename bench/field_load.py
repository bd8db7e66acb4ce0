"""Loopback load generator for the field work: N first secretaries (bench-fs-1 … bench-fs-N), each in their own
village, save work-log entries as fast as answers come back (closed loop, no think time: the worst case).

    python bench/field_load.py http://127.0.0.1:8000 PASSWORD --users 20 --seconds 30 --warmup 5

Each virtual user logs in, opens the entry form once for the date the server calls today, then posts entries
(a meeting or a good deed, as a phone would) in a loop. Only the save is timed: the POST until its redirect
answers. Prints one JSON object: saves, errors, throughput, latency percentiles (ms). No Django here.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import threading
import time
import urllib.parse

from dashboard_load import Client, Clock

DATE = re.compile(r'name="date" value="(\d{4}-\d{2}-\d{2})"')


def user_loop(base: str, username: str, password: str, clock: Clock, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - choosing words, not secrets
    client = Client(base)
    client.request("GET", "/login/")
    form = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")})  # fmt: skip
    status, _ = client.request("POST", "/login/", form)
    if status != 302:
        raise SystemExit(f"login failed for {username}: HTTP {status}")
    status, page = client.request("GET", "/field/log/new/?kind=meeting")
    found = DATE.search(page)
    if status != 200 or found is None:
        raise SystemExit(f"the entry form failed for {username}: HTTP {status}")
    today = found.group(1)
    while time.perf_counter() < clock.start:
        time.sleep(0.001)
    k = 0
    while (now := time.perf_counter()) < clock.stop:
        k += 1
        kind = rng.choice(["meeting", "good_deed"])
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": client.cookies.get("csrftoken", ""), "kind": kind,
                                       "date": today, "household": "", "purpose": "",
                                       "content": f"压力测试记录 {k}：召开群众会，宣讲政策", "amount": "",
                                       "funds_source": ""})  # fmt: skip
        status, text = client.request("POST", "/field/log/new/", body)
        elapsed = time.perf_counter() - now
        if status != 302:
            clock.errors.append(status)
            if len(clock.errors) == 1:
                import sys

                sys.stderr.write(text[:3000])
        elif now >= clock.warm_until:
            clock.latencies.append(elapsed)


def run(base: str, password: str, users: int, seconds: float, warmup: float) -> dict[str, object]:
    start = time.perf_counter() + 3 + users * 0.2
    clock = Clock(start, start + warmup, start + warmup + seconds)
    threads = [
        threading.Thread(target=user_loop, daemon=True, args=(base, f"bench-fs-{i + 1}", password, clock, i))
        for i in range(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + warmup + 120)
    if not clock.latencies:
        raise SystemExit(f"no successful saves ({len(clock.errors)} errors: {sorted(set(clock.errors))})")
    ordered = sorted(clock.latencies)

    def pct(p: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {
        "users": users, "seconds": seconds, "saves": len(ordered), "errors": len(clock.errors),
        "statuses": sorted(set(clock.errors)),
        "throughput": round(len(ordered) / seconds, 1), "p50_ms": pct(0.50), "p95_ms": pct(0.95),
        "p99_ms": pct(0.99), "max_ms": round(1000 * ordered[-1], 1),
        "mean_ms": round(1000 * statistics.fmean(ordered), 1),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base")
    parser.add_argument("password")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.base.rstrip("/"), args.password, args.users, args.seconds, args.warmup)))  # noqa: T201


if __name__ == "__main__":
    main()
