"""Anonymous daily counts kept when old conversations are deleted."""

from sqlalchemy import Column, Date, Integer, String

from bot.models import Base


class UsageCount(Base):
    """How many conversations, messages and handoffs there were on a day: no ids, no text."""

    __tablename__ = "usage_counts"

    day = Column(Date, primary_key=True)
    kind = Column(String(40), primary_key=True)
    count = Column(Integer, nullable=False)
