"""X.509: the trust store for broker certificates and a development PKI."""
