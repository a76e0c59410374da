from wellgate.cli import main

main()
