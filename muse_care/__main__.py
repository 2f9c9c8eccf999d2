from muse_care.cli.main import main

raise SystemExit(main())
