"""Hardened endpoints: request limits, the callback envelope check, answers without traces, security headers.

``register(app, settings)`` adds, to the Flask server under the Dash app:

- a body limit (``max_request_bytes``, Flask's ``MAX_CONTENT_LENGTH``): larger requests get 413;
- a check of every ``/_dash-update-component`` request before Dash dispatches it: JSON of bounded
  depth with no NaN/Infinity, naming a server-side callback, with exactly that callback's outputs,
  inputs and states. Dash fails with a 500 on anything else; here it is a 400. The values
  themselves are checked by each callback (``ioc_app.inputs.checked``);
- error answers: ``InputError`` and HTTP errors as ``{"error": ..., "status": N}`` (JSON for the
  API and Dash's endpoints) with one log line; any other exception is logged with its traceback
  for the operators and answered with a generic message;
- security headers on every response (pages, callbacks, API, assets, errors).

The hooks return early or add headers only when absent, so hooks registered by other modules
(an authentication check, say) compose with these in registration order.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from dash import Dash
from flask import Flask, Response, g, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.serving import WSGIRequestHandler

from ioc_app.i18n import t
from ioc_app.inputs import InputError
from ioc_app.settings import Settings

log = logging.getLogger(__name__)

DASH_UPDATE = "/_dash-update-component"
JSON_PREFIXES = ("/api/", "/_dash-", "/healthz")
# What the Server header says instead of the software and its version.
SERVER_HEADER = "vet-ioc"
# A callback request nests about 5 deep (body, inputs, one input, its value, a store's dict).
MAX_JSON_DEPTH = 16
REFERRER_POLICY = "same-origin"
IMPORT_UPLOAD = "/import"
UPLOAD_FORM_SLACK = 64 * 1024  # the multipart envelope and the form's other fields around the file

_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


# --- the callback envelope -------------------------------------------------------------------------


def too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests deeper than ``limit`` (checked before parsing: the parser recurses)."""
    depth = 0
    for match in _BRACKETS.finditer(_STRINGS.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _no_constants(token: str) -> Any:
    raise InputError(f"{token} is not JSON (browsers send null)")


def parse_json(raw: bytes) -> Any:
    """Strict JSON: UTF-8, bounded depth, no NaN or Infinity."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the body is not UTF-8") from None
    if not text.strip():
        raise InputError("the body is empty; a callback request is a JSON object")
    if too_deep(text):
        raise InputError(f"the JSON nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text, parse_constant=_no_constants)
    except InputError:
        raise
    except (ValueError, RecursionError) as exc:
        raise InputError(f"the body is not valid JSON ({str(exc).splitlines()[0]})") from None


def callback_body() -> dict[str, Any] | None:
    """The Dash callback request's JSON object, for the request hooks that look at it before Dash does
    (Flask parses it once and keeps it). None for a body that is not one: too large, nested too deep,
    not JSON or not an object; the envelope check answers those with a 4xx."""
    try:
        body = request.get_json(silent=True)
    except (HTTPException, RecursionError):
        return None
    return body if isinstance(body, dict) else None


def _outputs_of(key: str) -> tuple[list[tuple[str, str]], bool]:
    """The (id, property) outputs a callback key names, as the renderer sends them, and whether several."""
    multi = key.startswith("..") and key.endswith("..")
    parts = key[2:-2].split("...") if multi else [key]
    return [(i, p) for i, _, p in (part.rpartition(".") for part in parts)], multi


WILDCARD = ["MATCH"]  # pattern-matching ids (the wall display's slots)
ALL = ["ALL"]  # every component of a pattern (the overview's panel parts); ALLSMALLER is not used
MAX_ALL = 256  # components one ALL pattern may name in a request (the overview has 12 panels)


def _id_matches(declared: str, got: Any) -> bool:
    """A concrete component id against a declared one: equal, or a dict id matching its MATCH pattern."""
    if isinstance(got, str):
        return got == declared
    if not isinstance(got, dict) or not declared.startswith("{"):
        return False
    pattern = json.loads(declared)
    if set(pattern) != set(got):
        return False
    for key, value in pattern.items():
        if value in (WILDCARD, ALL):
            if isinstance(got[key], bool) or not isinstance(got[key], int | str):
                return False
        elif got[key] != value:
            return False
    return True


def _ref(item: Any, what: str, with_value: bool) -> tuple[Any, str]:
    allowed = {"id", "property", "value"} if with_value else {"id", "property"}
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("id"), str | dict)
        or not isinstance(item.get("property"), str)
    ):
        raise InputError(f"each of {what} must be an object with an id and a string property")
    if set(item) - allowed:
        raise InputError(f"{what}: unexpected field {sorted(set(item) - allowed)[0][:40]!r}")
    return item["id"], item["property"]


def _is_all(declared: str) -> bool:
    return declared.startswith("{") and ALL in json.loads(declared).values()


def _matches(item: Any, want: tuple[str, str], what: str, with_value: bool) -> bool:
    """One declared reference against what was sent: one object, or for an ALL pattern a list of them."""
    want_id, want_prop = want
    items = item if _is_all(want_id) else [item]
    if _is_all(want_id) and (not isinstance(item, list) or len(item) > MAX_ALL):
        raise InputError(f"{what}: a pattern of every component must be a list of at most {MAX_ALL}")
    refs = [_ref(one, what, with_value) for one in items]
    return all(prop == want_prop and _id_matches(want_id, got_id) for got_id, prop in refs)


def _refs(items: Any, what: str, expected: list[tuple[str, str]], with_value: bool) -> None:
    if not isinstance(items, list):
        raise InputError(f"{what} must be a list")
    if len(items) != len(expected) or not all(
        _matches(item, want, what, with_value) for item, want in zip(items, expected, strict=True)
    ):
        raise InputError(f"{what} do not match the callback's {len(expected)} declared {what}")


def _changed_is_input(changed: Any, inputs: list[tuple[str, str]]) -> bool:
    if not isinstance(changed, str):
        return False
    raw_id, _, prop = changed.rpartition(".")
    got: Any = raw_id
    if raw_id.startswith("{"):
        try:
            got = json.loads(raw_id)
        except ValueError:
            return False
    return any(prop == p and _id_matches(i, got) for i, p in inputs)


def check_envelope(body: Any, callback_map: dict[str, Any]) -> None:
    """A callback request's structure (not its values): the callback exists and every part matches it."""
    if not isinstance(body, dict):
        raise InputError("a callback request is a JSON object")
    output = body.get("output")
    if not isinstance(output, str):
        raise InputError("'output' must name a callback")
    callback = callback_map.get(output)
    if callback is None or "callback" not in callback:
        raise InputError(f"no server-side callback for output {output[:80]!r}")
    expected_outputs, multi = _outputs_of(output)
    outputs = body.get("outputs")
    if not multi and isinstance(outputs, dict):
        outputs = [outputs]
    elif not multi or not isinstance(outputs, list):
        raise InputError("'outputs' must be one object for a single output, a list for several")
    _refs(outputs, "outputs", expected_outputs, with_value=False)
    inputs = [(_declared(d["id"]), str(d["property"])) for d in callback["inputs"]]
    states = [(_declared(d["id"]), str(d["property"])) for d in callback["state"]]
    _refs(body.get("inputs"), "inputs", inputs, with_value=True)
    if "state" in body or states:
        _refs(body.get("state"), "states", states, with_value=True)
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(_changed_is_input(c, inputs) for c in changed):
        raise InputError("'changedPropIds' must list some of the callback's inputs")


def _declared(component_id: Any) -> str:
    """A declared id as the callback map keeps it: a string, or a pattern as compact sorted JSON."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return str(component_id)


# --- headers -----------------------------------------------------------------------------------------


def tile_source(tile_url: str | None) -> str | None:
    """The CSP source of an online tile layer (``https://{s}.tile.example.org/...`` -> ``https://*.tile.example.org``)."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None  # a path on this server: 'self' covers it
    labels = parts.netloc.split(".")
    if "{" in labels[0]:
        labels[0] = "*"  # Leaflet's {s} subdomains
    host = ".".join(labels)
    if "{" in host or "}" in host:
        log.warning("tile URL %r: only the first host label may be a template; its tiles are not allowed", tile_url)
        return None
    return f"{parts.scheme}://{host}"


def content_security_policy(script_hashes: Sequence[str], tile_url: str | None = None) -> str:
    """The policy: scripts only from this server (plus Dash's inline renderer script, by hash)."""
    images = ["'self'", "data:", "blob:"]  # Leaflet's and Plotly's generated images, PNG downloads
    tiles = tile_source(tile_url)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        # Dash, Plotly and Leaflet set inline styles on the elements they draw.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def security_headers(policy: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": REFERRER_POLICY,
        "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    }


class QuietRequestHandler(WSGIRequestHandler):
    """The development server's handler without its banner (``Server: Werkzeug/x Python/y``)."""

    def version_string(self) -> str:
        return SERVER_HEADER


# --- answers -----------------------------------------------------------------------------------------


def _wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def _where() -> str:
    """Method and path for a log line (repr: a path may decode to control characters)."""
    return f"{request.method} {request.path[:200]!r}"


def _error(status: int, message: str) -> ResponseReturnValue:
    return jsonify({"error": message, "status": status}), status


def _bad_input(err: InputError) -> ResponseReturnValue:
    output = g.get("callback_output")
    where = f"{_where()} callback {output[:120]!r}" if isinstance(output, str) else _where()
    message = " ".join(str(err).split())  # one line, whatever the message holds
    log.warning("400 %s: %s", where, message)
    return _error(400, message)


def _http_error(err: HTTPException) -> ResponseReturnValue:
    status = err.code or 500
    if isinstance(err, RequestEntityTooLarge):
        limit = request.max_content_length
        message = f"the request body is larger than {limit:,} bytes" if limit else "the request body is too large"
        log.warning("413 %s: %s", _where(), message)
        return _error(413, message)
    if not _wants_json():
        return err  # werkzeug's short page: status and description, no trace
    log.warning("%s %s: %s", status, _where(), err.description)
    return _error(status, str(err.description))


def _unexpected(err: Exception) -> ResponseReturnValue:
    # A bug or an outage, not the visitor's doing: the traceback goes to the operators only.
    log.error("%s failed", _where(), exc_info=err)
    if _wants_json():
        return _error(500, t("error.internal", "en"))
    page = (
        "<!doctype html><html lang='vi'><meta charset='utf-8'><title>IOC GDNN</title>"
        f"<p>{html.escape(t('error.internal', 'vi'))}</p><p lang='en'>{html.escape(t('error.internal', 'en'))}</p>"
    )
    return Response(page, status=500, mimetype="text/html")


# --- wiring ------------------------------------------------------------------------------------------


def register(app: Dash, settings: Settings) -> None:
    """Limits, checks, error answers and headers (call after every callback is registered)."""
    server: Flask = app.server
    limit = settings.max_request_bytes
    server.config["MAX_CONTENT_LENGTH"] = limit
    # Dash's inline renderer script, by hash; computed once every callback is registered.
    headers = security_headers(content_security_policy(app.csp_hashes(), settings.tile_url))

    # An uploaded submission may be larger than any other request (the core refuses it past its own limit).
    upload_limit = max(limit, settings.import_max_bytes + UPLOAD_FORM_SLACK)

    @server.before_request
    def _limit_body() -> None:
        here = upload_limit if request.path == IMPORT_UPLOAD and request.method == "POST" else limit
        if here != limit:
            request.max_content_length = here
        # Flask enforces MAX_CONTENT_LENGTH only when a view reads the body; refuse at once.
        if request.content_length is not None and request.content_length > here:
            raise RequestEntityTooLarge()

    @server.before_request
    def _check_callback_request() -> None:
        if request.path != DASH_UPDATE or request.method != "POST":
            return
        if not request.is_json:
            raise InputError("a callback request is JSON (Content-Type: application/json)")
        body = parse_json(request.get_data(cache=True))
        if isinstance(body, dict):
            g.callback_output = body.get("output")  # names the callback in the log line of a refusal
        check_envelope(body, app.callback_map)

    @server.after_request
    def _add_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    server.register_error_handler(InputError, _bad_input)
    server.register_error_handler(HTTPException, _http_error)
    server.register_error_handler(Exception, _unexpected)
