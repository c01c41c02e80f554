"""formcheck poses: the pose specs that are available."""

from __future__ import annotations

from ..specs import available_specs, load_spec_file


def register(sub) -> None:
    p = sub.add_parser("poses", help="list the pose specs",
                       description="List the bundled pose specs with their camera view and hold target.")
    p.set_defaults(func=run)


def run(args) -> int:
    for name, path in sorted(available_specs().items()):
        spec = load_spec_file(path)
        side = ", one side at a time" if spec.sided else ""
        print(f"{name:24s} {spec.title} (camera: {spec.view}, hold {spec.hold_seconds:g}s{side})")
    return 0
