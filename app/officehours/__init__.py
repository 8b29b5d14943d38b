"""Office hours: locations, schedules, slots, exceptions, check-in queue and kiosks."""
