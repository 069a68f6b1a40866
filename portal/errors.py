"""The portal's one error path.

A request the user can fix raises `UserError` (or the store's
`QuerySyntaxError`) anywhere below a view; one handler answers it with its
4xx status, as JSON `{"error": message}` under /api and for .json URLs and
as the error page otherwise. Errors we cause are logged with context and
answered without a stack trace.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from store import QuerySyntaxError, StoreError

log = logging.getLogger(__name__)


class UserError(Exception):
    """A request the user can fix; the message says how. `status` is the
    HTTP status: 400 (cannot be read) or 404 (names nothing that exists)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def error_response(message: str, status: int) -> ResponseReturnValue:
    if wants_json():
        return jsonify({"error": message}), status
    return render_template("error.html", message=message, status=status), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(UserError)
    def user_error(exc: UserError) -> ResponseReturnValue:
        return error_response(str(exc), exc.status)

    @app.errorhandler(QuerySyntaxError)
    def bad_query(exc: QuerySyntaxError) -> ResponseReturnValue:
        return error_response(str(exc), 400)

    @app.errorhandler(StoreError)
    def store_unavailable(exc: StoreError) -> ResponseReturnValue:
        log.error("store error on %s: %s", request.full_path, exc)
        return error_response(f"The search engine is unavailable: {exc}", 503)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        return error_response(exc.description or exc.name, exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        log.exception("unexpected error on %s", request.full_path)
        return error_response("Something went wrong on our side; it has been logged.", 500)
