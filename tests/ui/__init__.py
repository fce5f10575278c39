"""UI tests (a package, so tests/ui/test_analysis.py and tests/unit/test_analysis.py can both exist)."""
