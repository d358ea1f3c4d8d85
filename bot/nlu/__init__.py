"""The project's spaCy pipeline and the Rasa components that use it."""
