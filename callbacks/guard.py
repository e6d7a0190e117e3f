"""One way for an update callback to fail: log it, keep the last good content, say so.

Every callback that re-reads data (a new snapshot, a new selection, a sort) is registered through
``guarded``. When its body raises, the error goes to the log with its traceback, every output is
left as it was (``no_update``: the user keeps the last good figures, never a crash page or a blank
panel) and the shell's notice says the data is temporarily unavailable, in the user's language.
The next guarded callback that succeeds hides the notice again.

Bad input (``InputError``, from the checks at the boundary) is not a data failure: it passes
through, and the server answers it with 400.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from dash import callback_context, no_update, set_props
from dash._callback_context import context_value
from dash.exceptions import PreventUpdate

from ioc_app.access import Forbidden
from ioc_app.i18n import normalise_language, t
from ioc_app.inputs import InputError
from layouts.ids import Shell

log = logging.getLogger(__name__)


def _language() -> str:
    """The user's language from the callback's own inputs or states (the shell's store), else the default."""
    key = f"{Shell.LANG}.data"
    for group in (callback_context.states, callback_context.inputs):
        if key in group:
            return normalise_language(group[key])
    return normalise_language(None)


def _notice(failed: bool) -> None:
    if not context_value.get(None):
        return  # called outside a request (tests call the wrapped bodies directly too)
    if failed:
        set_props(Shell.NOTICE, {"hidden": False, "children": t("error.unavailable", _language())})
    else:
        set_props(Shell.NOTICE, {"hidden": True})


def guarded(name: str, outputs: int | tuple[str, ...] = 1) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a callback body with ``outputs`` outputs, or with outputs by these names (see the module's docstring)."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        def wrapper(*args: Any) -> Any:
            try:
                result = fn(*args)
            except (PreventUpdate, InputError, Forbidden):
                raise  # bad input is a 400, a refusal a 403 (ioc_app.access): never a notice, never old content
            except Exception:  # the one place update callbacks fail: logged, content kept
                log.exception("callback %s failed", name)
                _notice(True)
                if isinstance(outputs, tuple):
                    return {key: no_update for key in outputs}
                return no_update if outputs == 1 else tuple(no_update for _ in range(outputs))
            _notice(False)
            return result

        return wrapper

    return decorate
