"""The people of the load test, for locust (run by ``python -m benchmarks.load``; the plan it writes is
read from ``IOC_LOAD_PLAN``). Runs in the load test's own environment: it imports nothing of the app.

- Province officials sign in with their account (the form, its CSRF token) and work on their own
  province: its page (targets and institutions), the target page, institution page turns and a sort,
  CSV/Excel exports; now and then the province's meeting brief (PDF), and an address of another
  province's figures, which must be refused (403: that is the answer expected, counted as a success).
- Central users sign in and open the overview, change its filters, open the scorecard (sorted, exported),
  target pages and the map (another target each time); now and then the national brief.
- Wall displays sign in with their display token in the address, as a wall does, and ask for one slide
  after another of the playlist, as ``assets/present.js`` does before showing each.
- API clients read ``/api/v1/...`` with their token (``Authorization: Bearer``).

Every open page polls the snapshot state each minute (the shell's interval), between clicks. Think
time: 5 to 15 s between clicks, as an official reads a page before the next. Every answer is checked:
status, and a body of the expected kind (a callback's named outputs, a file's type, JSON fields).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import re
import time
from collections import Counter, defaultdict
from typing import Any
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, events, task

with open(os.environ["IOC_LOAD_PLAN"], encoding="utf-8") as _f:
    PLAN: dict[str, Any] = json.load(_f)

CALLBACK = "/_dash-update-component"
POLL_SECONDS = 60.0
JSON_HEADERS = {"Content-Type": "application/json"}
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
STARTED = time.monotonic()  # about when locust started (this file is read first)
RESENT = "resent: kept-alive connection closed by the server before answering"
_seats = {kind: itertools.count() for kind in ("province", "central", "walls", "api")}


def _seat(kind: str) -> Any:
    """The next person of that kind (each simulated user its own account or token)."""
    people = PLAN["people"][kind]
    return people[next(_seats[kind]) % len(people)]


def _closed_before_answer(error: Exception | None) -> bool:
    return type(error).__name__ == "HTTPConnectionClosed"


class Person(FastHttpUser):
    abstract = True
    host = PLAN["base"]
    wait_time = between(5, 15)
    network_timeout = 300.0  # a browser waits minutes for an answer (Dash sets no limit of its own)
    connection_timeout = 30.0

    def on_start(self) -> None:
        self.polled = time.monotonic()

    # --- requests, each checked -----------------------------------------------------------------

    def send(self, method: str, path: str, name: str, **kwargs: Any) -> Any:
        """One request, checked by the caller inside the returned context (``catch_response``).

        A kept-alive connection that the server closes as the request goes out (gunicorn drops connections
        idle past its keep-alive, 5 s, and a busy worker's loop may do so after a request has arrived) is
        resent once on a new connection, as browsers do for a reused connection that answers nothing; the
        attempt is counted under its own name (RESENT), not as a failure. Anything else is the caller's."""
        resp = self.client.request(method, path, name=name, catch_response=True, **kwargs)
        if resp.status_code == 0 and _closed_before_answer(resp.error):
            with resp:
                resp.request_meta["name"] = RESENT
                resp.success()
            resp = self.client.request(method, path, name=name, catch_response=True, **kwargs)
        return resp

    def callback(
        self, name: str, body: str, want: str | None = None, file: bool = False, unchanged: bool = False
    ) -> None:
        """One callback request: 200, JSON with a ``response`` holding ``want`` (with a file in it, for an
        export button: the download callback answers the file, base64 for Excel, and its name). With
        ``unchanged``, no update (nothing new: the snapshot poll's usual answer) is a right answer too."""
        with self.send("POST", CALLBACK, name, data=body, headers=JSON_HEADERS) as resp:
            if unchanged and resp.status_code == 204:
                return
            if resp.status_code != 200:
                resp.failure(f"status {resp.status_code}" + (f": {resp.error!r}" if resp.status_code == 0 else ""))
                return
            try:
                answer = json.loads(resp.content)["response"]
                if unchanged and want not in answer:
                    return  # no update: Dash answers an empty response
                found = answer[want] if want is not None else answer
            except (ValueError, KeyError, TypeError):
                resp.failure(f"no {want or 'response'} in the answer")
                return
            if file and not (found.get("data", {}).get("filename") and found["data"].get("content")):
                resp.failure("no file in the answer")

    def callbacks(self, name: str, bodies: list[str]) -> None:
        """A page opened: its content, then its panels (the browser sends them as the page appears)."""
        for i, body in enumerate(bodies):
            self.callback(name if i == 0 else f"{name}: panel", body)

    def fetch(
        self, name: str, path: str, starts: bytes = b"", expect: int = 200, field: str | None = None
    ) -> str | None:
        """A GET: the status expected, a body that starts as it should (a JSON one holding ``field``); its text."""
        with self.send("GET", path, name) as resp:
            if resp.status_code != expect:
                error = f": {resp.error!r}" if resp.status_code == 0 else ""
                resp.failure(f"status {resp.status_code}, expected {expect}{error}")
                return None
            if expect != 200:
                resp.success()  # the refusal the scenario asks for
                return None
            body = resp.content or b""
            if not body.startswith(starts):
                resp.failure(f"the body does not start with {starts!r}")
                return None
            if field is not None:
                try:
                    ok = field in json.loads(body)
                except ValueError:
                    ok = False
                if not ok:
                    resp.failure(f"no {field!r} in the answer")
                    return None
            return resp.text

    def poll(self) -> None:
        """The shell's snapshot poll, once a minute while a page is open."""
        if time.monotonic() - self.polled >= POLL_SECONDS:
            self.polled = time.monotonic()
            self.callback("poll: snapshot state", PLAN["poll"], "shell-snapshot", unchanged=True)

    def open_app(self, name: str, path: str) -> None:
        """A browser's first visit: the page, then Dash's layout and callback list (assets come from its cache)."""
        self.fetch(f"{name}: html", path, b"<!DOCTYPE html>")
        self.fetch(f"{name}: layout", "/_dash-layout", b"{")
        self.fetch(f"{name}: dependencies", "/_dash-dependencies", b"[")

    def sign_in(self, username: str) -> None:
        """The sign-in form as a person fills it: its CSRF token, then the post (redirected to the dashboard)."""
        page = self.fetch("sign in: form", "/login", b"<!")
        found = CSRF_RE.search(page) if page is not None else None
        if found is None:
            raise RuntimeError("no sign-in form")
        form = urlencode(
            {"username": username, "password": PLAN["people"]["password"], "csrf_token": found[1], "next": "/"}
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        with self.send("POST", "/login", "sign in: post", data=form, headers=headers, allow_redirects=False) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in refused: {answer.status_code}")


class ProvinceOfficial(Person):
    weight = 5

    def on_start(self) -> None:
        super().on_start()
        self.username, self.code = _seat("province")
        self.mine = PLAN["province"][self.code]
        self.others = [c for c in PLAN["province"] if c != self.code] or ["01"]
        self.sign_in(self.username)
        self.open_app("province: open", f"/province/{self.code}")
        self.callbacks("province: page", self.mine["page"])

    @task(6)
    def province_page(self) -> None:
        self.poll()
        self.callbacks("province: page", self.mine["page"])

    @task(4)
    def institutions_page_turn(self) -> None:
        self.poll()
        self.callback("province: institutions page turn", random.choice(self.mine["turns"]), "prov-institutions")

    @task(1)
    def institutions_sorted(self) -> None:
        self.callback("province: institutions sorted", self.mine["sorted"], "prov-institutions")

    @task(3)
    def target_page(self) -> None:
        self.poll()
        self.callbacks("province: target page", self.mine["target"])

    @task(2)
    def export_csv(self) -> None:
        button = random.choice(("prov-targets-csv", "prov-inst-csv"))
        self.callback("province: export csv", self.mine["exports"][button], "prov-download", file=True)

    @task(2)
    def export_xlsx(self) -> None:
        button = random.choice(("prov-targets-xlsx", "prov-inst-xlsx"))
        self.callback("province: export xlsx", self.mine["exports"][button], "prov-download", file=True)

    @task(1)
    def brief_pdf(self) -> None:
        if random.random() < 0.25:  # rarely: a brief before a meeting
            self.fetch("province: brief pdf", f"/brief/{self.code}.pdf", b"%PDF")

    @task(1)
    def another_province(self) -> None:
        if random.random() < 0.25:  # a mistyped address: the other province's figures are refused
            other = random.choice(self.others)
            self.fetch(
                "province: another province (403 expected)",
                f"/api/v1/indicators/T06?scope=province34:{other}",
                expect=403,
            )


class CentralUser(Person):
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.sign_in(_seat("central"))
        self.open_app("central: open", "/")
        self.callbacks("central: overview", PLAN["central"]["overview"])

    @task(4)
    def overview(self) -> None:
        self.poll()
        self.callbacks("central: overview", PLAN["central"]["overview"])

    @task(4)
    def filter_change(self) -> None:
        self.poll()
        self.callback("central: overview filter change", random.choice(PLAN["central"]["filters"]), "home-panels")

    @task(3)
    def scorecard(self) -> None:
        self.poll()
        self.callbacks("central: scorecard", PLAN["central"]["scorecard"])
        if random.random() < 0.3:
            self.callback("central: scorecard sorted", PLAN["central"]["scorecard_sorted"], "sc-table")

    @task(1)
    def scorecard_xlsx(self) -> None:
        self.callback("central: export xlsx", PLAN["central"]["scorecard_xlsx"], "sc-download", file=True)

    @task(3)
    def target_page(self) -> None:
        self.poll()
        code = random.choice(PLAN["targets"])
        self.callbacks("central: target page", PLAN["central"]["targets"][code])

    @task(2)
    def map_view(self) -> None:
        self.poll()
        self.callbacks("central: map", PLAN["central"]["map"])
        code = random.choice(PLAN["targets"])
        self.callback("central: map restyle", PLAN["central"]["map_restyle"][code], "map-provinces")

    @task(1)
    def brief_pdf(self) -> None:
        if random.random() < 0.2:
            self.fetch("central: brief pdf", "/brief.pdf", b"%PDF")


class WallDisplay(Person):
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        token = _seat("walls")
        query = urlencode({"playlist": PLAN["playlist"], "token": token})
        self.open_app("wall: open", f"/present?{query}")
        self.callback("wall: page", PLAN["wall"]["page"], "shell-content")
        self.slide = 0

    @task
    def next_slide(self) -> None:
        self.poll()
        slots = PLAN["wall"]["slots"]
        self.slide = (self.slide + 1) % len(slots)
        self.callback("wall: slide", slots[self.slide])


class ApiClient(Person):
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.client.auth_header = f"Bearer {_seat('api')}"
        self.codes = list(PLAN["province"])

    def api(self, name: str, path: str, field: str) -> None:
        self.fetch(name, path, b"{", field=field)

    @task(3)
    def indicators(self) -> None:
        self.api("api: indicators", "/api/v1/indicators", "indicators")

    @task(4)
    def indicator(self) -> None:
        code, province = random.choice(PLAN["targets"]), random.choice(self.codes)
        self.api("api: indicator", f"/api/v1/indicators/{code}?scope=province34:{province}", "assessments")

    @task(2)
    def plan(self) -> None:
        self.api("api: target plan", f"/api/v1/targets/{random.choice(PLAN['targets'])}/plan", "provinces")

    @task(2)
    def situation(self) -> None:
        self.api("api: target situation", f"/api/v1/targets/{random.choice(PLAN['targets'])}/situation", "value")

    @task(1)
    def institutions(self) -> None:
        self.api("api: institutions", f"/api/v1/institutions?province={random.choice(self.codes)}", "features")


# --- what the run measured: written to IOC_LOAD_SUMMARY when locust quits -------------------------------

_times: dict[str, list[float]] = defaultdict(list)  # ms per request kind, once every user runs
_failed_measured: Counter[str] = Counter()
_failed_all: Counter[str] = Counter()  # from the first request, sign-ins included
_failure_samples: list[str] = []
_resent: Counter[bool] = Counter()  # requests resent on a new connection (see Person.send): measured or not
_window: dict[str, Any] = {"start": None, "end": None, "users": None}


@events.init.add_listener
def _keep(environment: Any, **_kw: Any) -> None:
    _window["environment"] = environment


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_kw: Any) -> None:
    """Every user runs: measure for IOC_LOAD_SECONDS, then stop (however long the ramp-up took)."""
    _window["start"] = time.monotonic()
    _window["users"] = user_count
    gevent.spawn_later(float(os.environ["IOC_LOAD_SECONDS"]), _window["environment"].runner.quit)


@events.test_stopping.add_listener
def _stopping(**_kw: Any) -> None:
    _window["end"] = time.monotonic()


@events.request.add_listener
def _record(name: str, response_time: float, exception: Exception | None = None, **_kw: Any) -> None:
    if name == RESENT:
        _resent[_window["start"] is not None and _window["end"] is None] += 1
        return
    if exception is not None:
        _failed_all[name] += 1
        if len(_failure_samples) < 50:
            _failure_samples.append(f"{name}: {str(exception)[:200]}")
    if _window["start"] is not None and _window["end"] is None:
        _times[name].append(response_time)
        if exception is not None:
            _failed_measured[name] += 1


def _percentile(ordered: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least ``q`` of the values at or below it."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")


def _row(values: list[float], failures: int, seconds: float) -> dict[str, Any]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "rps": len(ordered) / seconds if seconds else 0.0,
        "p50_ms": _percentile(ordered, 0.50),
        "p95_ms": _percentile(ordered, 0.95),
        "p99_ms": _percentile(ordered, 0.99),
        "max_ms": ordered[-1] if ordered else float("nan"),
        "failures": failures,
    }


@events.quitting.add_listener
def _write_summary(environment: Any, **_kw: Any) -> None:
    start = _window["start"] or time.monotonic()
    end = _window["end"] or time.monotonic()
    seconds = end - start
    summary = {
        "users": environment.parsed_options.num_users,
        "spawned": _window.get("users"),
        "measured_after_s": start - STARTED,
        "measured_s": seconds,
        "kinds": {name: _row(v, _failed_measured[name], seconds) for name, v in _times.items()},
        "total": _row([t for v in _times.values() for t in v], sum(_failed_measured.values()), seconds),
        "failures_total": sum(_failed_all.values()),
        "failures_by_kind": dict(_failed_all),
        "failure_samples": _failure_samples,
        "resent_measured": _resent[True],
        "resent_total": _resent[True] + _resent[False],
    }
    with open(os.environ["IOC_LOAD_SUMMARY"], "w", encoding="utf-8") as out:
        json.dump(summary, out, indent=2, ensure_ascii=False)
