#!/bin/sh
# t-tftp-epoll.sh: t-tftp-clients.sh again with disklessd's loop on epoll
# alone (DISKLESSD_IO_URING=0): the path it takes where io_uring is
# disabled (kernel.io_uring_disabled, a container's seccomp profile, a
# kernel before 6.0). Every client, size and mode of that test, byte for
# byte, and the log says "event loop: epoll".
TFTP_ENV="${TFTP_ENV:+$TFTP_ENV }DISKLESSD_IO_URING=0" EXPECT_LOOP=epoll
export TFTP_ENV EXPECT_LOOP
exec "${top_srcdir:?}/tests/integration/t-tftp-clients.sh" "$@"
