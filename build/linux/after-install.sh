#!/bin/bash
# deb post-install (an electron-builder template: ${sanitizedProductName} and ${executable} are filled in).
# Does what electron-builder's default does (the app on PATH, the Chromium sandbox), and puts the
# `openclaw` command on PATH.

if type update-alternatives >/dev/null 2>&1; then
  update-alternatives --install '/usr/bin/${executable}' '${executable}' '/opt/${sanitizedProductName}/${executable}' 100 || ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
else
  ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
fi

# The CLI: leave a user's own `openclaw` (for example from npm) alone.
if [ ! -e /usr/bin/openclaw ] || [ -L /usr/bin/openclaw ]; then
  ln -sf '/opt/${sanitizedProductName}/resources/cli/openclaw' /usr/bin/openclaw
fi

# Use the SUID sandbox helper only where unprivileged user namespaces do not work.
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; } 2>/dev/null; then
  chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
  chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi
