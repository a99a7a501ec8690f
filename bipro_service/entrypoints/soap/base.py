"""Base class of every BiPRO service: one place maps errors raised in methods to faults."""

from __future__ import annotations

from typing import Any

from spyne import Fault, ServiceBase, rpc

from bipro_service.domain.status import BiproError, InternalError
from bipro_service.entrypoints.soap.context import ENVIRON_KEY, RequestContext
from bipro_service.entrypoints.soap.faults import to_spyne_fault, unexpected_error
from bipro_service.service_layer.principal import Principal


def request_context(ctx: Any) -> RequestContext:
    """The :class:`RequestContext` of a Spyne method context."""
    rc: RequestContext = ctx.transport.req_env[ENVIRON_KEY]
    return rc


class BiproService(ServiceBase):
    """Service methods raise :class:`BiproError`; this turns them into ``BiproException`` faults.

    Anything else is logged with the ProzessID and answered with a generic fault that carries
    no internal detail ("temporarily unavailable" when the database cannot be reached).
    """

    @classmethod
    def call_wrapper(cls, ctx: Any) -> Any:
        rc = request_context(ctx)
        try:
            return super().call_wrapper(ctx)
        except BiproError as error:
            rc.failed(error)
            raise to_spyne_fault(error, rc) from None
        except Fault:
            raise
        except Exception as exc:  # database unreachable: "temporarily unavailable", else generic
            where = f"unhandled error in {rc.service}.{rc.operation}"
            raise to_spyne_fault(unexpected_error(exc, rc, where), rc) from None


def principal_of(rc: RequestContext) -> Principal:
    """The authenticated caller; services behind the token check always have one."""
    if rc.principal is None:
        raise InternalError()
    return rc.principal


def bipro_operation(request: Any, response: Any) -> Any:
    """``@rpc`` in the BiPRO convention: ``<op>/Request`` in, ``<op>Response/Response`` out.

    The decorated method takes ``(ctx, request)``."""
    return rpc(
        request.customize(min_occurs=1, nillable=False),
        _in_variable_names={"request": "Request"},
        _returns=response,
        _out_variable_name="Response",
    )
