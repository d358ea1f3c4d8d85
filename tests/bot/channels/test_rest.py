"""The REST channel's arrival stamp: what the load balancer says, unless it is not believable."""

from __future__ import annotations

import pytest

from bot.channels.rest import arrival_time

NOW = 1_795_257_945.5


@pytest.mark.parametrize(
    "header, expected",
    [
        ("t=1795257945.417", 1795257945.417),  # nginx's $msec
        ("1795257945417", 1795257945.417),  # milliseconds
        ("t=1795257945417000", 1795257945.417),  # microseconds
        (None, NOW),
        ("", NOW),
        ("soon", NOW),
        ("t=1795250000.0", NOW),  # two hours ago: a client's own header or a broken clock
        ("t=1795257999.0", NOW),  # in the future
    ],
)
def test_arrival_time(header, expected):
    assert arrival_time(header, NOW) == pytest.approx(expected)
