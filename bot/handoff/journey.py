"""The person's journey through the handoff, as one object per process: left messages, queue notices,
presence and claims, sharing the handoff service, the opening hours, the wording and the time limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from bot.handoff.claims import Claims
from bot.handoff.left_messages import LeftMessages
from bot.handoff.presence import Presence
from bot.handoff.queue_notices import QueueNotices
from bot.handoff.service import HandoffService
from bot.handoff.timing import JourneyTimes
from bot.handoff.typing import Typing
from bot.hours import OpeningHours
from bot.wording import Wording


@dataclass(frozen=True)
class Journey:
    service: HandoffService
    hours: OpeningHours
    wording: Wording
    times: JourneyTimes = field(default_factory=JourneyTimes)

    @property
    def left_messages(self) -> LeftMessages:
        return LeftMessages(self.service)

    @property
    def queue_notices(self) -> QueueNotices:
        return QueueNotices(self.service, self.wording, self.times)

    @property
    def presence(self) -> Presence:
        return Presence(self.service, self.wording, self.hours, self.times)

    @property
    def typing(self) -> Typing:
        return Typing(self.service)

    @property
    def claims(self) -> Claims:
        return Claims(self.service, self.wording, self.times)

    def now(self):
        return self.service._now()


def journey_for(service: HandoffService, hours: OpeningHours, times: Optional[JourneyTimes] = None) -> Journey:
    return Journey(service, hours, service._wording, times or JourneyTimes.from_env())
