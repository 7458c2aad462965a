"""The field app's budget on a throttled 3G line (issue 17): Chromium, through its network emulation, against the
generated national-size data under gunicorn.

    .venv/bin/python bench/offline_bench.py [--no-prepare] [--pages 10]

(``make bench-offline`` runs it.) Steps:

1. the database and server of the load benchmark (``bench/load.py``: ``pekka_scale`` with the generated data,
   collected static files, gunicorn on 127.0.0.1:8077 with production's settings);
2. a fresh Chromium profile, a 390×844 phone, the page's network throttled to 750 kb/s down, 250 kb/s up and
   100 ms round trip (``Network.emulateNetworkConditions``), as the issue sets it;
3. *login page, first visit*: an empty cache, the time until the page's ``load`` event (everything it needs to be
   used: HTML, CSS, scripts, fonts) and the bytes it moved;
4. *offline copy*: the scale data's facilitator (``bench-facilitator``: 330 women) logs in; the time from her
   first page until the status line says the copy is ready, its size (the page cache's entries, and what
   ``navigator.storage.estimate()`` reports for the origin);
5. *later pages*: ``--pages`` of her women's pages opened online (still throttled: served from the cache within the
   network timeout, refreshed behind her) and then offline, each timed to its ``load`` event.

It prints each figure against its budget (login page ≤ 4 s, copy ≤ 10 MB and ≤ 60 s, later pages ≤ 1 s) and
writes ``bench/results/offline-<date>-<time>.json``. Timings are this machine's; the budgets are the issue's.

The throttling applies to the page's own requests. The service worker's install (its precache of the app shell,
about the size of one page view's static files) is a request of the worker, which Chromium's page emulation does
not slow: it happens after the login page is usable, and the figures below name it apart.
"""

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402 - the load benchmark's database and server, next to this file

CHROMIUM = "/usr/bin/chromium"
THREE_G = {"offline": False, "latency": 100, "downloadThroughput": 750_000 / 8, "uploadThroughput": 250_000 / 8}
BUDGET = {"login_page_s": 4.0, "copy_mb": 10.0, "copy_s": 60.0, "later_page_s": 1.0}
FACILITATOR = "bench-facilitator"

SIZE_OF_COPY = """async () => {
  let bytes = 0, entries = 0;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      if (response) { bytes += (await response.clone().blob()).size; entries += 1; }
    }
  }
  const estimate = navigator.storage && navigator.storage.estimate ? await navigator.storage.estimate() : {};
  return {bytes, entries, usage: estimate.usage || 0};
}"""

LOAD_TIME = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const moved = performance.getEntriesByType("resource").reduce((sum, r) => sum + (r.transferSize || 0), 0);
  return {load_ms: nav ? nav.loadEventEnd : 0, dom_ms: nav ? nav.domContentLoadedEventEnd : 0,
          bytes: (nav ? nav.transferSize : 0) + moved, from_cache: nav ? nav.transferSize === 0 : false};
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", load.DEFAULT_DB))
    parser.add_argument("--beneficiaries", type=int, default=100_000)
    parser.add_argument("--until", default=dt.date.today().isoformat())
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", load.DEFAULT_PASSWORD))
    parser.add_argument("--pages", type=int, default=10, help="later pages to time, online and offline")
    parser.add_argument("--no-prepare", action="store_true", help="the database is ready")
    args = parser.parse_args()

    env = load.server_env(args.database_url, figures_cache=True)
    if not args.no_prepare:
        load.prepare(args, env)
    server = load.start_server(args, env)
    try:
        results = measure(args)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(results)
    out = ROOT / "bench" / "results" / f"offline-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written {out.relative_to(ROOT)}")
    return 0 if all(check["ok"] for check in results["checks"]) else 1


