"""Re-fetch the vendored Data Docs assets from the npm registry (`make docs-assets`).

For every package of assets.json: `npm pack <name>@<version>` into a temporary folder, take
only the listed files (and the licence file) into `<name>@<version>/`, check the SRI hashes
GX's templates pin, and drop Font Awesome's TrueType fallbacks (only the woff2 fonts are
vendored; every browser that runs Bootstrap 4 reads woff2). Needs `npm` and the registry.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = json.loads((HERE / "assets.json").read_text())
TTF_FALLBACK = re.compile(r',url\(\.\./webfonts/[^)]+\.ttf\) format\("truetype"\)')


def _pack(spec: str, into: Path) -> tarfile.TarFile:
    out = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", str(into)],
        check=True,
        capture_output=True,
        text=True,
    )
    return tarfile.open(into / out.stdout.strip().splitlines()[-1])


def _member(tar: tarfile.TarFile, path: str) -> bytes:
    handle = tar.extractfile(f"package/{path}")
    if handle is None:
        raise FileNotFoundError(f"{tar.name}: no package/{path}")
    return handle.read()


def _sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def fetch() -> int:
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for spec, package in MANIFEST["packages"].items():
            target = HERE / spec
            shutil.rmtree(target, ignore_errors=True)
            tar = _pack(spec, Path(tmp))
            files = [f for f in MANIFEST["files"] if f["package"] == spec]
            if package["license_file"]:
                files.append({"path": package["license_file"]})
            for f in files:
                data = _member(tar, f["path"])
                if f.get("integrity") and _sri(data) != f["integrity"]:
                    raise ValueError(f"{spec}/{f['path']}: not the file GX pins ({_sri(data)})")
                if f.get("strip_ttf"):
                    data = TTF_FALLBACK.sub("", data.decode()).encode()
                dest = target / f["path"]
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
                total += len(data)
                print(f"{spec}/{f['path']}  {len(data):>8} bytes")
    print(f"total {total} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(fetch())
