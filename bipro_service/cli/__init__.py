"""The ``bipro-service`` command line."""

from bipro_service.cli.main import main

__all__ = ["main"]
