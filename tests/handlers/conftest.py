"""The handling tests' people (a citizen, officials of two units, a supervisor, a neighbour)."""

from tests.handlers.test_handling import people, staffed  # noqa: F401  (fixtures)
