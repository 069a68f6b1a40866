"""Fixtures for comparison tests (the builders live in compare_builders.py,
importable by name, since every conftest module is called `conftest`)."""

from __future__ import annotations

import pytest
from compare_builders import make_article


@pytest.fixture
def article():
    return make_article
