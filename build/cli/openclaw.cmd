@echo off
rem The `openclaw` command installed with OpenClaw Desktop (Windows): the bundled CLI on the app's own
rem Node runtime (Electron as Node). OpenClaw.exe sits two folders up from this file, in the install
rem folder; the installer puts resources\cli on the user PATH (build/installer.nsh).
setlocal
set "ELECTRON_RUN_AS_NODE=1"
"%~dp0..\..\OpenClaw.exe" "%~dp0..\app.asar\bin\openclaw.js" %*
exit /b %ERRORLEVEL%
