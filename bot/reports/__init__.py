"""Reports for the helpline's admins, from the audit trail, the tracker and the anonymous daily counts."""
