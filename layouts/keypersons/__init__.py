"""Layouts of the key-persons page (精密智控)."""
