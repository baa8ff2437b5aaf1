; OpenClaw Desktop installer additions (electron-builder includes this file in its NSIS script).
; Puts <install dir>\resources\cli on the user's PATH so `openclaw` works in a new terminal, and takes
; it off again on uninstall. Per-user (HKCU): the installer runs without elevation.
!include "StrFunc.nsh"
${StrStr}
${UnStrRep}

!macro customInstall
  ReadRegStr $0 HKCU "Environment" "Path"
  ${StrStr} $1 "$0" "$INSTDIR\resources\cli"
  ${If} $1 == ""
    ${If} $0 == ""
      WriteRegExpandStr HKCU "Environment" "Path" "$INSTDIR\resources\cli"
    ${Else}
      WriteRegExpandStr HKCU "Environment" "Path" "$0;$INSTDIR\resources\cli"
    ${EndIf}
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${EndIf}
!macroend

!macro customUnInstall
  ReadRegStr $0 HKCU "Environment" "Path"
  ${UnStrRep} $1 "$0" ";$INSTDIR\resources\cli" ""
  ${UnStrRep} $1 "$1" "$INSTDIR\resources\cli;" ""
  ${UnStrRep} $1 "$1" "$INSTDIR\resources\cli" ""
  WriteRegExpandStr HKCU "Environment" "Path" "$1"
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
!macroend
