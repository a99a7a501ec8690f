"""Server-rendered portal pages (activation, password change, DeepLink targets)."""
