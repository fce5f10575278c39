"""klachtdesk's benchmark: the performance budgets measured the same way every time.

``make bench`` (``python -m bench``) builds demo databases of 10, 100,000 and
1,000,000 cases once (``.bench-cache/``), measures every budget of
``design.md`` ("Performance budgets") next to a *reference* taken in the same run
(a bare Textual app, the same query as raw SQL, numpy on the same holiday list,
plain ``executemany``), and prints one table; ``bench/RESULTS.md`` keeps it with
the machine it was taken on. See ``bench/README.md``.

Not part of the test suite: nothing here imports pytest, and nothing under
``tests/`` imports this package.
"""

#: the staff member (every role) the bench databases are built and measured as (``bench.cache.USER``)
BENCH_USER = "bench"
