"""The page shell: header with title, navigation, freshness, who is signed in and language toggle, and the content slot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dash import dcc, html

from ioc_app.i18n import DEFAULT_LANGUAGE, fmt_date, fmt_datetime, role_label, t
from ioc_app.selection import DEFAULT_SELECTION
from layouts.ids import Shell

if TYPE_CHECKING:
    from ioc_app.auth import Badge

VIETNAM_UTC_OFFSET_HOURS = 7  # Vietnam keeps UTC+7 all year


def shell(
    nav_items: list[tuple[str, str]],
    default_language: str = DEFAULT_LANGUAGE,
    refresh_interval_seconds: int = 60,
    badge: Badge | None = None,
    snapshot: dict | None = None,
) -> html.Div:
    """The static frame, with the header in ``default_language`` and the freshness of ``snapshot`` (the
    newest snapshot's state, ``ioc_app.freshness``); the router fills ``Shell.CONTENT`` per URL and language."""
    return html.Div(
        className="ioc-shell",
        children=[
            dcc.Location(id=Shell.URL),
            # The language choice persists in the browser across visits.
            dcc.Store(id=Shell.LANG, storage_type="local", data=default_language),
            # The shared selection (province, type, ownership) lives as long as the tab.
            dcc.Store(id=Shell.SELECTION, storage_type="session", data=dict(DEFAULT_SELECTION)),
            dcc.Store(id=Shell.SNAPSHOT, data=snapshot),
            dcc.Interval(id=Shell.INTERVAL, interval=refresh_interval_seconds * 1000, n_intervals=0),
            # The first stop of the keyboard: past the header to the page (assets/a11y.js moves the focus).
            html.A(
                t("a11y.skip", default_language), href=f"#{Shell.CONTENT}", id=Shell.SKIP, className="ioc-skip-link"
            ),
            html.Header(
                className="ioc-header",
                children=[
                    html.Div(
                        className="ioc-brand",
                        children=[
                            html.H1(t("app.title", default_language), id=Shell.TITLE),
                            html.P(t("app.subtitle", default_language), id=Shell.SUBTITLE),
                        ],
                    ),
                    # On a phone the menu, the user and the language fold behind this button.
                    html.Button(
                        menu_label(default_language),
                        id=Shell.MENU,
                        className="ioc-menu-button",
                        n_clicks=0,
                        type="button",
                        **{"aria-expanded": "false", "aria-controls": Shell.HEADER_SIDE},  # type: ignore[arg-type]  # Dash takes aria-*/data-* props as keywords; its stubs do not list them
                    ),
                    # The decision's long name takes the width; menu and freshness stack beside it.
                    html.Div(
                        id=Shell.HEADER_SIDE,
                        className="ioc-header-side",
                        children=[
                            html.Div(
                                className="ioc-header-row",
                                children=[
                                    html.Nav(
                                        id=Shell.NAV,
                                        className="ioc-nav",
                                        children=nav_links(nav_items, default_language),
                                    ),
                                    html.Button(
                                        t("lang.toggle", default_language),
                                        id=Shell.LANG_TOGGLE,
                                        className="ioc-lang-toggle",
                                        n_clicks=0,
                                        title="Tiếng Việt / English",
                                    ),
                                ],
                            ),
                            html.Div(
                                freshness(snapshot, default_language),
                                id=Shell.FRESHNESS,
                                className="ioc-freshness",
                                **{"aria-live": "polite"},  # type: ignore[arg-type]  # Dash takes aria-*/data-* props as keywords; its stubs do not list them
                            ),
                            html.Div(id=Shell.USER, className="ioc-user", children=user_block(badge, default_language)),
                        ],
                    ),
                ],
            ),
            html.Div(id=Shell.NOTICE, className="ioc-unavailable ioc-notice", role="status", hidden=True),
            html.Main(id=Shell.CONTENT, className="ioc-content", tabIndex="-1"),
        ],
    )


def menu_label(lang: str) -> list:
    return [html.Span("☰", className="ioc-menu-icon", **{"aria-hidden": "true"}), t("nav.menu", lang)]  # type: ignore[arg-type]  # Dash takes aria-*/data-* props as keywords; its stubs do not list them


def nav_links(nav_items: list[tuple[str, str]], lang: str) -> list[dcc.Link]:
    return [dcc.Link(t(key, lang), href=href, className="ioc-nav-link") for href, key in nav_items]


def user_block(badge: Badge | None, lang: str) -> list:
    """Who is signed in (name, role, province), the administration link for admins, and the sign-out button.

    Sign-out is a plain form POST with its CSRF token: the server ends the session and shows the
    sign-in page. A display signed in by a bearer token has no session, hence no button.
    """
    if badge is None:
        return []
    role = role_label(badge.role, lang) + (f" · {badge.province_name}" if badge.province_name else "")
    children: list = [
        html.Span(badge.name, className="ioc-user-name", id=Shell.USER_NAME),
        html.Span(role, className="ioc-user-role"),
    ]
    if badge.csrf_token and badge.role in ("admin", "central", "province"):  # people with a session, not tokens
        # One data link keeps the header on one line: those who import get the import page (which
        # links the sources page); central users, who cannot import, get the sources page.
        if badge.role in ("admin", "province"):
            children.append(html.A(t("import.nav", lang), href="/import", className="ioc-nav-link ioc-import-link"))
        else:
            children.append(html.A(t("sources.nav", lang), href="/sources", className="ioc-nav-link ioc-sources-link"))
        children.append(html.A(t("alerts.title", lang), href="/alerts", className="ioc-nav-link ioc-alerts-link"))
    if badge.is_admin:
        children.append(html.A(t("auth.admin", lang), href="/admin/users", className="ioc-nav-link ioc-admin-link"))
    if badge.csrf_token:
        children.append(
            html.Form(
                className="ioc-logout-form",
                method="POST",
                action="/logout",
                children=[
                    dcc.Input(type="hidden", name="csrf_token", value=badge.csrf_token),
                    html.Button(t("auth.logout", lang), type="submit", id=Shell.LOGOUT, className="ioc-logout"),
                ],
            )
        )
    return children


def freshness(state: dict | None, lang: str) -> list:
    """'Data as of 28/11/2026 · refreshed 14:05' and, when stale, 'Stale since ...' with the reason
    (word and icon, not colour alone)."""
    import datetime as dt

    if not state or not state.get("id"):
        return [html.Span(t("fresh.none", lang), className="ioc-badge ioc-badge-stale")]
    refreshed = dt.datetime.fromisoformat(state["refreshed_at"]) + dt.timedelta(hours=VIETNAM_UTC_OFFSET_HOURS)
    parts: list = [
        html.Span(f"{t('common.data_date', lang)} {fmt_date(dt.date.fromisoformat(state['data_date']), lang)}"),
        html.Span(f" · {t('fresh.refreshed', lang)} {fmt_datetime(refreshed, lang)}", className="ioc-muted"),
    ]
    if state.get("stale"):
        # Says since when the figures shown are the latest good ones, and why nothing newer came.
        reason = state.get("reason") or "age"
        hint = t("fresh.stale_hint" if reason == "age" else f"fresh.stale_hint.{reason}", lang)
        parts.append(
            html.Span(
                f"⚠ {t('fresh.stale_since', lang)} {fmt_datetime(refreshed, lang)}",
                className="ioc-badge ioc-badge-stale",
                title=hint,
            )
        )
        if reason != "age":
            parts.append(html.Span(f" {hint}", className="ioc-stale-reason"))
    return parts


def not_found(lang: str) -> html.Div:
    return html.Div(
        className="ioc-not-found",
        children=[html.H2(t("page.not_found", lang)), dcc.Link(t("page.back_home", lang), href="/")],
    )


def unavailable(lang: str) -> html.Div:
    """Shown instead of a crash page when the data cannot be read."""
    return html.Div(className="ioc-unavailable", role="alert", children=t("error.unavailable", lang))
