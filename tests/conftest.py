"""Fixtures shared by every test folder.

`shared_dir` is ../shared beside the checkout (corpora, gold annotations,
the OpenSearch API specification). Tests that use it are marked
`shared_corpus`; when the folder is missing they skip on a developer's
machine but FAIL in CI (CI is set), so a CI run cannot pass by not
looking.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import require_shared


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return require_shared("corpus", "seeds")
