"""A fake BPS WebAPI: a real HTTP server on 127.0.0.1 (random port) in a thread.

It answers like the real one (../shared/spec/bps-webapi.md):
- path-style (`/v1/api/list/model/data/.../key/K/`) and query-style
  (`/v1/api/list?model=data&...&key=K`) routes, and `/v1/api/domain/type/prov/key/K/`;
- key check: no key -> "Parameter Key is Missing.", unknown key -> `404 UserNotFound`;
- `th` required and well formed, at most 3 years (the API's own messages);
- list models (`var`, `th`, `turth`, `vervar`, domains) paginated like the API;
- dynamic data from the live captures in ../shared/fixtures/bps-live when they hold the
  requested var / years / turth, else from the bundled snapshot; years nobody
  holds -> "not-available", an unknown var -> "list-not-available"; TPT annual (543,
  turth 191) -> the captured list-not-available answer;
- HTTP 403 with an HTML page to non-browser User-Agents (the WAF);
- scripted trouble for the next requests (`script(...)`): an HTTP status (5xx, 429 with
  Retry-After), a slow answer, a dropped connection, malformed JSON, or any body.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

REPO = Path(__file__).resolve().parents[2]
LIVE_DIR = REPO.parent / "shared" / "fixtures" / "bps-live"
SNAPSHOT_DIR = REPO / "ingest" / "bps" / "snapshot"
API_PREFIX = "/v1/api/"

MISSING_KEY = {"status": "Error", "message": "Parameter Key is Missing."}
USER_NOT_FOUND = {"status": "404 UserNotFound"}
BAD_TH = {
    "status": "Error",
    "message": "'th' parameter is required and must be an integer, separated by colon (:) "
    "for range or semicolon (;) for multiple values.",
}
NOT_AVAILABLE = {"status": "OK", "data-availability": "not-available", "data": ""}
LIST_NOT_AVAILABLE = {"status": "OK", "data-availability": "list-not-available", "data": ""}
WAF_PAGE = (
    "<!DOCTYPE html><html><head><title>403 Forbidden</title></head>"
    "<body><h1>Request blocked</h1><p>Access denied by security policy.</p></body></html>"
)
# live captures whose request cannot be read from their body (README of the captures)
LIVE_UNAVAILABLE = {("543", 191): "tpt_annual_543_2023_2025_live.json"}
LIVE_UNAVAILABLE_YEARS = {2023, 2024, 2025}


def _text(val) -> str:
    return str(val).strip()


@dataclass
class Seen:
    path: str
    params: dict[str, str]
    user_agent: str


@dataclass
class _Entry:
    name: str
    body: dict
    var: str
    years: dict[str, int]  # tahun val -> year
    turvars: set[str]
    turtahuns: set[str]


def _entries(folder: Path, pattern: str) -> list[_Entry]:
    out = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob(pattern)):
        body = json.loads(path.read_text("utf-8"))
        if not isinstance(body, dict) or "datacontent" not in body:
            continue
        out.append(
            _Entry(
                name=path.name,
                body=body,
                var=_text(body["var"][0]["val"]),
                years={_text(t["val"]): int(t["label"]) for t in body["tahun"]},
                turvars={_text(t["val"]) for t in body["turvar"]},
                turtahuns={_text(t["val"]) for t in body["turtahun"]},
            )
        )
    return out


class FakeBps:
    """Start with `with FakeBps() as fake:`; `fake.url` is the API base URL."""

    def __init__(
        self,
        *,
        keys: tuple[str, ...] = ("TEST-KEY",),
        live_dir: Path | None = LIVE_DIR,
        snapshot_dir: Path | None = SNAPSHOT_DIR,
        per_page: int = 10,
        use_live: bool = True,
    ):
        self.keys = set(keys)
        self.per_page = per_page
        self.live_dir = live_dir if use_live and live_dir and live_dir.is_dir() else None
        self.live = _entries(self.live_dir, "*_live.json") if self.live_dir else []
        self.snapshot = _entries(snapshot_dir, "*.json") if snapshot_dir else []
        self.seen: list[Seen] = []
        self._script: deque = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.overrides: dict[str, dict] = {}  # var -> body served for any data request

    # --- control ---

    def start(self) -> FakeBps:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeBps:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server, "not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    def script(self, *actions) -> None:
        """Trouble for the next requests, one action each, in order:
        an int HTTP status (500, 503, 429...), ("status", code, {headers}),
        ("sleep", seconds) (then the normal answer), "drop" (close without answering),
        "malformed" (truncated JSON with HTTP 200), "html" (HTML page with HTTP 200),
        or a dict: that JSON body with HTTP 200."""
        with self._lock:
            self._script.extend(actions)

    def _next_action(self):
        with self._lock:
            return self._script.popleft() if self._script else None

    def data_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.params.get("model") == "data"]

    # --- answers ---

    def answer(self, params: dict[str, str], route: str) -> tuple[int, dict]:
        if "key" not in params or not params["key"]:
            return 200, MISSING_KEY
        if params["key"] not in self.keys:
            return 200, USER_NOT_FOUND
        if route == "domain":
            return 200, self._domains(params)
        model = params.get("model")
        if model == "data":
            return 200, self._data(params)
        if model in ("var", "th", "turth", "vervar", "subject"):
            return 200, self._paged(self._list_items(model, params), params)
        return 200, USER_NOT_FOUND  # BPS answers most malformed requests like this

    def _years(self, th: str) -> list[str] | None:
        if re.fullmatch(r"\d+:\d+", th):
            start, end = (int(x) for x in th.split(":"))
            return [str(x) for x in range(start, end + 1)] if start <= end else None
        if re.fullmatch(r"\d+(;\d+)*", th):
            return list(dict.fromkeys(th.split(";")))
        return None

    def _data(self, params: dict[str, str]) -> dict:
        ths = self._years(params.get("th", ""))
        if not ths:
            return BAD_TH
        if len(ths) > 3:
            return {
                "status": "Error",
                "message": "The maximum allowed number of years for the 'th' parameter is 3. "
                f"You provided {len(ths)}.",
            }
        var = params.get("var", "")
        if not var.isdigit():
            return USER_NOT_FOUND
        if var in self.overrides:
            return self.overrides[var]
        turvar, turth = params.get("turvar"), params.get("turth")
        unavailable = LIVE_UNAVAILABLE.get((var, int(turth) if turth and turth.isdigit() else -1))
        years = {int(t) + 1900 for t in ths}
        if self.live_dir and unavailable and years & LIVE_UNAVAILABLE_YEARS:
            return json.loads((self.live_dir / unavailable).read_text("utf-8"))
        candidates = [
            e
            for e in self.live + self.snapshot
            if e.var == var
            and (turvar is None or turvar in e.turvars)
            and (turth is None or turth in e.turtahuns)
        ]
        if not candidates:
            known = any(e.var == var for e in self.live + self.snapshot)
            return NOT_AVAILABLE if known else LIST_NOT_AVAILABLE
        chosen: list[tuple[str, _Entry]] = []
        for th in ths:
            entry = next((e for e in candidates if th in e.years), None)
            if entry:
                chosen.append((th, entry))
        if not chosen:
            return NOT_AVAILABLE
        return self._compose(chosen, turvar, turth)

    @staticmethod
    def _compose(chosen: list[tuple[str, _Entry]], turvar: str | None, turth: str | None):
        body = copy.deepcopy(chosen[0][1].body)
        if turvar is not None:
            body["turvar"] = [t for t in body["turvar"] if _text(t["val"]) == turvar]
        if turth is not None:
            body["turtahun"] = [t for t in body["turtahun"] if _text(t["val"]) == turth]
        vervars = list(body["vervar"])
        known = {_text(v["val"]) for v in vervars}
        for _, entry in chosen[1:]:
            for v in entry.body["vervar"]:
                if _text(v["val"]) not in known:
                    vervars.append(v)
                    known.add(_text(v["val"]))
        body["vervar"] = vervars
        body["tahun"] = [{"val": int(th), "label": str(entry.years[th])} for th, entry in chosen]
        content = {}
        for th, entry in chosen:
            src = entry.body
            for vv in vervars:
                for var in src["var"]:
                    for tv in body["turvar"]:
                        for tt in body["turtahun"]:
                            key = "".join(
                                _text(x) for x in (vv["val"], var["val"], tv["val"], th, tt["val"])
                            )
                            if key in src["datacontent"]:
                                content[key] = src["datacontent"][key]
        body["datacontent"] = content
        return body

    def _list_items(self, model: str, params: dict[str, str]) -> list[dict]:
        var = params.get("var")
        if model == "th":
            return [{"th_id": t, "th": str(1900 + t)} for t in range(126, 86, -1)]
        if model == "turth" and self.live_dir and var == "543":
            body = json.loads(
                (self.live_dir / "tpt_subperiods_543_2023_2025_live.json").read_text()
            )
            return body["data"][1]
        entries = self.live + self.snapshot
        if model == "turth":
            seen = {}
            for e in entries:
                if e.var == var:
                    for t in e.body["turtahun"]:
                        seen[_text(t["val"])] = {"turth_id": t["val"], "turth": t["label"]}
            return list(seen.values())
        if model == "vervar":
            e = next((e for e in entries if e.var == var), None)
            return [
                {"kode_ver_id": v["val"], "vervar": v["label"]}
                for v in (e.body["vervar"] if e else [])
            ]
        if model == "subject":
            return [{"sub_id": 531, "title": "Neraca Ekonomi"}]
        seen_vars: dict[str, dict] = {}
        for e in entries:
            v = e.body["var"][0]
            seen_vars.setdefault(
                e.var, {"var_id": v["val"], "title": v["label"], "unit": v["unit"]}
            )
        keyword = (params.get("keyword") or "").lower()
        return [v for v in seen_vars.values() if keyword in v["title"].lower()]

    def _paged(self, items: list[dict], params: dict[str, str]) -> dict:
        if not items:
            return LIST_NOT_AVAILABLE
        page = int(params.get("page") or 1)
        pages = max(1, -(-len(items) // self.per_page))
        part = items[(page - 1) * self.per_page : page * self.per_page]
        info = {
            "page": page,
            "pages": pages,
            "per_page": self.per_page,
            "count": len(part),
            "total": len(items),
        }
        return {"status": "OK", "data-availability": "available", "data": [info, part]}

    def _domains(self, params: dict[str, str]) -> dict:
        if self.live_dir:
            return json.loads((self.live_dir / "domain_provinces_live.json").read_text("utf-8"))
        items = [{"domain_id": "7400", "domain_name": "Sulawesi Tenggara", "domain_url": ""}]
        return {
            "status": "OK",
            "data-availability": "available",
            "data": [{"page": 1, "pages": 1, "total": len(items)}, items],
        }


def parse_request(raw_path: str) -> tuple[str, dict[str, str]] | None:
    """(route, params) of a request path: route 'list' or 'domain'; None if unknown."""
    parts = urlsplit(raw_path)
    if not parts.path.startswith(API_PREFIX):
        return None
    segments = [unquote(s) for s in parts.path[len(API_PREFIX) :].split("/") if s]
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if not segments:
        return None
    route, rest = segments[0], segments[1:]
    if route not in ("list", "domain"):
        return None
    if len(rest) % 2:
        return None
    params.update(dict(zip(rest[::2], rest[1::2], strict=True)))
    return route, params


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # clients that gave up: not news
        pass


class _Handler(BaseHTTPRequestHandler):
    fake: FakeBps
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, code: int, body: str, content_type: str, headers: dict | None = None):
        data = body.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _json(self, code: int, body: dict, headers: dict | None = None):
        self._send(code, json.dumps(body), "application/json; charset=utf-8", headers)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        fake = self.fake
        parsed = parse_request(self.path)
        agent = self.headers.get("User-Agent", "")
        fake.seen.append(Seen(self.path, parsed[1] if parsed else {}, agent))
        try:
            if not agent.startswith("Mozilla/"):
                return self._send(403, WAF_PAGE, "text/html; charset=utf-8")
            action = fake._next_action()
            if isinstance(action, tuple) and action[0] == "sleep":
                time.sleep(action[1])
            elif action == "drop":
                self.close_connection = True
                return None
            elif action == "malformed":
                return self._send(200, '{"status":"OK","data-availa', "application/json")
            elif action == "html":
                return self._send(200, WAF_PAGE, "text/html; charset=utf-8")
            elif isinstance(action, int):
                return self._send(action, f"<html>{action}</html>", "text/html")
            elif isinstance(action, tuple) and action[0] == "status":
                return self._send(action[1], "<html>busy</html>", "text/html", action[2])
            elif isinstance(action, dict):
                return self._json(200, action)
            if parsed is None:
                return self._send(404, "<html>Not Found</html>", "text/html")
            code, body = fake.answer(parsed[1], parsed[0])
            return self._json(code, body)
        except (BrokenPipeError, ConnectionResetError):
            return None
