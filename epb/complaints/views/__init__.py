"""Views of the centre: thin; every write goes through ``epb.complaints.services``."""
