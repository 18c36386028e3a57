from datetime import UTC, datetime, timedelta, timezone

from chat.dates import format_moment


def test_a_moment_is_written_in_utc_and_says_so() -> None:
    lagos = timezone(timedelta(hours=1))
    assert format_moment(datetime(2026, 5, 1, 15, 0, tzinfo=lagos)) == "2026-05-01 14:00 UTC"
    assert format_moment(datetime(2026, 5, 1, 14, 0, tzinfo=UTC)) == "2026-05-01 14:00 UTC"


def test_a_naive_moment_is_taken_as_utc_as_the_catalog_stores_it() -> None:
    assert format_moment(datetime(2026, 12, 9, 15, 0)) == "2026-12-09 15:00 UTC"
