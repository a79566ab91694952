"""Careful file reading and writing for paths a user (or an attacker) may control.

`read_regular` reads only regular files, with a hard size limit that holds even
for devices and FIFOs (whose `st_size` is 0). `atomic_write` replaces a file
all at once, through a private temporary file that never follows a symlink.
Neither imports anything heavy.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO

from .errors import DataError, Problem, RequestError

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFLNK: "a symlink",
}


class NotRegularFileError(OSError):
    """The path is a device, FIFO, socket, folder or symlink where a plain file is needed."""

    def __init__(self, path: str | os.PathLike[str], mode: int) -> None:
        self.kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        super().__init__(errno.EINVAL, f"{self.kind}, not a regular file", str(path))


class FileTooLargeError(OSError):
    """The file holds more than the caller's limit; `size` is what was seen (at least limit+1)."""

    def __init__(self, path: str | os.PathLike[str], size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(errno.EFBIG, f"file is over the {limit:,}-byte limit", str(path))


def read_regular(
    path: str | os.PathLike[str],
    limit: int,
    *,
    follow_symlinks: bool = True,
    check: Callable[[os.stat_result], None] | None = None,
) -> bytes:
    """Return the bytes of the regular file at `path`, at most `limit` of them.

    The file is opened non-blocking (so a FIFO cannot hang us) and checked with
    fstat on the open descriptor (so it cannot be swapped after a check by name).
    Raises NotRegularFileError for anything but a regular file, FileTooLargeError
    past `limit` bytes (read at most limit+1, whatever st_size says), and the
    usual OSError (FileNotFoundError, PermissionError, ...) otherwise.
    `check`, if given, sees the same fstat result and may raise to refuse the file
    (the cache uses it to insist on files of its own user).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFileError(path, st.st_mode)
        if check is not None:
            check(st)
        if st.st_size > limit:
            raise FileTooLargeError(path, st.st_size, limit)
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(limit + 1 - got, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:
            raise FileTooLargeError(path, got, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def open_regular(path: str | os.PathLike[str]) -> IO[bytes]:
    """Open a regular file for streaming reads (files too large for `read_regular`).

    Opened non-blocking and checked with fstat, as `read_regular` does, so a FIFO or
    device is refused at once rather than read or waited on; then blocking again."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFileError(path, st.st_mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class UnreadableError(DataError):
    """A data file that cannot be read, as a problem to report with the others (a
    DataError, so that one that reaches the CLI is an ordinary error, exit 1)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__([problem])


def data_file_limit() -> int:
    """The per-file size limit; a malformed KJMATCH_MAX_FILE_MB is a usage error, not a crash."""
    raw = os.environ.get("KJMATCH_MAX_FILE_MB", "").strip() or "64"
    if not raw.isdecimal() or not 1 <= int(raw) <= 1 << 20:
        raise RequestError(
            f"KJMATCH_MAX_FILE_MB must be a whole number of MiB from 1 to 1048576, got {raw!r}"
        )
    return int(raw) * 1024 * 1024


def read_data_file(path: str | os.PathLike[str], file: str, limit: int | None = None) -> bytes:
    """`read_regular` for a user's data file, with the limit from KJMATCH_MAX_FILE_MB
    (unless `limit` is given); raises UnreadableError naming `file` in a plain message."""
    limit = data_file_limit() if limit is None else limit
    mib = f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit:,}-byte"
    try:
        return read_regular(path, limit)
    except FileTooLargeError as exc:
        # st_size is exact for a file that did not grow while read; otherwise say "over"
        size = f"is {exc.size / 2**20:.0f} MiB, over" if exc.size > limit + 1 else "is over"
        why = f"file {size} the {mib} limit (set KJMATCH_MAX_FILE_MB to raise it)"
    except NotRegularFileError as exc:
        why = f"cannot read file: it is {exc.kind}; only regular files are read"
    except OSError as exc:
        why = f"cannot read file: {exc.strerror or exc}"
    raise UnreadableError(Problem(file, 0, 0, "", why))


def atomic_write(
    path: str | os.PathLike[str], data: bytes | str, *, mode: int = 0o644, replace: bool = True
) -> None:
    """Write `data` (str is encoded as UTF-8) to `path` all at once.

    The data goes to a new temporary file in the same folder (mkstemp: O_EXCL,
    so never through a planted symlink), is fsynced and then renamed over
    `path`; the temporary file is removed on every failure, Ctrl-C included.
    The new file gets `mode` as limited by the umask (0o600 stays private).
    Refuses (NotRegularFileError) to replace anything but a regular file: a
    symlink, folder, device or FIFO at `path` is left alone. With
    `replace=False` an existing `path` raises FileExistsError, atomically.
    """
    import tempfile  # only writers pay for it

    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    _check_replaceable(target, replace)
    folder = target.parent
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with open(fd, "wb", closefd=True) as fh:
            os.fchmod(fh.fileno(), mode & ~_umask() & 0o7777)
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            _check_replaceable(target, replace)  # narrow the window for a swap
            os.replace(tmp, target)
        else:
            _link_no_clobber(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _check_replaceable(target: Path, replace: bool) -> None:
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFileError(target, st.st_mode)
    if not replace:
        raise FileExistsError(errno.EEXIST, "file exists", str(target))


def _link_no_clobber(tmp: str, target: Path) -> None:
    """Rename without replacing: a hard link fails with FileExistsError, atomically."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        _check_replaceable(target, replace=False)  # the best a FAT or SMB folder allows
        os.replace(tmp, target)
        return
    os.unlink(tmp)


_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}


def _umask() -> int:
    # reading the umask means setting it; 0o077 is the safe value to hold meanwhile
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder if str(folder) else ".", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
