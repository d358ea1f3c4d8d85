"""What the tests share whatever they test: one fake clock and one way to wait for an event."""
