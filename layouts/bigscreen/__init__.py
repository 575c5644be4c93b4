"""The big screen: the command room's wall display."""
