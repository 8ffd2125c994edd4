"""The repository's scripts and benchmark helpers as modules, for tests: they are files, not packages."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def loaded(relative_path: str) -> Iterator[ModuleType]:
    """The file at `relative_path` (from the repository root) run as a module, registered in sys.modules
    while in use (dataclasses look their module up while being defined) and removed after."""
    path = REPO / relative_path
    spec = importlib.util.spec_from_file_location(f"repo_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)
