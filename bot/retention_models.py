"""Anonymous daily counts: what the reports read once retention has deleted the conversations behind them."""

from sqlalchemy import Column, Date, Integer, String

from bot.models import Base


class UsageCount(Base):
    """How many of a kind of thing there were on a day (the helpline's date), by `detail`: no ids of people, no text.

    `detail` is what a report splits by (e.g. "socketio|14": a channel and an hour); see bot/reports/facts.py.
    """

    __tablename__ = "usage_counts"

    day = Column(Date, primary_key=True)
    kind = Column(String(40), primary_key=True)
    detail = Column(String(255), primary_key=True, default="", server_default="")
    count = Column(Integer, nullable=False)
