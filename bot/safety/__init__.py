"""Clinical safety: red-flag and crisis detection that does not rest on the intent classifier alone."""
