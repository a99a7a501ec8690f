"""Capture the HTTP request/response pairs of a case (zeep's transport log and raw posts)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

ZEEP_TRANSPORT_LOGGER = "zeep.transports"


@dataclass
class Exchange:
    """One HTTP round trip as sent and received."""

    url: str
    request: str
    status: int | None = None
    response: str = ""
    method: str = "POST"


class Recorder(logging.Handler):
    """Collects exchanges; zeep logs every POST and its answer at DEBUG on ``zeep.transports``."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.exchanges: list[Exchange] = []

    def clear(self) -> None:
        self.exchanges = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        if record.msg.startswith("HTTP Post to") and len(args) == 2:
            self.exchanges.append(Exchange(str(args[0]), _text(args[1])))
        elif record.msg.startswith("HTTP Response from") and len(args) == 3:
            if self.exchanges and self.exchanges[-1].status is None:
                self.exchanges[-1].status = int(str(args[1]))
                self.exchanges[-1].response = _text(args[2])
            else:
                self.exchanges.append(Exchange(str(args[0]), "", int(str(args[1])), _text(args[2])))

    def add(self, url: str, request: str, status: int, response: str, method: str = "POST") -> None:
        self.exchanges.append(Exchange(url, request, status, response, method))

    @contextmanager
    def attached(self) -> Iterator[Recorder]:
        logger = logging.getLogger(ZEEP_TRANSPORT_LOGGER)
        level, propagate = logger.level, logger.propagate
        logger.addHandler(self)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False  # keep the messages (with passwords) out of other handlers
        try:
            yield self
        finally:
            logger.removeHandler(self)
            logger.setLevel(level)
            logger.propagate = propagate


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
