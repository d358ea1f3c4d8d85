"""Input channels: each passes every message through the handoff gate before Rasa sees it."""
