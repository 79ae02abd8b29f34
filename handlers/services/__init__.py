"""Finding a public service: hospitals, pharmacies, shelters, their hours and hotlines."""
