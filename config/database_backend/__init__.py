"""The PostgreSQL backend of every alias: django-prometheus' (queries counted per
alias), with a health check of a kept-alive connection that sends no query."""
