"""The layer contract (pyproject.toml, tool.importlinter; docs/architecture.md) holds on the
code, and fails when a lower layer imports a higher one: checked on a copy of the package with
one violating import added, so the contract is shown to bite, not only to pass."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(src: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "edgecamp",
        src / "edgecamp",
        ignore=shutil.ignore_patterns("static", "templates", "locale", "var", "__pycache__"),
    )
    return src


def test_the_code_keeps_the_contract(package_copy: Path, tmp_path: Path) -> None:
    result = _lint(package_copy, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "reported"),
    [
        # The audit log importing the registry: a lower layer importing a higher one.
        (
            "audit/_violation.py",
            "from edgecamp.registry import codes\n",
            "edgecamp.audit is not allowed to import edgecamp.registry",
        ),
        # Sites below the registry, core below everything.
        (
            "core/_violation.py",
            "from edgecamp.sites import models\n",
            "edgecamp.core is not allowed to import edgecamp.sites",
        ),
        # Two apps of one layer are independent of each other.
        (
            "stock/_violation.py",
            "from edgecamp.shelters import models\n",
            "edgecamp.stock is not allowed to import edgecamp.shelters",
        ),
        # An import inside a function counts as much as one at the top.
        (
            "registry/_violation.py",
            "def f():\n    from edgecamp.protection import views\n",
            "edgecamp.registry is not allowed to import edgecamp.protection",
        ),
        # The framework-free packages import no framework.
        (
            "linkage/_violation.py",
            "import django\n",
            "edgecamp.linkage is not allowed to import django",
        ),
        # Only the demo uses the synthetic generator.
        (
            "registry/_violation.py",
            "def f():\n    from edgecamp.synthetic import generate_camp\n",
            "edgecamp.registry is not allowed to import edgecamp.synthetic",
        ),
    ],
)
def test_an_upward_import_breaks_the_contract(
    package_copy: Path, tmp_path: Path, module: str, line: str, reported: str
) -> None:
    (package_copy / "edgecamp" / module).write_text(line)
    result = _lint(package_copy, tmp_path)
    assert result.returncode != 0
    assert reported in result.stdout
