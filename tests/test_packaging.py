"""Every Python package in the source tree is listed for installation.

An editable install finds any module, so a package missing from pyproject's
list only shows up after a plain ``pip install .``; this catches it early.
"""

from __future__ import annotations

import tomllib

from .conftest import ROOT


def test_every_package_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    mapped = config.get("package-dir", {})
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "formcheck").rglob("__init__.py")}
    on_disk |= {name for name, folder in mapped.items() if (ROOT / folder / "__init__.py").exists()}
    assert on_disk <= listed, f"not listed in pyproject.toml: {sorted(on_disk - listed)}"
    for name, folder in mapped.items():
        assert (ROOT / folder).is_dir(), f"{name} maps to a missing folder {folder}"
