# doc/: man pages, written in scdoc (Debian's scdoc), built by make.
man1_MANS = doc/diskless.1
man5_MANS = doc/diskless.conf.5
man8_MANS = doc/disklessd.8 doc/diskless-init.8
MAN_SCD = $(man1_MANS:=.scd) $(man5_MANS:=.scd) $(man8_MANS:=.scd)
EXTRA_DIST += $(MAN_SCD)
CLEANFILES += $(man1_MANS) $(man5_MANS) $(man8_MANS)
SUFFIXES = .scd
.scd:
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(SCDOC) < $< > $@.tmp && mv $@.tmp $@
