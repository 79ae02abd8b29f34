"""Emergencies: an SOS taken at once, the urgent lane, crisis mode for an area."""
