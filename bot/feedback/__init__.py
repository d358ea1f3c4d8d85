"""What people tell us about the service: "Was this helpful?" after an answer, and a rating after a nurse chat.

Modules: models (the table), store (recording, and anonymising for retention), factory (the process's store).
"""
