"""Live nurse handoff: queue, state changes, messages both ways, nurses and the audit trail."""
