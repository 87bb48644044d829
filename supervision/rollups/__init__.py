"""The cockpit's daily counts: rebuilt exactly by day (build), kept current after each commit (touch)."""
