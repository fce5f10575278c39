"""Periodic analysis for management: figures, tables, exports."""
