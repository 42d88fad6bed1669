"""The service's refusal: located problems plus the HTTP status / gRPC code to answer with."""

from __future__ import annotations

from ..errors import Problem, SynthwrightError

__all__ = ["RequestError"]


class RequestError(SynthwrightError, ValueError):
    """A request the service refuses or could not serve; `problems` name request fields.

    `status` is the HTTP status (400 bad field, 413 too large, 422 malformed body,
    504 over time, 500 a fault of ours); the gRPC server maps it to a status code.
    """

    def __init__(
        self,
        message: str | list[Problem],
        location: str = "",
        *,
        status: int = 400,
        code: str = "invalid_request",
    ) -> None:
        super().__init__(message, location)
        self.status = status
        self.code = code
