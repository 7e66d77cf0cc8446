#!/bin/sh
# Makes configure and the Makefile.in files; none of them is committed.
set -e
cd "$(dirname "$0")"
autoreconf -fi
