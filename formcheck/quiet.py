"""Keeps native libraries' chatter off stderr.

MediaPipe (glog, TensorFlow Lite) and OpenCV's FFmpeg back end write straight
to file descriptor 2, which ``sys.stderr`` cannot redirect. formcheck promises
one clear line on stderr for a user error, so that noise is captured around
the calls that make it and shown only if the call itself fails.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from typing import Iterator

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all
        yield
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        failed = True
        try:
            yield
            failed = False
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            if failed:
                sink.seek(0)
                os.write(2, sink.read()[-4000:])


def silence_native_stderr() -> None:
    """For the whole process: native writes to fd 2 go to /dev/null, while
    Python's ``sys.stderr`` keeps writing to the real stderr.

    Native libraries also log from their own threads at odd moments (graph
    start, shutdown), which no scoped redirect can catch. Set
    FORMCHECK_NATIVE_LOGS=1 to see them when debugging.
    """
    if os.environ.get("FORMCHECK_NATIVE_LOGS") == "1":
        return
    try:
        sys.stderr.flush()
        real = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = io.TextIOWrapper(os.fdopen(real, "wb", buffering=0), encoding="utf-8",
                                  errors="replace", line_buffering=True, write_through=True)
