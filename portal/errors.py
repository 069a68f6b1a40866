"""Errors a user can cause get a clear message: JSON under /api and for
.json URLs, a page otherwise. Errors we cause are logged with context and
answered without a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from store import QuerySyntaxError, StoreError

from .params import BadParameter

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def error_response(message: str, status: int):
    if wants_json():
        return jsonify({"error": message}), status
    return render_template("error.html", message=message, status=status), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(BadParameter)
    @app.errorhandler(QuerySyntaxError)
    def bad_input(exc: Exception):
        return error_response(str(exc), 400)

    @app.errorhandler(StoreError)
    def store_unavailable(exc: StoreError):
        log.error("store error on %s: %s", request.full_path, exc)
        return error_response(f"The search engine is unavailable: {exc}", 503)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error_response(exc.description or exc.name, exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error on %s", request.full_path)
        return error_response("Something went wrong on our side; it has been logged.", 500)
