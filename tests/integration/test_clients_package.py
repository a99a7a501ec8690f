"""``clients/`` is a project of its own: its wheel, installed into a fresh virtualenv that has
neither the repository nor bipro_service, gives a working ``bipro-conformance`` and clients
that load the WSDL shipped inside the package (equal to the committed ``wsdl/``).

Offline: the wheel is built without build isolation from the test environment's setuptools,
and the fresh virtualenv reaches zeep, lxml and requests through a ``.pth`` line pointing at
the test environment's site-packages (such a line adds the directory, not the editable
installs registered there)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120

PROBE = """
import json, bipro_clients, importlib.util
from bipro_clients import SCHEMA_DIR, make_client, wsdl_path
client, _ = make_client("TransferService_2.6.1.1.0", "http://127.0.0.1:9/unused")
operations = sorted(
    name for b in client.wsdl.bindings.values() for name in b._operations
)
print(json.dumps({
    "package": bipro_clients.__file__,
    "wsdl": str(wsdl_path("TransferService_2.6.1.1.0")),
    "schemas": str(SCHEMA_DIR),
    "operations": operations,
    "service_importable": importlib.util.find_spec("bipro_service") is not None,
}))
"""


def _run(*args: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _files(folder: Path, pattern: str) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.glob(pattern))}


def test_the_clients_wheel_works_in_a_fresh_virtualenv(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BIPRO_WSDL_DIR")}
    source = tmp_path / "src"
    shutil.copytree(
        ROOT / "clients",
        source,
        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"),
    )
    wheels = tmp_path / "wheels"
    _run(
        sys.executable,
        *("-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet"),
        *("--wheel-dir", wheels, source),
        cwd=tmp_path,
        env=env,
    )
    (wheel,) = wheels.glob("bipro_clients-*.whl")

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, env=env)
    python = venv / "bin" / "python"
    purelib = Path(
        _run(
            python,
            *("-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"),
            cwd=tmp_path,
            env=env,
        ).strip()
    )
    dependencies = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "test-dependencies.pth").write_text("\n".join(sorted(dependencies)) + "\n")
    _run(
        sys.executable,
        *("-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet"),
        wheel,
        cwd=tmp_path,
        env=env,
    )

    script = venv / "bin" / "bipro-conformance"
    assert script.read_text().startswith(f"#!{python}")
    usage = _run(script, "run", "--help", cwd=tmp_path, env=env)
    for option in ("--endpoint", "--sheet", "--cert", "--tls-cert", "--allow-lockout"):
        assert option in usage
    listed = _run(script, "cases", cwd=tmp_path, env=env)
    assert "lockout_threshold" in listed and "token_expiry" in listed

    probe = json.loads(_run(python, "-c", PROBE, cwd=tmp_path, env=env))
    installed = Path(probe["package"]).parent
    assert installed.is_relative_to(venv), probe
    assert Path(probe["wsdl"]).is_relative_to(installed)
    assert not probe["service_importable"]  # the clients need nothing of the service
    assert {"listShipments", "getShipment", "acknowledgeShipment"} <= set(probe["operations"])
    assert _files(installed / "wsdl", "*.wsdl") == _files(ROOT / "wsdl", "*.wsdl")
    assert _files(Path(probe["schemas"]), "*/*.xsd") == _files(ROOT / "schemas", "*/*.xsd")
    assert (installed / "py.typed").exists()
