"""Pure rules of the broker post: category codes and content types."""

from __future__ import annotations

import pytest

from bipro_service.service_layer.post import content_type_for, is_valid_category


@pytest.mark.parametrize(
    "code",
    [
        "100001000",
        "110011000",
        "120010000",
        "130010000",
        "140010000",
        "150999999",
        "160000000",
        "180010000",
        "210010000",
        "899001000",
        "999010010",
        "999010020",
    ],
)
def test_codes_of_the_known_ranges_are_accepted(code: str) -> None:
    assert is_valid_category(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "12001000",  # eight digits
        "1200100000",  # ten digits
        "170010000",  # no such range
        "200010000",
        "899001001",  # special codes only in full
        "999010030",
        "999000000",
        "12001000a",
        " 12001000",
        "１２００１００００",  # full-width digits are digits to str.isdigit()
        "-12001000",
    ],
)
def test_other_codes_are_refused(code: str) -> None:
    assert not is_valid_category(code)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Nachtrag.pdf", "application/pdf"),
        ("NACHTRAG.PDF", "application/pdf"),
        ("bestand.gdv", "text/plain"),
        ("hinweis.txt", "text/plain"),
        ("vertrag.xml", "application/xml"),
        ("scan.tif", "image/tiff"),
        ("archiv.tar.unknown", "application/octet-stream"),
        ("ohne_endung", "application/octet-stream"),
    ],
)
def test_content_type_follows_the_extension(name: str, expected: str) -> None:
    assert content_type_for(name) == expected
