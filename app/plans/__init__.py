"""Integration plans, referrals to regular services, networking, counselling periods."""
