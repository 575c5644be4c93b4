"""Layouts of the policies module (民生直达 and 亲清在线)."""
