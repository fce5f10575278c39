"""``python -m bench [--snel] [--herbouw] ...`` — see ``bench/README.md``."""

from bench.run import main

raise SystemExit(main())
