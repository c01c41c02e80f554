"""A camera read on its own thread: the loop gets the newest frame, never a
queue, and a camera that stops counts as disconnected."""

import threading
import time

import numpy as np

from formcheck.sources import CameraSource, LatestFrameReader


class FakeCapture:
    """Delivers a numbered frame every ``period`` seconds, ``n`` of them."""

    def __init__(self, period=0.005, n=10_000):
        self.period, self.n, self.i = period, n, 0
        self.released = False

    def read(self):
        time.sleep(self.period)
        self.i += 1
        if self.i > self.n:
            return False, None
        return True, np.full((2, 2, 3), self.i % 256, np.uint8)

    def release(self):
        self.released = True


def test_a_slow_loop_gets_the_newest_frame_not_a_queue():
    reader = LatestFrameReader(FakeCapture(0.005), time.monotonic())
    last, ages, skipped = 0, [], 0
    for _ in range(15):
        seq, t_ms, _ = reader.next_after(last)
        skipped += seq - last - 1
        last = seq
        ages.append(time.monotonic() * 1000 - (reader._t0 * 1000 + t_ms))
        time.sleep(0.04)  # a loop eight times slower than the camera
    reader.stop()
    assert skipped > 15 * 4  # most frames were dropped, not queued
    # A queue would make the age grow by ~35 ms per frame (to ~500 ms); here it stays near one period.
    assert max(ages) < 100


def test_a_camera_that_stops_ends_the_stream_with_a_problem():
    src = CameraSource.__new__(CameraSource)
    src._cap, src.device, src.dropped, src.info = FakeCapture(0.001, n=30), True, 0, None
    frames = list(src)
    src.close()
    assert 0 < len(frames) <= 30 and frames[-1].t_ms >= frames[0].t_ms
    assert src.complete is False and "disconnected" in src.problem and src._cap.released


def test_a_stalled_camera_counts_as_gone():
    class Stalled(FakeCapture):
        def read(self):
            if self.i >= 3:
                threading.Event().wait(2.0)
            return super().read()

    reader = LatestFrameReader(Stalled(0.001), time.monotonic(), stall_s=0.3)
    got = [reader.next_after(0)]
    while got[-1] is not None:
        got.append(reader.next_after(got[-1][0]))
    assert len(got) >= 2 and got[-1] is None
