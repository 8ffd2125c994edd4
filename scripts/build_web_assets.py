"""Vendor the dashboard's third-party assets from npm into the package, so the web UI works air-gapped.

    .venv/bin/python scripts/build_web_assets.py

For each pinned package it runs `npm pack name@version` into a temporary folder, checks the tarball
against the pinned sha512 (so a changed registry entry fails the build instead of shipping new code),
and copies only the files the dashboard and the /docs page load, plus the licence texts, into
`src/borderwatch/web/static/vendor/`. It writes `vendor/VERSIONS.json` (names, versions, licences,
integrity, files) and copies the theatre's country outlines to `static/outlines.geojson`.

Needs `npm` and the registry once, at build time; the results are committed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "src" / "borderwatch" / "web" / "static"
VENDOR = STATIC / "vendor"
OUTLINES = ROOT / "src" / "borderwatch" / "theatres" / "afpak" / "outlines.geojson"


@dataclass(frozen=True, slots=True)
class Pin:
    """One npm package at one version, the files of it that we ship and where they go."""

    name: str
    version: str
    license: str
    integrity: str  # npm's "sha512-<base64>" of the tarball
    files: tuple[tuple[str, str], ...]  # (path inside the package, name under vendor/)


PINS = (
    # MapLibre 6 ships ES modules whose worker is a separate same-origin file, so the dashboard runs
    # under a CSP without blob: scripts (the 5.x UMD bundle builds its worker from a blob).
    Pin("maplibre-gl", "6.17.0", "BSD-3-Clause",
        "sha512-2chIZwpLGenoUQOcnm9Pk4SLbA8ppNFq8jlpXiq9vcYm3Y1wJ3fc82FL0GLwBaPYJCLzPv/mC46KEupVov75rQ==",
        (("dist/maplibre-gl.mjs", "maplibre-gl/maplibre-gl.mjs"),
         ("dist/maplibre-gl-worker.mjs", "maplibre-gl/maplibre-gl-worker.mjs"),
         ("dist/maplibre-gl.css", "maplibre-gl/maplibre-gl.css"),
         ("LICENSE.txt", "maplibre-gl/LICENSE.txt"))),
    # The standalone bundle and its stylesheet are what FastAPI's Swagger UI page loads.
    Pin("swagger-ui-dist", "5.35.0", "Apache-2.0",
        "sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==",
        (("swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"),
         ("swagger-ui.css", "swagger-ui/swagger-ui.css"),
         ("favicon-32x32.png", "swagger-ui/favicon-32x32.png"),
         ("LICENSE", "swagger-ui/LICENSE"),
         ("NOTICE", "swagger-ui/NOTICE"))),
)


class AssetBuildError(RuntimeError):
    """npm failed, or a tarball is not what the pin says."""


def sri_of(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode("ascii")


def pack(pin: Pin, workdir: Path) -> Path:
    """Download the package tarball with npm and check it against the pinned integrity."""
    try:
        result = subprocess.run(["npm", "pack", f"{pin.name}@{pin.version}", "--json", "--pack-destination",
                                 str(workdir)], capture_output=True, text=True, check=True, cwd=workdir)
    except FileNotFoundError as e:
        raise AssetBuildError("npm is not installed; install Node.js (with npm) to build the web assets") from e
    except subprocess.CalledProcessError as e:
        raise AssetBuildError(f"npm pack {pin.name}@{pin.version} failed: {e.stderr.strip()[-500:]}") from e
    tarball = workdir / json.loads(result.stdout)[0]["filename"]
    actual = sri_of(tarball)
    if actual != pin.integrity:
        raise AssetBuildError(f"{tarball.name}: integrity {actual} is not the pinned {pin.integrity}; "
                              "if you meant to upgrade, update the pin in this script")
    return tarball


def copy_files(pin: Pin, tarball: Path, vendor: Path) -> list[str]:
    """Copy the pinned files out of the tarball (npm puts everything under `package/`)."""
    copied = []
    with tarfile.open(tarball) as tar:
        for inner, target in pin.files:
            member = tar.extractfile(f"package/{inner}")
            if member is None:
                raise AssetBuildError(f"{pin.name}@{pin.version} has no file {inner}")
            out = vendor / target
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(member.read())
            copied.append(target)
    return copied


def build(vendor: Path = VENDOR, static: Path = STATIC) -> dict:
    """Rebuild `vendor/` from the pins and copy the outlines; returns what VERSIONS.json records."""
    if vendor.exists():
        shutil.rmtree(vendor)
    vendor.mkdir(parents=True)
    record: dict = {"packages": []}
    with tempfile.TemporaryDirectory(prefix="bw-web-assets-") as tmp:
        for pin in PINS:
            files = copy_files(pin, pack(pin, Path(tmp)), vendor)
            record["packages"].append({"name": pin.name, "version": pin.version, "license": pin.license,
                                       "integrity": pin.integrity, "files": files})
    (vendor / "VERSIONS.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    shutil.copyfile(OUTLINES, static / "outlines.geojson")
    return record


def main() -> int:
    try:
        record = build()
    except AssetBuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    total = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    names = ", ".join(f"{p['name']}@{p['version']}" for p in record["packages"])
    print(f"vendored {names} into {VENDOR.relative_to(ROOT)} ({total / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
