"""The outside world behind small interfaces: blob storage, CIM, CIS2, notifications."""
