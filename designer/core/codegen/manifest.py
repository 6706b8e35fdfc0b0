"""The manifest of generated files (`.msgflow/manifest.json` in the output folder).

It records, per file, the hash of what msgflow last wrote and who owns the file, so a
regeneration can tell a file the design no longer needs (orphaned: reported, never
deleted) and a generated file edited by hand (overwritten, and said so). Canonical JSON
without timestamps: regenerating an unchanged design rewrites nothing, not even this.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_PATH = ".msgflow/manifest.json"
IDENTIFIERS_PATH = ".msgflow/identifiers.json"
MANIFEST_VERSION = 1


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class FileRecord:
    sha256: str
    owner: str  # "generated" | "user"
    target: str


@dataclass
class Manifest:
    files: dict[str, FileRecord] = field(default_factory=dict)

    def dumps(self) -> str:
        data: dict[str, Any] = {
            "format": "msgflow-manifest",
            "version": MANIFEST_VERSION,
            "files": {
                path: {"sha256": r.sha256, "owner": r.owner, "target": r.target}
                for path, r in sorted(self.files.items())
            },
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def load_manifest(out_dir: Path) -> Manifest:
    """The manifest in `out_dir`; empty when there is none or it cannot be read."""
    path = out_dir / MANIFEST_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        return Manifest(
            {
                str(p): FileRecord(str(r["sha256"]), str(r["owner"]), str(r.get("target", "")))
                for p, r in files.items()
            }
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        # A missing or damaged manifest only costs the orphan report of this run.
        return Manifest()


def load_identifiers(out_dir: Path) -> dict[str, str]:
    """The identifier mapping of the previous generation (for stable names), or {}."""
    try:
        data = json.loads((out_dir / IDENTIFIERS_PATH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str | int)}
