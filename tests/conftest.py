"""Shared fixtures: the generated input corpus (see ``tests/corpus.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # so ``tests.corpus`` imports under plain ``pytest`` too
    sys.path.insert(0, str(_ROOT))

from numnum_xl.sandbox import SandboxHandle, run_in_background  # noqa: E402
from tests import corpus as _corpus  # noqa: E402


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every small corpus file, generated once per session: ``{name: path}``."""
    return _corpus.build_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def big_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sheet filled to row 1,048,576 (header + 1,048,575 rows of 2 columns)."""
    return _corpus.make_big_xlsx(tmp_path_factory.mktemp("big") / "big_1m.xlsx")


@pytest.fixture(scope="session")
def wide_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100,000 data rows × 20 columns."""
    return _corpus.make_wide_xlsx(tmp_path_factory.mktemp("wide") / "wide_100k.xlsx")


@pytest.fixture(scope="module")
def server():
    """A sandbox NumNum server on loopback, one per test module."""
    with run_in_background(None) as handle:
        yield handle


@pytest.fixture
def sb(server: SandboxHandle) -> SandboxHandle:
    """The module's sandbox, emptied and without faults for each test."""
    server.clear_faults()
    server.reset()
    return server
