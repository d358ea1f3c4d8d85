"""The helpline assistant's own services: content store, opening hours, NLU rules."""
