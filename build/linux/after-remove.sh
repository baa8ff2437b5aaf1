#!/bin/bash
# deb post-remove (an electron-builder template): undo what after-install.sh linked.

if type update-alternatives >/dev/null 2>&1; then
  update-alternatives --remove '${executable}' '/opt/${sanitizedProductName}/${executable}' || true
fi
[ -L '/usr/bin/${executable}' ] && [ ! -e '/usr/bin/${executable}' ] && rm -f '/usr/bin/${executable}'

# Only our own link: a `openclaw` installed some other way stays.
if [ -L /usr/bin/openclaw ] && [ "$(readlink /usr/bin/openclaw)" = '/opt/${sanitizedProductName}/resources/cli/openclaw' ]; then
  rm -f /usr/bin/openclaw
fi
