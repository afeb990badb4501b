"""SQLAlchemy models, one module per aggregate; all share models.base.Base."""
