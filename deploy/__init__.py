"""Deployment recipe: several Rounds replicas behind nginx, sharing one PostgreSQL."""
