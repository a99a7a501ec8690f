"""Adapters: the database and XML security, behind small interfaces."""
