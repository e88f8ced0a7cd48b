"""`python -m tutor_core.cli`."""

from tutor_core.cli import main

if __name__ == "__main__":
    main()
