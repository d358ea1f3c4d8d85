"""Running the project's processes outside a container platform: the scale profile on one machine."""
