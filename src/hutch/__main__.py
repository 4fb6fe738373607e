from hutch.cli.app import main

main()
