"""A citizen reports a problem: the dialog, its draft, place and photos, the report's status."""
