#!/usr/bin/env bash
# `make node-image`: builds kubelite.local/node:<version> for the compose cluster
# (see deploy/compose/build-node-image.sh). Prints the image name last.
exec bash "$(dirname "$0")/../deploy/compose/build-node-image.sh" "$@"
