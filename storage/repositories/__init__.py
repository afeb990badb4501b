"""Repositories: small query functions named after the question they answer, one module per aggregate."""
