"""The chat's controls: a typed date is read or refused with a message, steps by day, and a date or
destination the question names wins over the controls, saying so."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.app.controls import (
    country_label,
    destination_choices,
    question_problem,
    read_date,
    resolve,
    step_date,
)

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("typed", "day", "said"),
    [
        ("2026-11-22", dt.date(2026, 11, 22), ""),
        ("2026-11-22 00:00:00", dt.date(2026, 11, 22), ""),
        ("", TODAY, ""),
        ("today", TODAY, ""),
        ("15 March 2025", dt.date(2025, 3, 15), "Read “15 March 2025” as 2025-03-15."),
        ("March 15, 2025", dt.date(2025, 3, 15), "as 2025-03-15"),
        ("2025/03/15", dt.date(2025, 3, 15), "as 2025-03-15"),
        ("2025年3月15日", dt.date(2025, 3, 15), "as 2025-03-15"),
    ],
)
def test_dates_that_are_read(typed: str, day: dt.date, said: str) -> None:
    reading = read_date(typed, TODAY)
    assert reading.day == day and said in reading.message
    assert bool(reading.message) == bool(said)


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("2024/13/45", "there is no month 13"),
        ("2025-02-30", "February 2025 has no day 30"),
        ("March 2025", ""),
        ("22/11/2026", ""),
        ("yesterday", ""),
        ("15 Smarch 2025", ""),
    ],
)
def test_dates_that_are_not_read_say_so(typed: str, why: str) -> None:
    reading = read_date(typed, TODAY)
    assert reading.day is None and not reading.ok
    assert reading.message.startswith(f"⚠ “{typed}” is not a date") and why in reading.message
    assert "YYYY-MM-DD" in reading.message and "Nothing was answered" in reading.message


def test_the_date_steps_by_one_day() -> None:
    assert step_date("2026-02-28", 1, TODAY) == ("2026-03-01", "")
    assert step_date("2026-03-01", -1, TODAY) == ("2026-02-28", "")
    assert step_date("15 March 2025", 1, TODAY) == ("2025-03-16", "")
    assert step_date("", -1, TODAY) == ("2026-11-21", "")
    typed, message = step_date("2024/13/45", 1, TODAY)
    assert typed == "2024/13/45" and message.startswith("⚠")


def test_the_destination_the_question_names_wins_and_is_said() -> None:
    chosen = resolve("Can metallic gallium be exported to a Japanese military user?", TODAY, "US", TODAY)
    assert chosen.destination is None  # the answering stage reads JP from the question
    (notice,) = chosen.notices
    assert notice == (
        "Answered for Japan (JP), the destination your question names, not United States (US) chosen in "
        "Destination."
    )
    assert resolve("Can gallium go to the US?", TODAY, "US", TODAY).notices == ()
    assert resolve("Can gallium be exported?", TODAY, "US", TODAY).destination == "US"
    zh = resolve("可以向日本出口金属镓吗？", TODAY, "US", TODAY)
    assert zh.notices and zh.notices[0].startswith("按问题中的目的地 Japan (JP) 作答")


def test_the_date_the_question_names_wins_and_is_said() -> None:
    control = dt.date(2025, 3, 1)
    chosen = resolve("Did germanium need a licence in June 2023?", control, None, TODAY)
    assert chosen.as_of is None
    assert chosen.notices == (
        "Answered as of 2023-06-15, the date your question names, not 2025-03-01 set in As of.",
    )
    left_at_today = resolve("Did germanium need a licence in June 2023?", TODAY, None, TODAY)
    assert left_at_today.as_of is None and left_at_today.notices == ()
    plain = resolve("Is germanium controlled?", control, None, TODAY)
    assert plain.as_of == control and plain.notices == ()


def test_a_long_question_is_refused_with_the_setting_named() -> None:
    assert question_problem("x" * 2000, 2000) is None
    problem = question_problem("x" * 2001, 2000)
    assert problem is not None and "2,001 characters; the limit is 2,000" in problem
    assert "KB_MAX_QUESTION_CHARS" in problem


def test_destination_choices_and_labels() -> None:
    choices = dict(destination_choices())
    assert choices["Any destination"] == "" and choices["United States (US)"] == "US"
    assert country_label("JP") == "Japan (JP)" and country_label("ZW") == "ZW"
