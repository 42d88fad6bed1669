"""The service's refusal: located problems plus the HTTP status / gRPC code to answer with.

`RequestError` is the service's branch of the one error tree (drawn in
`synthwright.errors`): a `SynthwrightError` whose ``code`` is set per
instance (``invalid_request``, ``too_large``, ``generation_failed``...) and
which also says how each transport answers it, so the HTTP app and the gRPC
server cannot disagree on what a refusal is.
"""

from __future__ import annotations

from ..errors import EXIT_BAD_INPUT, EXIT_FAILED, Problem, SynthwrightError

__all__ = ["GRPC_STATUS", "RequestError"]

# HTTP status -> gRPC status code name (grpc.StatusCode.<name>); anything else is INTERNAL.
GRPC_STATUS = {
    400: "INVALID_ARGUMENT",
    413: "INVALID_ARGUMENT",
    422: "INVALID_ARGUMENT",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class RequestError(SynthwrightError, ValueError):
    """A request the service refuses or could not serve; `problems` name request fields.

    `status` is the HTTP status (400 bad field, 413 too large, 422 malformed body,
    504 over time, 500 a fault of ours); `grpc_status` is the matching gRPC
    status code name. Problems given without a code take this error's `code`.
    """

    code = "invalid_request"
    exit_status = EXIT_BAD_INPUT

    def __init__(
        self,
        message: str | list[Problem],
        location: str = "",
        *,
        status: int = 400,
        code: str = "invalid_request",
    ) -> None:
        self.code = code  # before the base initialiser, which stamps it on code-less problems
        self.status = status
        if status >= 500:
            self.exit_status = EXIT_FAILED
        super().__init__(message, location)

    @property
    def grpc_status(self) -> str:
        """The gRPC status code name for `status` (``INVALID_ARGUMENT``, ``INTERNAL``...)."""
        return GRPC_STATUS.get(self.status, "INTERNAL")
