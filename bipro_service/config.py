"""One settings object, read from the environment once and passed in."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: BiPRO releases whose messages this service understands (first two parts of ``BiPROVersion``).
DEFAULT_RELEASES = ("2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8")


class Settings(BaseSettings):
    """Configuration of one deployment. Every field maps to ``BIPRO_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="BIPRO_", frozen=True, extra="ignore")

    database_url: str = "sqlite:///var/bipro.sqlite3"
    """SQLAlchemy URL. SQLite (embedded default) or ``postgresql+psycopg://…`` in production."""

    var_dir: Path = Path("var")
    """Writable state of a development deployment (SQLite file, dev PKI)."""

    public_base_url: str = "http://127.0.0.1:8000"
    """Base URL the brokers reach us at (behind a proxy); used for WSDL addresses and DeepLinks."""

    supported_releases: tuple[str, ...] = DEFAULT_RELEASES
    """BiPRO releases accepted in ``BiPROVersion`` (``major.minor``)."""

    max_body_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    """Largest request body, checked before parsing and again after gzip decoding."""

    max_xml_depth: int = Field(default=64, gt=4)
    """Deepest element nesting accepted in a request."""

    max_xml_attributes: int = Field(default=64, gt=0)
    """Most attributes plus namespace declarations on one element."""

    max_xml_elements: int = Field(default=200_000, gt=0)
    """Most elements in one request."""

    token_lifetime_seconds: int = Field(default=1800, gt=0)
    """Absolute lifetime of a security context token (BiPRO clients see 10-30 minutes)."""

    token_idle_seconds: int = Field(default=900, gt=0)
    """Inactivity after which a token expires (automatic logout, T I.6b bb)."""

    deeplink_lifetime_seconds: int = Field(default=120, gt=0, le=3600)
    """Lifetime of a DeepLink (BiPRO 440 ``getLinks``): the MVP opens it at once, and it is
    single-use; a short life keeps a leaked URL (history, logs) worthless."""

    max_failed_logins: int = Field(default=3, gt=0)
    """Consecutive wrong entries that lock an account (T I.5b)."""

    password_min_length: int = Field(default=12, ge=8)
    """Minimum length of a personal password."""

    audit_retention_years: int = Field(default=6, ge=6)
    """Retention of the audit trail (HGB § 257(4)); counted from the end of the calendar year."""

    secret_key: str = ""
    """Secret for CSRF tokens and DeepLinks. Empty: a random key per process start (dev only)."""

    business_timezone: str = "Europe/Berlin"
    """Time zone of the business day (servicing relationships, validity dates)."""

    trusted_proxies: tuple[str, ...] = ()
    """Addresses whose ``X-Forwarded-For`` is believed for the audit's source address."""

    db_pool_size: int = Field(default=5, gt=0)
    """Connections per worker process (PostgreSQL)."""

    ca_bundle: Path | None = None
    """CA certificates (PEM) that may issue broker certificates; default var/pki/ca.pem if there."""

    crl_files: tuple[Path, ...] = ()
    """CRLs (PEM or DER) of those CAs, one per file; default var/pki/crl.pem with the dev CA."""

    server_signing_key: Path | None = None
    """Private key (PEM) for the service's response signatures; default var/pki/signing.key."""

    server_signing_cert: Path | None = None
    """Certificate (PEM) of that key, sent with the signatures; default var/pki/signing.pem."""

    @field_validator("public_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def dev_pki_dir(self) -> Path:
        return self.var_dir / "pki"

    @property
    def ca_bundle_path(self) -> Path | None:
        """The configured CA bundle, else the dev CA when it exists; never a system store."""
        if self.ca_bundle is not None:
            return self.ca_bundle
        dev = self.dev_pki_dir / "ca.pem"
        return dev if dev.exists() else None

    @property
    def crl_paths(self) -> tuple[Path, ...]:
        """The configured CRLs; the dev CRL only while the dev CA is in use."""
        if self.crl_files or self.ca_bundle is not None:
            return self.crl_files
        dev = self.dev_pki_dir / "crl.pem"
        return (dev,) if dev.exists() else ()

    @property
    def signing_key_path(self) -> Path:
        return self.server_signing_key or self.dev_pki_dir / "signing.key"

    @property
    def signing_cert_path(self) -> Path:
        return self.server_signing_cert or self.dev_pki_dir / "signing.pem"
