"""Thin glue: read inputs, call data_access and layouts, return outputs. Importing registers them."""
