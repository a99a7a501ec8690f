"""XML security: the one hardened entry every request passes before Spyne sees it."""
