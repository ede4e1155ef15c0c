"""One cause, one exit code (issue 15, part 2, finding 7).

A read-only sources/ folder gave exit 2 and a read-only database exit 1, for the same cause:
the system refused a write. Every write the system refuses (the database, a held text, -o FILE)
is now exit 1 with one line naming the file; every file xiezuo reads that is missing or not
what it should be (the database, import FILE, --text FILE, a held text) is exit 3.

The permission cases run as a user other than root (root may write anything): as ``nobody``
when the tests run as root, else as the user running them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ENV, one_error_line
from typer.testing import Result

Run = Callable[..., Result]
NOBODY = 65534
pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder the user running xiezuo owns (pytest's own is closed to others under root)."""
    made = Path(tempfile.mkdtemp(prefix="xiezuo-codes-"))
    if os.geteuid() == 0:
        os.chown(made, NOBODY, NOBODY)
    try:
        yield made
    finally:
        for path in [made, *made.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(made)


# As root, the interpreter (in root's home) cannot be started as another user: start it as
# root, import what the commands use, then give root up, as a setuid program does.
RUNNER = """
import importlib, os, sys
for name in ("tempfile", "json", "csv", "re", "zlib", "marshal", "sqlite3", "calendar", "errno",
             "difflib", "unicodedata", "stat", "signal", "random", "threading", "fcntl",
             "xiezuo_cli.cli.entry", "xiezuo_cli.cli.argv", "xiezuo_cli.cli.dispatch",
             "xiezuo_cli.cli.commands.add", "xiezuo_cli.storage.store",
             "xiezuo_cli.authoring.documents", "xiezuo_cli.storage.held",
             "xiezuo_cli.storage.files", "xiezuo_cli.storage.validate",
             "xiezuo_cli.storage.cache", "xiezuo_cli.storage.index",
             "xiezuo_cli.storage.dataset", "xiezuo_cli.storage.locking",
             "xiezuo_cli.storage.heap", "xiezuo_cli.model.safe_text",
             "xiezuo_cli.storage.fastjson", "xiezuo_cli.storage.change", "msgspec", "uuid",
             "xiezuo_cli.storage.destination", "xiezuo_cli.present.output",
             "xiezuo_cli.storage.inputs", "xiezuo_cli.extract.text", "xiezuo_cli.extract.t2s_data",
             "encodings.utf_8_sig", "encodings.gb18030"):
    try:
        importlib.import_module(name)
    except ImportError:  # a module another version of xiezuo does not have
        pass
try:
    import opencc
    opencc.OpenCC("t2s")
except ImportError:
    pass
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
sys.argv = ["xiezuo", *sys.argv[1:]]
from xiezuo_cli.cli.entry import main
sys.exit(main())
"""


def xiezuo(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUNNER, *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, **ENV, "XDG_CACHE_HOME": str(folder / "cache"), "XIEZUO_DB": "my.json"},
        timeout=60,
    )


def ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr


def test_every_write_the_system_refuses_is_exit_1(folder: Path) -> None:
    ok(xiezuo(folder, "init", "my.json"))
    ok(xiezuo(folder, "pairs", "add", "--kind", "东西部协作", "--provider", "余杭",
              "--receiver", "苍溪"))  # fmt: skip
    (folder / "article.txt").write_text("余杭区投入3900万元。", encoding="utf-8")
    (folder / "sources").mkdir()
    if os.geteuid() == 0:
        for path in (folder / "article.txt", folder / "sources"):
            os.chown(path, NOBODY, NOBODY)
    database = (folder / "my.json").read_bytes()
    codes = {}

    (folder / "sources").chmod(0o555)
    result = xiezuo(folder, "sources", "add", "--id", "art", "--publisher", "p", "--published",
                    "2021", "--text", "article.txt")  # fmt: skip
    codes["read-only sources/"] = result.returncode
    assert result.stderr == (
        f"xiezuo: error: cannot write {folder / 'sources' / 'art.txt'}: Permission denied; "
        "nothing was written\n"
    )
    (folder / "sources").chmod(0o755)

    (folder / "my.json").chmod(0o444)
    result = xiezuo(folder, "pairs", "add", "--kind", "东西部协作", "--provider", "萧山",
                    "--receiver", "旺苍")  # fmt: skip
    codes["read-only database"] = result.returncode
    assert result.stderr == (
        "xiezuo: error: cannot write my.json: Permission denied; the database is unchanged\n"
    )
    (folder / "my.json").chmod(0o644)

    (folder / "out").mkdir()
    if os.geteuid() == 0:
        os.chown(folder / "out", NOBODY, NOBODY)
    (folder / "out").chmod(0o555)
    result = xiezuo(folder, "list", "--csv", "-o", "out/list.csv")
    codes["-o in a read-only folder"] = result.returncode
    assert result.stderr == (
        "xiezuo: error: cannot write out/list.csv: Permission denied; nothing was written\n"
    )

    assert codes == dict.fromkeys(codes, 1)
    assert (folder / "my.json").read_bytes() == database
    assert sorted(os.listdir(folder / "sources")) == []


def test_every_file_that_cannot_be_read_is_exit_3(cli: Run, tmp_path: Path) -> None:
    db = tmp_path / "my.json"
    assert cli("init", str(db)).exit_code == 0
    missing = tmp_path / "missing"
    cases = {
        "--db": ("validate", "--db", str(missing)),
        "write --db": ("pairs", "add", "--kind", "东西部协作", "--provider", "余杭",
                       "--receiver", "苍溪", "--db", str(missing)),
        "import FILE": ("import", str(missing), "--db", str(db)),
        "--text FILE": ("sources", "add", "--id", "s", "--publisher", "p", "--published",
                        "2021", "--text", str(missing), "--db", str(db)),
    }  # fmt: skip
    for name, args in cases.items():
        result = cli(*args)
        assert result.exit_code == 3, name
        assert one_error_line(result).startswith(f"xiezuo: error: {missing}: no such file"), name


def test_a_held_text_that_cannot_be_read_is_exit_3_like_any_file(cli: Run, tmp_path: Path) -> None:
    db = tmp_path / "my.json"
    assert cli("init", str(db)).exit_code == 0
    article = tmp_path / "article.txt"
    article.write_text("余杭区投入3900万元。", encoding="utf-8")
    for args in (
        ("pairs", "add", "--kind", "东西部协作", "--provider", "余杭", "--receiver", "苍溪"),
        ("sources", "add", "--id", "art", "--publisher", "p", "--published", "2021",
         "--text", str(article)),
    ):  # fmt: skip
        assert cli(*args, "--db", str(db)).exit_code == 0
    add = ("add", "--pair", "苍溪", "--category", "财政援助", "--measure", "协作资金", "--item",
           "x", "--amount", "3900万元", "--source", "art", "--db", str(db))  # fmt: skip
    held = tmp_path / "sources" / "art.txt"
    held.write_bytes("余杭区投入3900万元。".encode("gb18030"))
    result = cli(*add)
    assert result.exit_code == 3
    assert one_error_line(result) == f"xiezuo: error: {held}: the held text of art is not UTF-8"
    held.unlink()
    result = cli(*add)
    assert result.exit_code == 3
    assert one_error_line(result) == f"xiezuo: error: {held}: no such file"
