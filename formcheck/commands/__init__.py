"""One module per sub-command; each has ``register(subparsers)`` that sets
``func`` on its parser. Listed in the order ``--help`` shows them."""

from . import demo, history, image, live, poses, spec, tune, video

COMMANDS = (demo, video, image, live, history, poses, tune, spec)
