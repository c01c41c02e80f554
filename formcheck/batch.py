"""Many inputs at once: naming their outputs, running them on every core,
and the summary table.

Output names: with several inputs an output option is given without a file
name (``--report``) and becomes ``<out-dir>/<stem>.report.json``, or with a
``{stem}`` template (``--report 'out/{stem}-review.json'``). ``<stem>`` is
the input's name without its extension (and without ``.landmarks.jsonl.gz``
for a recording). Two inputs with the same stem are refused before any work,
so no run overwrites another's outputs.

Parallel runs use processes (the model and the decoder hold the GIL for
long stretches), started with ``spawn`` so no worker inherits a half-made
MediaPipe graph. A bad input fails alone: one line on stderr, the others
finish. Ctrl-C asks every worker to stop at its next frame; each writes its
outputs up to that point, marked incomplete.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_mod
import signal
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from .errors import FormcheckError
from .recording import is_recording_path
from .review_run import Outputs, check_outputs, process_input
from .progress import Progress
from .specs import PoseSpec

AUTO = "\0auto"  # an output option given without a file name
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv")
SUFFIXES = {"out": ".annotated.mp4", "report": ".report.json", "timeline": ".timeline.csv",
            "html": ".html", "save_landmarks": ".landmarks.jsonl.gz"}
OPTION = {"out": "--out", "report": "--report", "timeline": "--timeline", "html": "--html",
          "save_landmarks": "--save-landmarks"}


def input_stem(path: Path) -> str:
    name = path.name
    for suffix in (".landmarks.jsonl.gz", ".landmarks.jsonl", ".jsonl.gz", ".jsonl"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def expand_inputs(items: list[str]) -> list[Path]:
    """Files as given; a folder becomes the videos and recordings directly inside it, sorted."""
    inputs: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                           and (f.suffix.lower() in VIDEO_SUFFIXES or is_recording_path(f)))
            if not found:
                raise FormcheckError(f"folder {p} has no videos ({', '.join(VIDEO_SUFFIXES)}) or landmark "
                                     "recordings (.jsonl.gz) in it; give the files or another folder")
            inputs.extend(found)
        else:
            inputs.append(p)  # a missing or bad file fails alone when its turn comes
    return inputs


def output_names(inputs: list[Path], args) -> list[Outputs]:
    """Each input's output paths, all checked writable before any work."""
    batch = len(inputs) > 1
    wanted = {k: getattr(args, k, None) for k in SUFFIXES}
    out_dir = Path(args.out_dir) if getattr(args, "out_dir", None) else Path(".")
    for key, value in wanted.items():
        if value and value != AUTO and batch and "{stem}" not in value:
            raise FormcheckError(
                f"{OPTION[key]} {value} names one file but there are {len(inputs)} inputs; give {OPTION[key]} "
                "without a name (files go to --out-dir) or put {stem} in the name")
    if any(v == AUTO for v in wanted.values()):
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise FormcheckError(f"cannot create --out-dir {out_dir}: {e.strerror}; choose a folder you can write")
    if batch and any(wanted.values()):
        seen: dict[str, Path] = {}
        for p in inputs:
            stem = input_stem(p)
            if stem in seen:
                raise FormcheckError(f"{seen[stem]} and {p} would write outputs under the same name '{stem}'; "
                                     "rename one or run them separately")
            seen[stem] = p
    names = []
    for p in inputs:
        stem = input_stem(p)

        def name(key: str) -> str | None:
            value = wanted[key]
            if not value:
                return None
            if value == AUTO:
                return str(out_dir / f"{stem}{SUFFIXES[key]}")
            return value.replace("{stem}", stem)

        outputs = Outputs(name("out"), name("report"), name("timeline"), name("html"), name("save_landmarks"))
        for path, what in outputs.named():
            if Path(path).resolve() == p.resolve():
                raise FormcheckError(f"the {what} would overwrite the input {p}; choose another name")
        check_outputs(outputs)
        names.append(outputs)
    all_paths = [Path(path).resolve() for o in names for path, _ in o.named()]
    if len(set(all_paths)) != len(all_paths):
        raise FormcheckError("two outputs have the same file name; give each option its own name")
    return names


@dataclass(frozen=True)
class BatchResult:
    file: str
    exit_code: int  # 0 done, 2 bad or incomplete input, 1 internal fault
    problem: str | None = None
    frames: int = 0
    duration_s: float = 0.0
    holds: int = 0
    completed: int = 0
    longest_s: float = 0.0
    time_in_form_s: float = 0.0
    warnings: int = 0
    elapsed_s: float = 0.0

    @property
    def speed_fps(self) -> float:
        return self.frames / self.elapsed_s if self.elapsed_s > 0 else 0.0


# --- worker side ---------------------------------------------------------------

_STOP = None  # multiprocessing.Event: the main process asks for a stop
_QUEUE = None  # multiprocessing.Queue: (job index, frames done, frames expected)


