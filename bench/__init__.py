"""Benchmarks of bipro_service against baselines (``make bench``); see docs/performance.md."""
