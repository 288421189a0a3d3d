"""``python -m bot`` is the ``qabot`` command (in the project's environment: ``uv run``)."""

import sys

try:
    from bot.cli import main
except ModuleNotFoundError as error:  # run by a Python without the project's packages
    if (error.name or "").partition(".")[0] in ("bot", "retrieval"):
        raise
    print(
        f"qabot: error: this Python ({sys.executable}) lacks the package {error.name!r} that qabot needs: "
        "run it in the project's environment, `uv run qabot ...` or `uv run python -m bot ...`",
        file=sys.stderr,
    )
    raise SystemExit(2) from None

raise SystemExit(main())