def _init_worker(stop, progress_queue) -> None:
    global _STOP, _QUEUE
    _STOP, _QUEUE = stop, progress_queue
    # Ctrl-C reaches every process in the terminal's group; the main process
    # turns it into _STOP, so an idle worker must not die of it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Reporter:
    """Sink in a worker: sends progress now and then, and stops the run when asked."""

    def __init__(self, index: int, total: int | None):
        self.index, self.total, self.done = index, total, 0
        self._last = 0.0

    def on_frame(self, _result) -> None:
        self.done += 1
        now = time.monotonic()
        if now - self._last >= 0.3:
            self._last = now
            if _QUEUE is not None:
                _QUEUE.put((self.index, self.done, self.total))
            if _STOP is not None and _STOP.is_set():
                raise KeyboardInterrupt  # the run loop turns this into an incomplete, interrupted run

    def close(self) -> None:
        if _QUEUE is not None:
            _QUEUE.put((self.index, self.done, self.done))


def run_one(index: int, path: str, spec: PoseSpec, outputs: Outputs, start: float, end: float | None,
            stride: int) -> BatchResult:
    if _STOP is not None and _STOP.is_set():
        return BatchResult(path, 2, "not started: interrupted (Ctrl-C)")
    t0 = time.monotonic()
    try:
        report, outcome = process_input(path, spec, outputs, start, end, stride,
                                        progress_factory=lambda label, total: _Reporter(index, total))
    except FormcheckError as e:
        return BatchResult(path, 2, str(e))
    except Exception as e:  # an internal fault in one input must not sink the others
        return BatchResult(path, 1, f"internal fault: {e.__class__.__name__}: {e}")
    return BatchResult(path, 0 if outcome.complete else 2, None if outcome.complete else outcome.problem,
                       report["frames"], report["duration_s"], len(report["holds"]),
                       sum(h["completed"] for h in report["holds"]), report["longest_hold_s"],
                       report["time_in_form_s"], len(report["warnings"]), time.monotonic() - t0)


# --- main side -----------------------------------------------------------------

def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def run_batch(inputs: list[Path], names: list[Outputs], spec: PoseSpec, start: float, end: float | None,
              stride: int, jobs: int | None, quiet: bool) -> list[BatchResult]:
    """Runs every input; results in input order. Failures are printed (one line each) as they come."""
    jobs = min(jobs or default_jobs(), len(inputs))
    ctx = multiprocessing.get_context("spawn")
    stop, progress_queue = ctx.Event(), ctx.Queue()
    done_frames: dict[int, int] = {}
    totals: dict[int, int | None] = {}
    results: dict[int, BatchResult] = {}
    bar = Progress(f"0/{len(inputs)} files", None, quiet=quiet)

    def drain() -> None:
        while True:
            try:
                i, done, total = progress_queue.get_nowait()
            except queue_mod.Empty:
                break
            done_frames[i], totals[i] = done, total
        known = [t for t in totals.values() if t]
        if known:
            bar.total = int(sum(known) + (len(inputs) - len(known)) * sum(known) / len(known))
        bar.label = f"{len(results)}/{len(inputs)} files"
        bar.update(sum(done_frames.values()))

    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                             initargs=(stop, progress_queue)) as pool:
        futures = {pool.submit(run_one, i, str(p), spec, names[i], start, end, stride): i
                   for i, p in enumerate(inputs)}
        pending = set(futures)
        while pending:
            try:
                finished, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                for f in finished:
                    i = futures[f]
                    try:
                        r = f.result()
                    except BrokenProcessPool:
                        r = BatchResult(str(inputs[i]), 1, "internal fault: the worker process died")
                    results[i] = r
                    if r.exit_code:
                        bar.message(f"formcheck: {r.file}: {r.problem}"
                                    + ("; the outputs cover the part before that" if r.frames else "; skipped"),
                                    sys.stderr)
                drain()
            except KeyboardInterrupt:
                stop.set()  # workers finish their current frame, write what they have, and return
    bar.close()
    return [results[i] for i in range(len(inputs))]


def summary_table(results: list[BatchResult]) -> list[str]:
    head = ("file", "frames", "length", "holds", "at target", "longest", "in form", "warnings", "speed", "status")
    rows = []
    for r in results:
        if r.exit_code == 0:
            status = "ok"
        elif r.frames:
            status = "INCOMPLETE"
        else:
            status = "NOT RUN" if (r.problem or "").startswith("not started") else "FAILED"
        if r.frames or r.exit_code == 0:
            rows.append((Path(r.file).name, str(r.frames), f"{r.duration_s:.1f}s", str(r.holds), str(r.completed),
                         f"{r.longest_s:.1f}s", f"{r.time_in_form_s:.1f}s", str(r.warnings),
                         f"{r.speed_fps:.0f} fps", status))
        else:
            rows.append((Path(r.file).name, *("-" * 8), status))
    widths = [max(len(row[c]) for row in (head, *rows)) for c in range(len(head))]

    def fmt(row) -> str:
        return "  ".join(cell.ljust(w) if c in (0, len(head) - 1) else cell.rjust(w)
                         for c, (cell, w) in enumerate(zip(row, widths))).rstrip()

    failed = sum(r.exit_code != 0 for r in results)
    return [fmt(head), *(fmt(r) for r in rows),
            f"{len(results) - failed} of {len(results)} inputs done" + (f", {failed} failed or incomplete"
                                                                         if failed else "")]
