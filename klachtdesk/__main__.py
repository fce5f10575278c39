from klachtdesk.cli import main

raise SystemExit(main())
