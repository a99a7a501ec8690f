"""bipro_service: the insurer's side of the BiPRO web services."""

from bipro_service.config import Settings

__all__ = ["Settings", "__version__"]
__version__ = "0.1.0"
