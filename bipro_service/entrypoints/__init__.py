"""Entry points: SOAP services, the WSGI application, portal pages. They only translate."""
