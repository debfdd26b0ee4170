"""Refresh the dashboard's vendored front-end files from npm (make vendor).

Each package is fetched with ``npm pack`` at the pinned version below, the
listed files are copied out of the tarball into dashboard/static/vendor/, and
VENDOR.json records, for each file, where it came from and its sha256, so that
tests/test_dashboard.py (test_every_vendored_file_matches_its_recorded_sha256)
can prove the served files are exactly what npm published.

Alpine's npm packages carry no licence file (their package.json says "MIT"),
so its licence text is kept beside the file, written from ALPINE_LICENSE.
"""

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent.parent / "dashboard" / "static" / "vendor"

# package, version, licence, {file in the tarball: name in vendor/}
PACKAGES = [
    (
        "@alpinejs/csp",
        "3.17.4",
        "MIT",
        {"package/dist/cdn.min.js": "alpinejs-csp.min.js"},
    ),
    (
        "@picocss/pico",
        "2.1.1",
        "MIT",
        {
            "package/css/pico.min.css": "pico.min.css",
            "package/LICENSE.md": "LICENSE-pico.md",
        },
    ),
]

ALPINE_LICENSE = """\
MIT License

Copyright (c) 2019-2025 Caleb Porzio and contributors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def sha256(path: Path) -> str:
    """Return the hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(package: str, version: str, workdir: Path) -> tarfile.TarFile:
    """Download the package's npm tarball and open it."""
    output = subprocess.run(
        ["npm", "pack", "--silent", f"{package}@{version}"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    return tarfile.open(workdir / output)


def main() -> int:
    """Copy every pinned file into vendor/ and write VENDOR.json."""
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    manifest = []
    with tempfile.TemporaryDirectory() as tmp:
        for package, version, licence, files in PACKAGES:
            with fetch(package, version, Path(tmp)) as tarball:
                for source, name in files.items():
                    data = tarball.extractfile(source).read()
                    (VENDOR_DIR / name).write_bytes(data)
                    manifest.append(
                        {
                            "file": name,
                            "package": package,
                            "version": version,
                            "licence": licence,
                            "source": source,
                            "sha256": sha256(VENDOR_DIR / name),
                        }
                    )
    (VENDOR_DIR / "LICENSE-alpinejs.md").write_text(ALPINE_LICENSE)
    manifest.append(
        {
            "file": "LICENSE-alpinejs.md",
            "package": "@alpinejs/csp",
            "version": "3.17.4",
            "licence": "MIT",
            "source": "scripts/vendor.py (the npm package ships no licence file)",
            "sha256": sha256(VENDOR_DIR / "LICENSE-alpinejs.md"),
        }
    )
    (VENDOR_DIR / "VENDOR.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"vendored {len(manifest)} files into {VENDOR_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
