from gmb.cli import main

main()
