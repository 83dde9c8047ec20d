#!/bin/sh
# Prints the Debian mirror this machine's apt uses (its sources.list / *.sources), so debootstrap fetches from
# the same registry as apt-get. HALOPSA_DEBIAN_MIRROR overrides it; deb.debian.org when nothing matches.
if [ -n "${HALOPSA_DEBIAN_MIRROR:-}" ]; then echo "$HALOPSA_DEBIAN_MIRROR"; exit 0; fi
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -r "$f" ] || continue
  # One-line entries ("deb [opts] URI suite ...") and deb822 entries ("URIs: URI ...") alike; the archive, not
  # the security one.
  uri=$(sed -n -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([a-z]\+:\/\/[^[:space:]]*\).*/\2/p' \
               -e 's/^URIs:[[:space:]]*\([a-z]\+:\/\/[^[:space:]]*\).*/\1/p' "$f" |
        grep -E '/debian/?$' | head -n 1)
  if [ -n "$uri" ]; then echo "${uri%/}"; exit 0; fi
done
echo "http://deb.debian.org/debian"
