"""Checker console: the review console of Apply for Care ID."""
