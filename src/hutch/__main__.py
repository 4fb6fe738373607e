from hutch.cli.main import entry

entry()
