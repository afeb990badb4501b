"""One module per `hitobot` subcommand (see bot/cli.py)."""
