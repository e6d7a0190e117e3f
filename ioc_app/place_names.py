"""How a provincial unit is named on screen, in the page's language.

- In full where a unit is named on its own: headings, the province page's title, sentences,
  tooltips, the scope label ("Thành phố Hồ Chí Minh", "Tỉnh Cao Bằng"; "Hồ Chí Minh City",
  "Cao Bằng Province").
- Short in dense lists: table columns, chart axes, dropdown options, map labels ("TP. Hồ Chí Minh",
  "Cao Bằng"; "Hồ Chí Minh City", "Cao Bằng").

A city keeps its "Thành phố" / "TP." in both forms: a bare "Hồ Chí Minh" names the President, not
the city. The code tables keep the bare name (it is what sorting and joins use).
"""

from __future__ import annotations

from geo import provinces as geo
from ioc_app.i18n import t


def place_name(name: str, is_city: bool, lang: str, *, full: bool = True) -> str:
    """A unit's name from its bare name and kind: in full, or the short form of dense lists."""
    if is_city:
        key = "place.city" if full else "place.city_short"
    else:
        key = "place.province" if full else "place.province_short"
    return t(key, lang).format(name=name)


def province_name(code: str, lang: str, *, level: str = "34", full: bool = True) -> str:
    """The name of the unit ``code`` of ``level`` (34 current units, 63 legacy ones)."""
    unit: geo.Province | geo.LegacyProvince = (
        geo.legacy_by_code()[code] if level == "63" else geo.province_by_code()[code]
    )
    return place_name(unit.name, unit.is_city, lang, full=full)
