"""Use cases: each runs inside one unit of work."""
