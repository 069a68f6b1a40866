"""Comparison of how outlets report the same event (placeholder until built)."""
from flask import Blueprint

bp = Blueprint("compare", __name__)
