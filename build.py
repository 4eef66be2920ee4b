"""Entry point: `python build.py --help`."""

from briefings.cli import main

if __name__ == "__main__":
    main()
