"""Project foundation: the ``tapestudio`` CLI, the wheel's contents, the TF oracle."""

from __future__ import annotations

import os
import shutil
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from studio import cli

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m studio.cli ARGS`` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "studio.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- CLI ----------------------------------------------------------------------


def test_cli_help_lists_options() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0, proc.stderr
    for option in ("--host", "--port", "--data-dir", "--open", "--token", "--version"):
        assert option in proc.stdout
    assert "tapestudio" in proc.stdout


def test_cli_version() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().startswith("tapestudio 0.1")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org", "::"])
def test_cli_non_loopback_host_gets_a_token(host: str) -> None:
    config, url = cli.resolve(cli.build_parser().parse_args(["--host", host]))
    assert config.token and len(config.token) >= 24
    assert url.endswith(f"/?token={config.token}")


def test_cli_explicit_token_is_used() -> None:
    config, url = cli.resolve(cli.build_parser().parse_args(["--host", "0.0.0.0", "--port", "8080",
                                                             "--token", "s3cret"]))
    assert config.token == "s3cret" and url == "http://0.0.0.0:8080/?token=s3cret"


def test_cli_default_is_loopback_without_token(tmp_path: Path) -> None:
    config, url = cli.resolve(cli.build_parser().parse_args(["--data-dir", str(tmp_path)]))
    assert url == "http://127.0.0.1:5000/" and config.token is None and config.data_dir == tmp_path


def test_cli_serves_the_studio_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    import signal
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "studio.cli", "--port", "0", "--data-dir", str(tmp_path)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()  # the banner
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0/")
        with urllib.request.urlopen(url + "api/health", timeout=30) as response:
            assert json.loads(response.read())["status"] == "ok"
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0, proc.stderr.read()
    assert (tmp_path / "studio.sqlite3").is_file()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts(host: str) -> None:
    assert cli.is_loopback(host)


def test_server_url_brackets_ipv6() -> None:
    assert cli.server_url("::1", 5000) == "http://[::1]:5000/"


def test_cli_rejects_bad_port() -> None:
    proc = run_cli("--port", "70000")
    assert proc.returncode == 2
    assert "port" in proc.stderr


def test_default_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert cli.default_data_dir() == tmp_path / "tapestudio"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert cli.default_data_dir() == Path.home() / ".local" / "share" / "tapestudio"


# --- packaging ----------------------------------------------------------------

_COPY_IGNORE = shutil.ignore_patterns(
    ".git", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", "node_modules", ".venv",
    ".pytest_cache", ".hypothesis",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a clean copy of the source tree (no stale build/ dir)."""
    src = tmp_path_factory.mktemp("src") / "tapestudio"
    shutil.copytree(ROOT, src, ignore=_COPY_IGNORE)
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(out)],
        cwd=src,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (whl,) = out.glob("tapestudio-*.whl")
    return whl


@pytest.mark.slow
def test_wheel_contains_packages_and_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "engine/__init__.py",
        "studio/__init__.py",
        "studio/cli.py",
        "frontend/__init__.py",
        "frontend/README.md",
        "sample_data/__init__.py",
        "sample_data/README.md",
        "sample_data/loaders.py",
        "sample_data/playground.py",
        "sample_data/digits/digits.csv.gz",
        "sample_data/digits/dataset.json",
        "sample_data/digits/LICENSE.md",
        "sample_data/iris/iris.csv",
        "sample_data/iris/dataset.json",
        "sample_data/iris/LICENSE.md",
    ):
        assert required in names, f"{required} missing from {wheel.name}"
    # Every module of engine/ and studio/ ships (a subpackage without
    # __init__.py would silently be left out of non-editable installs).
    for package in ("engine", "studio"):
        for path in (ROOT / package).rglob("*.py"):
            if "__pycache__" in path.parts:
                continue
            rel = path.relative_to(ROOT).as_posix()
            assert rel in names, f"{rel} missing from {wheel.name} (no __init__.py in its folder?)"
    # Nothing that is not part of the distribution.
    tops = {name.split("/", 1)[0] for name in names}
    assert not tops & {"tests", "bench", "scripts", "specs"}
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "tapestudio = studio.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.mark.slow
def test_wheel_works_when_installed_non_editable(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    env = {**os.environ, "PYTHONPATH": str(target)}
    check = (
        "import frontend, sample_data, studio.cli, pathlib;"
        f"assert pathlib.Path(sample_data.__file__).is_relative_to({str(target)!r});"
        "assert (sample_data.DATA_DIR / 'README.md').is_file();"
        "assert sample_data.load('digits')[0].shape == (1797, 8, 8, 1);"
        "assert sample_data.load('iris')[0].shape == (150, 4);"
        "assert (pathlib.Path(frontend.__file__).parent / 'README.md').is_file()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", check], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("--help", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "--data-dir" in proc.stdout


# --- oracle -------------------------------------------------------------------


def test_tf_oracle_is_tensorflow_2_21(tf_oracle) -> None:
    assert tf_oracle.__version__ == "2.21.0"
    assert float(tf_oracle.reduce_sum(tf_oracle.constant([1.0, 2.0]))) == 3.0
