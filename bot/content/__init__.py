"""The reviewed content store: the only source of the assistant's medical wording."""
