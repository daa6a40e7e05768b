"""Pages of the enforcement app, by sub-domain. Views stay thin: forms check, services write."""
