"""The leader's cockpit (领导驾驶舱): figures from the daily counts, the dispute network, drill-down links."""
