"""Layouts of 新拱墅人一码通: the module page (review queue, oversight) and the public phone pages."""
