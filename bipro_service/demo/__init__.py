"""Demo and test-access data."""
