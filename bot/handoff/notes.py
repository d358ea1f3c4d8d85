"""Internal notes: what nurses write for each other about a conversation, never for the person.

Notes have their own table (handoff_notes). Nothing that sends to the person or builds their transcript
reads it: not the outbox, not handoff_messages. Each note is in the audit trail too, with its text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff.errors import HandoffError
from bot.handoff.models import HandoffNote, Nurse
from bot.handoff.service import HandoffService
from bot.limits import MAX_NOTE_CHARS
from bot.models import Author


@dataclass(frozen=True)
class NoteView:
    id: int
    nurse_id: int
    nurse_name: str
    text: str
    created_at: dt.datetime


def checked_note(text: Optional[str], *, required: bool) -> Optional[str]:
    """The note without surrounding blanks; None for no note where none is required."""
    text = (text or "").strip()
    if not text:
        if required:
            raise HandoffError("a note needs some text")
        return None
    if len(text) > MAX_NOTE_CHARS:
        raise HandoffError(f"a note can be at most {MAX_NOTE_CHARS} characters")
    return text


class HandoffNotes:
    def __init__(self, service: HandoffService):
        self._service = service

    def add(self, handoff_id: int, nurse_id: int, text: str) -> NoteView:
        """Only the nurse looking after the conversation writes in it, as with replies (Conflict otherwise)."""
        note = checked_note(text, required=True)
        service = self._service
        with service._sessions() as session, session.begin():
            service._claimed_by(session, handoff_id, nurse_id)
            view = self.write(session, handoff_id, nurse_id, note)  # type: ignore[arg-type]
            service._event(session, "note_added", Author.NURSE, handoff_id, nurse_id, note_id=view.id, note=view.text)
            return view

    def write(self, session: Session, handoff_id: int, nurse_id: int, text: str) -> NoteView:
        """Stores a note in the caller's unit of work; the caller audits it (a transfer names it in its own event)."""
        note = HandoffNote(handoff_id=handoff_id, nurse_id=nurse_id, text=text, created_at=self._service._now())
        session.add(note)
        session.flush()
        name = session.get(Nurse, nurse_id).display_name
        return NoteView(note.id, nurse_id, name, text, note.created_at)

    def on(self, handoff_id: int) -> list[NoteView]:
        """A conversation's notes, oldest first."""
        with self._service._sessions() as session:
            rows = session.execute(
                select(HandoffNote, Nurse.display_name)
                .join(Nurse, Nurse.id == HandoffNote.nurse_id)
                .where(HandoffNote.handoff_id == handoff_id)
                .order_by(HandoffNote.id)
            ).all()
            return [NoteView(n.id, n.nurse_id, name, n.text, n.created_at) for n, name in rows]
