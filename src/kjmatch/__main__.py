from kjmatch.cli import main

main()
