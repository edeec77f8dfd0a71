"""One module per `pulse` subcommand; see dashboard/cli.py."""
