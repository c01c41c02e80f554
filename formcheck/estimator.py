"""Frames -> Pose, through MediaPipe. The only module that imports mediapipe.

``mediapipe==0.10.21`` carries the BlazePose GHUM *full* landmark model in its
wheel (``mp.solutions.pose``, ``model_complexity=1``), so this works with no
network. Moving to the Tasks API later means changing this file only.
"""

from __future__ import annotations

import numpy as np

from .pose import Pose
from .quiet import quiet_stderr as _quiet_stderr

MODEL_NAME = "mediapipe 0.10.21 BlazePose GHUM full (model_complexity=1)"


class PoseEstimator:
    """BlazePose on BGR images.

    static=False: tracking ("video") mode for a stream of frames in order.
    static=True: every image is detected afresh (for unrelated still images).
    """

    def __init__(self, static: bool = False, model_complexity: int = 1,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5):
        with _quiet_stderr():
            import mediapipe as mp  # heavy: imported only when a model is needed

            self._pose = mp.solutions.pose.Pose(
                static_image_mode=static,
                model_complexity=model_complexity,
                smooth_landmarks=True,
                enable_segmentation=False,
                min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence,
            )
        self._warm = 0

    def __call__(self, image_bgr: np.ndarray) -> Pose | None:
        import cv2

        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        if self._warm < 2:  # the native warnings come with the first frames
            with _quiet_stderr():
                result = self._pose.process(rgb)
            self._warm += 1
        else:
            result = self._pose.process(rgb)
        if result.pose_landmarks is None or result.pose_world_landmarks is None:
            return None
        img = result.pose_landmarks.landmark
        wld = result.pose_world_landmarks.landmark
        return Pose(
            image=np.array([(p.x, p.y, p.z) for p in img]),
            world=np.array([(p.x, p.y, p.z) for p in wld]),
            visibility=np.array([p.visibility for p in img]),
        )

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
