#!/usr/bin/env python
from palabre.cli import main

if __name__ == "__main__":
    main()
