"""The catalog's exceptions: one root, small subclasses. HTTP statuses are chosen at the edge."""

from __future__ import annotations


class CatalogError(Exception):
    """Root of every error the catalog raises on purpose."""


class NotFound(CatalogError):
    """The requested row does not exist."""


class InvalidInput(CatalogError):
    """Input that the catalog refuses, with a message a person can act on."""


class InvalidVin(InvalidInput):
    """A VIN that is not 17 valid characters with a correct check digit."""


class InvalidFilter(InvalidInput):
    """A search filter that cannot be applied (unknown value, inverted range, bad cursor)."""


class InvalidImage(InvalidInput):
    """Bytes that are not an image Pillow can read."""
