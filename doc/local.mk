# doc/: man pages, written in scdoc (Debian's scdoc), built by make.
man5_MANS = doc/diskless.conf.5
EXTRA_DIST += doc/diskless.conf.5.scd
CLEANFILES += $(man5_MANS)
SUFFIXES = .scd
.scd:
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(SCDOC) < $< > $@.tmp && mv $@.tmp $@
