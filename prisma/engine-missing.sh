#!/bin/sh
echo "the native schema engine is not installed here; use the project's migration commands (npm run db:migrate)" >&2
exit 1
