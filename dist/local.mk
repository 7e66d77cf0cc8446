# dist/: what an installed system has around the programs: the systemd
# unit of disklessd, the sysusers.d entry of its user, bash completion,
# and the example site (doc/example-site) for the admin to copy.
# Each folder comes from configure (--with-systemdsystemunitdir,
# --with-sysusersdir, --with-bashcompletiondir; "no" skips it).

# The unit names installed paths, so it is written at install time from
# the install-time $(sbindir) and $(sysconfdir): `make install prefix=X`
# gets a unit that starts the disklessd it installed.
UNIT_IN = $(srcdir)/dist/systemd/disklessd.service.in
EXTRA_DIST += dist/systemd/disklessd.service.in dist/sysusers.d/diskless.conf \
	dist/bash-completion/diskless

DIST_INSTALL =
DIST_UNINSTALL =
if HAVE_SYSTEMDUNITDIR
DIST_INSTALL += install-systemd-unit
DIST_UNINSTALL += uninstall-systemd-unit
endif
install-systemd-unit:
	$(MKDIR_P) $(DESTDIR)$(systemdsystemunitdir)
	$(SED) -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
		$(UNIT_IN) > $(DESTDIR)$(systemdsystemunitdir)/disklessd.service.tmp
	chmod 644 $(DESTDIR)$(systemdsystemunitdir)/disklessd.service.tmp
	mv $(DESTDIR)$(systemdsystemunitdir)/disklessd.service.tmp \
		$(DESTDIR)$(systemdsystemunitdir)/disklessd.service
uninstall-systemd-unit:
	rm -f $(DESTDIR)$(systemdsystemunitdir)/disklessd.service

if HAVE_SYSUSERSDIR
sysusers_DATA = dist/sysusers.d/diskless.conf
endif

# One file completes both programs; disklessd gets its own copy (not a
# link) so that a package of the daemon alone carries its completion.
if HAVE_BASHCOMPDIR
bashcompletion_DATA = dist/bash-completion/diskless
DIST_INSTALL += install-completion-disklessd
DIST_UNINSTALL += uninstall-completion-disklessd
endif
install-data-local: $(DIST_INSTALL)
uninstall-local: $(DIST_UNINSTALL)
install-completion-disklessd:
	$(MKDIR_P) $(DESTDIR)$(bashcompletiondir)
	$(INSTALL_DATA) $(srcdir)/dist/bash-completion/diskless \
		$(DESTDIR)$(bashcompletiondir)/disklessd
uninstall-completion-disklessd:
	rm -f $(DESTDIR)$(bashcompletiondir)/disklessd

# The example site, hosts directory included (its hosts-dir is relative):
# $(docdir)/examples, where Debian admins look for one. It is not put in
# $(sysconfdir): a DHCP server must not start serving a made-up range.
exampledir = $(docdir)/examples
example_DATA = doc/example-site/diskless.conf
examplehostsdir = $(exampledir)/hosts.d
examplehosts_DATA = doc/example-site/hosts.d/pc01.conf \
	doc/example-site/hosts.d/pc02.conf doc/example-site/hosts.d/thin01.conf

PHONY_TARGETS += install-systemd-unit uninstall-systemd-unit \
	install-completion-disklessd uninstall-completion-disklessd
