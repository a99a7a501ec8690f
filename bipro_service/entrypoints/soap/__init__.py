"""The BiPRO SOAP services on Spyne, one Application per service."""
