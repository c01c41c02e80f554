"""One input through the pipeline, with every output ``formcheck video`` can write.

Order of work, so that a fault costs nothing the user made:

1. every output path is checked before the input is even opened;
2. the run streams frames through the sinks (annotated video, timeline CSV,
   landmark recording, the HTML collector, the progress bar); each sink
   writes under a temporary name;
3. whatever ended the run (the last frame, a truncated file, Ctrl-C), the
   sinks are closed and renamed into place, then the JSON report and the HTML
   page are written atomically. ``complete``/``problem`` in the report say
   whether the run covered the whole input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from .errors import FormcheckError
from .outputs import check_writable, write_atomic
from .pipeline import FrameResult
from .prefetch import Prefetched
from .progress import Progress
from .recording import is_recording_path
from .report import session_report, to_json
from .runner import AnnotatedVideo, LandmarkRecorder, RunOutcome, run
from .sources import Source, VideoFileSource, open_source
from .specs import PoseSpec, resolve_spec


@dataclass(frozen=True)
class Outputs:
    out: str | None = None  # annotated video
    report: str | None = None  # JSON report
    timeline: str | None = None  # per-frame CSV
    html: str | None = None  # self-contained HTML review
    landmarks: str | None = None  # landmark recording

    def named(self) -> list[tuple[str, str]]:
        """(path, what) for each requested output, in a stable order."""
        pairs = ((self.out, "annotated video"), (self.report, "report"), (self.timeline, "timeline"),
                 (self.html, "HTML report"), (self.landmarks, "landmark recording"))
        return [(p, what) for p, what in pairs if p]


def check_outputs(outputs: Outputs) -> None:
    """Fail before any work if an output cannot be written (one line, exit 2)."""
    for path, what in outputs.named():
        check_writable(path, what)


def expected_frames(source: Source) -> int | None:
    """How many frames the run will take, when the source knows its length."""
    if isinstance(source, VideoFileSource) and source.info.frame_count:
        last = source.info.frame_count
        if source.end_index is not None:
            last = min(last, source.end_index)
        return max(0, math.ceil((last - source.start_index) / source.stride))
    return None


def spec_for_input(pose: PoseSpec | str, path: str) -> PoseSpec:
    """The spec to judge one input by: a spec as given, or a name/path resolved.

    The one place a per-input choice goes (``--pose auto``: recognise the pose
    from the input itself), so single runs and batch workers share it.
    """
    if isinstance(pose, PoseSpec):
        return pose
    return resolve_spec(pose)


def process_input(path: str, spec: PoseSpec | str, outputs: Outputs, start: float = 0.0, end: float | None = None,
                  stride: int = 1, quiet: bool = True,
                  on_result: Callable[[FrameResult], None] | None = None,
                  progress_factory: Callable | None = None) -> tuple[dict, RunOutcome]:
    """Runs one video or recording and writes the requested outputs; returns (report, outcome).

    ``progress_factory(label, expected_frames)`` makes the progress sink (a
    batch worker reports to the main process instead of drawing a bar).
    """
    check_outputs(outputs)
    spec = spec_for_input(spec, path)
    source = open_source(path, start, end, stride)
    fps = source.info.fps / max(1, stride)
    size = (source.info.width, source.info.height)
    sinks: list = []
    estimator = None
    collector = None
    outcome: RunOutcome | None = None
    total = expected_frames(source)
    if progress_factory is None:
        progress = Progress(source.info.name, total, quiet=quiet)
    else:
        progress = progress_factory(source.info.name, total)
    if isinstance(source, VideoFileSource):
        source = Prefetched(source)  # decode the next frames while the model works
    try:
        if not is_recording_path(path):
            from .estimator import MODEL_NAME, PoseEstimator

            estimator = PoseEstimator(static=False)
            if outputs.landmarks:
                sinks.append(LandmarkRecorder(outputs.landmarks, source, MODEL_NAME))
        elif outputs.landmarks:
            raise FormcheckError("--save-landmarks needs a video; the input is already a landmark recording")
        if outputs.out:
            sinks.append(AnnotatedVideo(outputs.out, spec, fps, size))
        if outputs.timeline:
            from .timeline import TimelineCSV

            sinks.append(TimelineCSV(outputs.timeline, spec))
        if outputs.html:
            from .review import ReviewCollector

            collector = ReviewCollector(spec, size)
            sinks.append(collector)
        sinks.append(progress)
        outcome = run(source, spec, estimator, sinks, on_result)
    finally:
        progress.close()
        for sink in sinks:
            if isinstance(sink, LandmarkRecorder):
                sink.close(complete=outcome is not None and outcome.complete)
            else:
                sink.close()
        if estimator is not None:
            estimator.close()
        source.close()
    report = session_report(outcome.session, source.info.name, fps, outcome.complete, outcome.problem)
    if outputs.report:
        write_atomic(outputs.report, to_json(report))
    if outputs.html and collector is not None:
        from .html_report import render_html

        write_atomic(outputs.html, render_html(report, collector.data(outcome.session.timer.holds), spec))
    return report, outcome
