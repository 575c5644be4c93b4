"""The proxy-applications page (帮办代办): its layout, ids and the builders of what it shows."""
