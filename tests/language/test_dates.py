"""Dates parsed in one place: ISO from users, dates written in questions."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.errors import QueryError
from kb.language.dates import date_in_text, day_number, parse_date, stated_start_dates

TODAY = dt.date.today()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-22", dt.date(2026, 11, 22)),
        (" 2026-11-22 ", dt.date(2026, 11, 22)),
        ("2026-11-22T10:30:00", dt.date(2026, 11, 22)),
        ("2026-11-22 10:30", dt.date(2026, 11, 22)),
        (dt.date(2025, 1, 2), dt.date(2025, 1, 2)),
        (None, TODAY),
        ("", TODAY),
        ("today", TODAY),
    ],
)
def test_parse_date(value: str | dt.date | None, expected: dt.date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2024/13/45", "15 March 2025", "2026-02-30", "yesterday"])
def test_parse_date_refuses_what_is_not_iso(value: str) -> None:
    with pytest.raises(QueryError, match="not an ISO date"):
        parse_date(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Was it controlled on 2023-06-15?", dt.date(2023, 6, 15)),
        ("in June 2023", dt.date(2023, 6, 15)),
        ("on 1 August 2023", dt.date(2023, 8, 1)),
        ("on August 1, 2023", dt.date(2023, 8, 1)),
        ("2023年6月需要许可吗", dt.date(2023, 6, 15)),
        ("2024年12月3日以后", dt.date(2024, 12, 3)),
        ("Is it controlled today?", TODAY),
        ("目前是否管制", TODAY),
        ("Is gallium controlled?", None),
        ("on 2023-02-30", None),
        # when a control began is history, not the date asked about
        ("Since March 2025 bismuth is controlled. Do ingots need a licence?", None),
        ("自2025年2月起钨就管了，钨条要许可证吗", None),
        ("《出口管制法》是2024年12月1日才开始施行的吧？", None),
        ("Controlled since 2024-09-15; what about a shipment on 2024-10-01?", dt.date(2024, 10, 1)),
    ],
)
def test_date_in_text(text: str, expected: dt.date | None) -> None:
    assert date_in_text(text, TODAY) == expected


def test_day_number_orders_like_dates() -> None:
    assert day_number(dt.date(2024, 12, 3)) == 20241203 < day_number(dt.date(2025, 1, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("《出口管制法》是2024年12月1日才开始施行的吧？", [(dt.date(2024, 12, 1), True)]),
        ("条例2024年12月起生效，对吗", [(dt.date(2024, 12, 1), False)]),
        ("The law only took effect on 1 December 2024, right?", [(dt.date(2024, 12, 1), True)]),
        ("Announcement No. 10 came into force in March 2025?", [(dt.date(2025, 3, 1), False)]),
        ("effective from 2025-02-04", [(dt.date(2025, 2, 4), True)]),
        # a date the rules are asked about, or a date of something else, says nothing of their start
        ("2025年3月1日还在实施吗", []),
        ("Is it in force on 1 March 2025?", []),
        ("We started exporting in March 2023", []),
        ("Under the Export Control Law our licence took effect on 1 March 2025", []),
        ("合同是2025年3月1日生效的", []),
    ],
)
def test_stated_start_dates(text: str, expected: list[tuple[dt.date, bool]]) -> None:
    assert stated_start_dates(text) == expected
