#!/usr/bin/env python3
"""The loopback session scenario for python-requests: log in once, then GETs with a default header, a default
param and the session cookie; one caller in sequence, then 32 threads sharing the session.

Usage: bench_requests.py BASE_URL [--seconds N]
       bench_requests.py BASE_URL --cpu N     CPU time per request of N sequential requests (benchmarks/cpu-ab.sh)
Prints one JSON object with requests per second (or CPU microseconds per request) for each case.
"""
import json
import sys
import threading
import time

import requests


def run(base, seconds):
    session = requests.Session()
    session.headers["X-Api-Key"] = "k"
    session.params = {"v": "1"}
    session.post(base + "/login").raise_for_status()
    url = base + "/anything"

    for _ in range(200):  # warm up the connection pool
        session.get(url).content

    count = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        session.get(url).content
        count += 1
    sequential = count / seconds

    total = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        done = 0
        while time.perf_counter() < stop:
            session.get(url).content
            done += 1
        with lock:
            total[0] += done

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    concurrent = total[0] / seconds

    return {
        "client": "python-requests " + requests.__version__,
        "sequential_rps": round(sequential, 1),
        "concurrent32_rps": round(concurrent, 1),
    }


def cpu(base, requests_count):
    session = requests.Session()
    session.headers["X-Api-Key"] = "k"
    session.params = {"v": "1"}
    session.post(base + "/login").raise_for_status()
    url = base + "/anything"
    for _ in range(500):
        session.get(url).content
    start = time.process_time()
    for _ in range(requests_count):
        session.get(url).content
    return {
        "client": "python-requests " + requests.__version__,
        "sequential_cpu_us_per_request": round((time.process_time() - start) * 1e6 / requests_count, 1),
    }


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if "--cpu" in sys.argv:
        print(json.dumps(cpu(sys.argv[1].rstrip("/"), int(sys.argv[sys.argv.index("--cpu") + 1]))))
        sys.exit(0)
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 5.0
    print(json.dumps(run(sys.argv[1].rstrip("/"), seconds)))
