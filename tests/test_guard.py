"""One way for an update callback to fail: logged, last good content kept, the shell's notice shown."""

from __future__ import annotations

import logging

import pytest
from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.exceptions import PreventUpdate

from callbacks.guard import guarded
from layouts.ids import Shell


def _in_callback(lang: str = "en") -> AttributeDict:
    """A callback request's context, as Dash sets it while a callback runs."""
    ctx = AttributeDict(
        updated_props={},
        states_list=[],
        inputs_list=[{"id": Shell.LANG, "property": "data", "value": lang}],
        triggered_inputs=[],
        outputs_list=[],
    )
    ctx.state_values = {f"{Shell.LANG}.data": lang}
    ctx.input_values = {}
    return ctx


def test_a_failure_keeps_every_output_and_shows_the_notice(caplog: pytest.LogCaptureFixture) -> None:
    def broken(_lang: str) -> tuple[int, int, int]:
        raise RuntimeError("database gone")

    ctx = _in_callback("en")
    token = context_value.set(ctx)
    try:
        with caplog.at_level(logging.ERROR):
            assert guarded("overview", 3)(broken)("en") == (no_update, no_update, no_update)
    finally:
        context_value.reset(token)
    assert "callback overview failed" in caplog.text and "database gone" in caplog.text
    assert ctx.updated_props[Shell.NOTICE]["hidden"] is False
    assert "temporarily unavailable" in ctx.updated_props[Shell.NOTICE]["children"]


def test_success_hides_the_notice_and_prevent_update_passes_through() -> None:
    ctx = _in_callback("vi")
    token = context_value.set(ctx)
    try:
        assert guarded("ok")(lambda: "figures")() == "figures"
        assert ctx.updated_props[Shell.NOTICE] == {"hidden": True}

        def nothing_new() -> None:
            raise PreventUpdate

        with pytest.raises(PreventUpdate):
            guarded("poll")(nothing_new)()
    finally:
        context_value.reset(token)


def test_outside_a_request_the_body_still_answers() -> None:
    assert guarded("single")(lambda: (_ for _ in ()).throw(ValueError("x")))() is no_update
