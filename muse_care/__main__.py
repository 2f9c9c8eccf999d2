from muse_care.entry import main

raise SystemExit(main())
