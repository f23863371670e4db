"""``python -m tf_parity``: the same as ``nnref parity``."""
from __future__ import annotations

import argparse
import sys

from tf_parity import cli


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tf_parity", description=cli.__doc__.splitlines()[0])
    cli.configure(parser)
    return cli.run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