def measure(args) -> dict:
    from playwright.sync_api import sync_playwright

    base = f"http://{load.HOST}:{load.PORT}"
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            viewport={"width": 390, "height": 844},
            locale="id-ID",
        )
        page = context.pages[0] if context.pages else context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", THREE_G)

        started = time.perf_counter()
        page.goto(f"{base}/akun/masuk/", wait_until="load")
        login = {"wall_s": time.perf_counter() - started, **page.evaluate(LOAD_TIME)}
        print(f"login page: load event after {login['load_ms']:.0f} ms, {login['bytes'] / 1000:.0f} KB", flush=True)

        page.get_by_label("Nama pengguna").fill(FACILITATOR)
        page.get_by_label("Kata sandi").fill(args.password)
        since = page.evaluate("() => Date.now()")
        started = time.perf_counter()
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_load_state("load")
        # offline.js prepares the copy by itself after login; the status it keeps says when it is ready.
        # offline.js writes its status ({user, count, groups, at, failed}) when the whole copy is in the cache.
        page.wait_for_function(
            "(since) => { const s = window.pekkaOffline && window.pekkaOffline.status();"
            " return Boolean(s && s.at && Date.parse(s.at) >= since); }",
            arg=since,
            timeout=600_000,
            polling=500,
        )
        copy = {"wall_s": time.perf_counter() - started, **page.evaluate(SIZE_OF_COPY)}
        saved = page.evaluate("() => window.pekkaOffline.status()")
        copy["women"], copy["failed"] = saved["count"], saved.get("failed", 0)
        print(f"offline copy ready after {copy['wall_s']:.1f} s: {copy['bytes'] / 1e6:.2f} MB", flush=True)
        # The pages of her copy, as offline.js kept their list.
        urls = page.evaluate("() => JSON.parse(localStorage.getItem('pekka-offline-urls') || '[]')")
        women = [url for url in urls if "/penerima-manfaat/" in url and url.rstrip("/").split("/")[-1].isdigit()]
        later = {"online": time_pages(page, base, women[: args.pages]), "offline": []}
        context.set_offline(True)
        later["offline"] = time_pages(page, base, women[args.pages : 2 * args.pages] or women[: args.pages])
        context.set_offline(False)
        context.close()

    mb = copy["bytes"] / 1e6
    slowest_later = max((p["wall_s"] for side in later.values() for p in side), default=0)
    checks = [
        {"what": "login page, first visit (load event)", "value": f"{login['load_ms'] / 1000:.2f} s",
         "budget": f"≤ {BUDGET['login_page_s']} s", "ok": login["load_ms"] / 1000 <= BUDGET["login_page_s"]},
        {"what": f"offline copy size ({copy['entries']} pages)", "value": f"{mb:.1f} MB",
         "budget": f"≤ {BUDGET['copy_mb']} MB", "ok": mb <= BUDGET["copy_mb"]},
        {"what": f"offline copy prepared ({copy['women']} women)", "value": f"{copy['wall_s']:.1f} s",
         "budget": f"≤ {BUDGET['copy_s']} s", "ok": copy["wall_s"] <= BUDGET["copy_s"]},
        {"what": "slowest later page (online and offline)", "value": f"{slowest_later:.2f} s",
         "budget": f"≤ {BUDGET['later_page_s']} s", "ok": slowest_later <= BUDGET["later_page_s"]},
    ]  # fmt: skip
    return {"network": THREE_G, "login": login, "copy": copy, "later": later, "checks": checks}


def time_pages(page, base: str, urls: list[str]) -> list[dict]:
    timed = []
    for url in urls:
        started = time.perf_counter()
        page.goto(base + url, wait_until="load")
        timed.append({"url": url, "wall_s": time.perf_counter() - started, **page.evaluate(LOAD_TIME)})
    return timed


def report(results: dict) -> None:
    login, copy = results["login"], results["copy"]
    print(f"\nThrottled: {THREE_G['downloadThroughput'] * 8 / 1000:.0f} kb/s down, {THREE_G['latency']} ms RTT")
    print(f"login page: load event {login['load_ms']:.0f} ms, {login['bytes'] / 1000:.0f} KB moved")
    print(
        f"offline copy: {copy['entries']} pages, {copy['bytes'] / 1e6:.2f} MB in the cache "
        f"({copy['usage'] / 1e6:.2f} MB for the origin), ready {copy['wall_s']:.1f} s after login"
    )
    for side, pages in results["later"].items():
        if pages:
            times = sorted(p["wall_s"] for p in pages)
            print(f"later pages {side}: median {times[len(times) // 2]:.2f} s, slowest {times[-1]:.2f} s")
    print()
    for check in results["checks"]:
        print(f"{'pass' if check['ok'] else 'FAIL'}  {check['what']}: {check['value']} ({check['budget']})")


if __name__ == "__main__":
    sys.exit(main())
