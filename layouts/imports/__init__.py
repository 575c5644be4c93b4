"""The data operator's import tab."""
