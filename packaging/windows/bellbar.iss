; Inno Setup script for Bellbar: a per-user install (no admin rights), Start menu entry,
; optional start at login (the same HKCU Run value the settings window toggles).
#ifndef Version
  #define Version "0.0.0"
#endif

[Setup]
AppId={{6B1E3C52-8D0B-4C39-9E8B-2F2C8B6B7A11}
AppName=Bellbar
AppVersion={#Version}
DefaultDirName={localappdata}\Programs\Bellbar
DefaultGroupName=Bellbar
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=Bellbar-{#Version}-setup
SetupIconFile=..\..\build\bellbar.ico
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\Bellbar.exe

[Files]
Source: "..\..\dist\Bellbar\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Bellbar"; Filename: "{app}\Bellbar.exe"
Name: "{group}\Uninstall Bellbar"; Filename: "{uninstallexe}"

[Tasks]
Name: "startatlogin"; Description: "Start Bellbar when I log in"

[Registry]
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; \
  ValueName: "Bellbar"; ValueData: """{app}\Bellbar.exe"""; Tasks: startatlogin; \
  Flags: uninsdeletevalue

[Run]
Filename: "{app}\Bellbar.exe"; Description: "Start Bellbar"; Flags: nowait postinstall skipifsilent
