"""Shared sheet and case builders of the conformance kit's unit tests."""

from __future__ import annotations

from typing import Any

from bipro_clients.conformance import (
    Case,
    Outcome,
)


def sample_sheet() -> dict[str, Any]:
    def firm(number: str, prefix: str) -> dict[str, Any]:
        return {
            "vermittlernummer": number,
            "test_access": True,
            "users": [
                {
                    "login": f"{prefix}.admin",
                    "password": "a",
                    "portfolio_rights": True,
                    "admin": True,
                },
                {
                    "login": f"{prefix}.bestand",
                    "password": "b",
                    "portfolio_rights": True,
                    "admin": False,
                },
                {
                    "login": f"{prefix}.tarif",
                    "password": "c",
                    "portfolio_rights": False,
                    "admin": False,
                },
                {
                    "login": f"{prefix}.sperrtest",
                    "password": "d",
                    "portfolio_rights": False,
                    "admin": False,
                    "lockout_test": True,
                },
            ],
            "contracts": [{"versicherungsscheinnummer": f"VAL-{number}"}],
            "shipments": [{"id": f"s-{number}", "category": "120010000"}],
        }

    return {"firms": [firm("T1", "one"), firm("T2", "two")]}


def make_case(outcome: Outcome | Exception) -> Case:
    def run(ctx: Any) -> Outcome:
        for secret in ("b", "c", "d"):
            ctx.recorder.add("http://x/sts", f"<Password>pw-{secret}-pw</Password>", 500, "<f/>")
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return Case("probe", "probe title", run)
