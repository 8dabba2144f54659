"""API conventions shared by every app: the error shape and pagination."""
