"""Support rotations: config, fair planner, calendars and their delivery."""
