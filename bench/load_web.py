"""Load test of the workbench on loopback: N concurrent clients score notes for D seconds; zero errors expected.

    .venv/bin/python bench/load_web.py                      # starts `competency serve` on a free port, 50 clients, 60 s
    .venv/bin/python bench/load_web.py --url http://127.0.0.1:8000 --token …   # against a running workbench

Each client sends one request at a time (closed loop), so the run is bounded: it stops sending at the deadline and
waits at most one request timeout for the requests in flight. Notes come from engine/examples and corpora/dev.jsonl
(never the test corpus). Prints throughput and p50/p90/p99 latency; exits 1 on any error.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "engine" / "examples" / "notes.jsonl", ROOT / "corpora" / "dev.jsonl")


def load_requests() -> list[dict]:
    requests = []
    for path in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                note = json.loads(line)
                requests.append({"text": note["text"], "frameworks": note["frameworks"], "id": note["id"],
                                 **({"position": note["position"]} if note.get("position") else {})})
    return requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "COMPETENCY_TOKEN"}
    return subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(url: str, headers: dict, limit: float = 180.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/info", headers=headers, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the workbench at {url} did not answer within {limit:.0f} s")


def peak_rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def client(k: int, http: httpx.AsyncClient, requests: list[dict], deadline: float, latencies: list[float],
                 errors: list[str]) -> None:
    i = k * 7
    while time.monotonic() < deadline:
        body = requests[i % len(requests)]
        i += 1
        started = time.perf_counter()
        try:
            response = await http.post("/api/score", json=body)
            if response.status_code != 200:
                errors.append(f"{body['id']}: HTTP {response.status_code} {response.text[:200]}")
                continue
            data = response.json()
            if "competencies" not in data or "indicators" not in data:
                errors.append(f"{body['id']}: not a result object")
                continue
        except httpx.HTTPError as exc:
            errors.append(f"{body['id']}: {type(exc).__name__} {exc}")
            continue
        latencies.append(time.perf_counter() - started)


async def run(url: str, headers: dict, clients: int, duration: float, timeout: float, requests: list[dict]):
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=timeout, limits=limits) as http:
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(*(client(k, http, requests, deadline, latencies, errors) for k in range(clients)))
        elapsed = time.monotonic() - started
    return latencies, errors, elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="A running workbench (default: start one on a free loopback port)")
    parser.add_argument("--token", default=os.environ.get("COMPETENCY_TOKEN"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of sending")
    parser.add_argument("--timeout", type=float, default=120.0, help="per request, seconds")
    args = parser.parse_args()
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    requests = load_requests()
    server = None
    url = args.url
    if url is None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_server(port)
    try:
        wait_ready(url, headers)
        latencies, errors, elapsed = asyncio.run(run(url, headers, args.clients, args.duration, args.timeout, requests))
        rss = peak_rss_mib(server.pid) if server else None
    finally:
        if server:
            server.terminate()
            server.wait(30)
    done = len(latencies)
    chars = sum(len(requests[i % len(requests)]["text"]) for i in range(len(requests))) / len(requests)
    print(f"workbench load test: {args.clients} clients, {args.duration:g} s of sending, {elapsed:.1f} s in all, "
          f"{len(requests)} distinct notes (mean {chars:.0f} characters)")
    print(f"  requests ok {done}, errors {len(errors)}")
    if done:
        print(f"  throughput {done / elapsed:.2f} notes/s")
        print(f"  latency p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p90 {percentile(latencies, 0.9) * 1000:.0f} ms, "
              f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, "
              f"mean {statistics.fmean(latencies) * 1000:.0f} ms")
    if rss is not None:
        print(f"  server peak RSS {rss:.0f} MiB")
    for error in errors[:10]:
        print(f"  error: {error}")
    return 1 if errors or not done else 0


if __name__ == "__main__":
    sys.exit(main())
