"""The layering rule (docs/architecture.md, "Layers"): `indexer` and `portal`
never import each other, and `store` imports neither (nor the CLI in
`parallax`). Checked by parsing every module's imports with `ast`, so an
import inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# package -> first-party packages it must never import
FORBIDDEN: dict[str, frozenset[str]] = {
    "indexer": frozenset({"portal", "parallax"}),
    "portal": frozenset({"indexer", "parallax"}),
    "store": frozenset({"indexer", "portal", "parallax"}),
    # The ground floor: the text toolkit both sides share imports no Parallax package.
    "textkit": frozenset({"indexer", "portal", "parallax", "store", "mappings"}),
}


def _module_parts(path: Path, root: Path) -> list[str]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported_packages(path: Path, root: Path) -> set[str]:
    """Top-level package names a module imports, relative imports resolved
    against the module's own package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_parts(path, root)
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.add((node.module or "").split(".")[0])
            else:
                base = package[: len(package) - (node.level - 1)]
                target = base + (node.module.split(".") if node.module else [])
                if target:
                    found.add(target[0])
    return found


def layer_violations(root: Path) -> list[str]:
    """'portal/x.py imports indexer' for every import the rule forbids."""
    violations = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((root / package).rglob("*.py")):
            for name in sorted(imported_packages(path, root) & forbidden):
                violations.append(f"{path.relative_to(root)} imports {name}")
    return violations


def test_the_repository_keeps_its_layers():
    assert layer_violations(ROOT) == []
    # The checker saw the real code: store and the portal do use the store.
    assert "store" in imported_packages(ROOT / "portal" / "search.py", ROOT)
    assert "store" in imported_packages(ROOT / "store" / "embedded.py", ROOT)  # relative imports resolved
    # Both sides use the one text toolkit.
    assert "textkit" in imported_packages(ROOT / "portal" / "compare" / "text.py", ROOT)
    assert "textkit" in imported_packages(ROOT / "indexer" / "stories" / "features.py", ROOT)


def test_the_checker_finds_forbidden_imports(tmp_path: Path):
    def write(relative: str, source: str) -> None:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")

    for package in ("indexer", "portal", "store", "portal/compare"):
        write(f"{package}/__init__.py", "")
    write("portal/fine.py", "from store import open_store\nfrom . import errors\n")
    write("portal/compare/late.py", "def f():\n    from indexer.pipeline import index_paths\n")
    write("indexer/bad.py", "import portal.search as search\n")
    write("store/worse.py", "from parallax.cli import main\n")
    write("store/relative.py", "from ..portal import api\n")  # climbs out of store into portal
    assert layer_violations(tmp_path) == [
        "indexer/bad.py imports portal",
        "portal/compare/late.py imports indexer",
        "store/relative.py imports portal",
        "store/worse.py imports parallax",
    ]
