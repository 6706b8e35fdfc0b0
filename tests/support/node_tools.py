"""Run the npm-installed checkers (AsyncAPI parser, Mermaid parser) from tests.

`make tools` installs them (`npm install` in the project root). A missing Node or a
missing module skips the test on a workstation and fails it in CI (requirements.py).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from .requirements import require, require_executable

ROOT = Path(__file__).resolve().parents[2]
SUPPORT = Path(__file__).resolve().parent


def require_node_module(module: str) -> str:
    node = require_executable("node", f"the {module} check runs on Node.js")
    require(
        (ROOT / "node_modules" / module / "package.json").is_file(),
        f"npm module {module} is not installed (run `make tools` or `npm install`)",
    )
    return node


def run_script(script: str, module: str, args: list[str], stdin: str | None = None) -> Any:
    """Run tests/support/<script> with Node and return its JSON output."""
    node = require_node_module(module)
    done = subprocess.run(
        [node, str(SUPPORT / script), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stderr}"
    return json.loads(done.stdout)


def asyncapi_diagnostics(files: list[Path]) -> dict[str, list[dict[str, Any]]]:
    """The official parser's diagnostics per file (severity 0 error, 1 warning, 2 info, 3 hint)."""
    result: dict[str, list[dict[str, Any]]] = run_script(
        "asyncapi_check.mjs", "@asyncapi/parser", [str(f) for f in files]
    )
    return result


def asyncapi_errors(files: list[Path]) -> list[str]:
    """Errors and warnings only, as readable lines (empty when every document is clean)."""
    lines = []
    for file, diagnostics in asyncapi_diagnostics(files).items():
        for d in diagnostics:
            if d["severity"] <= 1:
                lines.append(
                    f"{file}: {'/'.join(map(str, d['path']))}: {d['message']} [{d['code']}]"
                )
    return lines


def mermaid_parse(texts: list[str]) -> list[dict[str, Any]]:
    """The real Mermaid parser's verdict per diagram: {"ok", "type", "error"}."""
    import json as _json

    result: list[dict[str, Any]] = run_script(
        "mermaid_check.mjs", "mermaid", [], stdin=_json.dumps(texts)
    )
    return result
